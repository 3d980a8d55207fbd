"""Forms for the application's pages, built from the questions in ``services.application_form``.

Checking what is missing happens in the service, on the saved answers, so a
half-finished page is still saved; the forms only carry values and the CSRF
token, and show the service's messages against the right fields.
"""

from __future__ import annotations

from itertools import zip_longest
from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    Field,
    FieldList,
    HiddenField,
    IntegerField,
    MultipleFileField,
    RadioField,
    SelectChoice,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length

from portal.forms import CheckboxesField, strip
from portal.infra.i18n import _l
from portal.services.applications import spoken
from portal.services.applications.form import MAX_BUDGET_LINES, BudgetLineInput, FieldSpec

# What an upload control offers to choose: photos (from the camera too) and documents.
UPLOAD_ACCEPTS = "image/*,application/pdf,.pdf,.heic,.heif,.doc,.docx,.odt"
# A spoken or filmed answer: a phone offers its microphone and camera for these.
RECORDING_ACCEPTS = "audio/*,video/*"


class RevisionForm(FlaskForm):
    """A page that saves a section: carries the revision it was opened at."""

    revision = HiddenField()
    # Filled by the pressed button ("continue", "later", ...), never rendered as a control.
    action = HiddenField()

    def come_back_later(self) -> bool:
        return bool(self.action.data == "later")

    def revision_number(self) -> int:
        try:
            return int(self.revision.data or 0)
        except ValueError:
            return -1  # a tampered value is simply stale


def _choices(spec: FieldSpec) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in spec.choices.items()]


def _field_for(spec: FieldSpec) -> Field:
    if spec.kind == "long":
        return TextAreaField(spec.label, render_kw={"rows": 8})
    if spec.kind == "choice":
        return RadioField(spec.label, choices=_choices(spec), validate_choice=False)
    if spec.kind == "multi":
        return CheckboxesField(spec.label, choices=_choices(spec), validate_choice=False)
    if spec.kind == "tick":
        return BooleanField(spec.label)
    if spec.kind == "number":
        return StringField(spec.label, render_kw={"inputmode": "numeric", "spellcheck": "false"})
    if spec.kind == "money":
        return StringField(spec.label, render_kw={"inputmode": "decimal", "spellcheck": "false"})
    if spec.kind == "date":
        return StringField(spec.label, render_kw={"spellcheck": "false"})
    if spec.kind == "file":
        return FileField(spec.label, render_kw={"accept": UPLOAD_ACCEPTS})
    return StringField(spec.label)


def recording_field(name: str) -> str:
    """The file control for a long-text question's spoken or filmed answer."""
    return f"{name}__recording"


def transcript_field(name: str) -> str:
    return f"{name}__transcript"


def remove_recording_field(name: str) -> str:
    return f"{name}__remove_recording"


def _recording_fields(spec: FieldSpec) -> dict[str, Field]:
    """Beside a long-text question: a recording instead of writing, what it says, and removing it."""
    if not spoken.takes_recording(spec.kind):
        return {}
    return {
        recording_field(spec.name): FileField(
            _l("Record or upload a spoken or video answer (optional)"), render_kw={"accept": RECORDING_ACCEPTS}
        ),
        transcript_field(spec.name): TextAreaField(
            _l("What you say in the recording (optional)"),
            filters=[strip],
            render_kw={"rows": 4},
        ),
        remove_recording_field(spec.name): BooleanField(_l("Remove this recording")),
    }


def question_form(specs: list[FieldSpec], **kwargs: Any) -> RevisionForm:
    """A form with one field per question (named as the question), and a long-text question's recording."""
    fields: dict[str, Field] = {}
    for spec in specs:
        fields[spec.name] = _field_for(spec)
        fields.update(_recording_fields(spec))
    form_class = type("QuestionForm", (RevisionForm,), fields)
    form: RevisionForm = form_class(**kwargs)
    return form


def values_from(form: RevisionForm, specs: list[FieldSpec]) -> dict[str, Any]:
    """The answers as typed, ready to store (a file question's answer is the stored file: see the page)."""
    values: dict[str, Any] = {}
    for spec in specs:
        if spec.kind == "file":
            continue
        data = form[spec.name].data
        if spec.kind == "multi":
            values[spec.name] = [str(item) for item in (data or [])]
        elif spec.kind == "tick":
            values[spec.name] = bool(data)
        else:
            values[spec.name] = (data or "").strip()
    return values


class StartApplicationForm(FlaskForm):
    organisation = RadioField(_l("Which group is applying?"), validate_choice=False)


class CopyAnswersForm(FlaskForm):
    """One button per earlier application of the group; the button's value names it."""

    source = IntegerField(validators=[DataRequired()])


class SubmitForm(FlaskForm):
    """Check your answers: the button is the whole form."""


class WithdrawForm(FlaskForm):
    reason = TextAreaField(
        _l("Why are you withdrawing? (optional)"),
        validators=[Length(max=2000, message=_l("Your reason must be 2,000 characters or fewer"))],
        render_kw={"rows": 4},
    )


class AnswerForm(FlaskForm):
    answer = TextAreaField(
        _l("Your answer"),
        validators=[
            DataRequired(_l("Enter your answer")),
            Length(max=10_000, message=_l("Your answer must be 10,000 characters or fewer")),
        ],
        render_kw={"rows": 8},
    )
    files = MultipleFileField(
        _l("Files (optional)"), render_kw={"accept": "image/*,application/pdf,.pdf,.heic,.heif,.doc,.docx,.odt"}
    )


class EvidenceUploadForm(FlaskForm):
    """One document's upload on the documents page: the page shows one of these for each document needed."""

    kind = HiddenField()
    file = FileField(_l("Upload a file"))

    def for_need(self, kind: str, label: str, accept: str) -> EvidenceUploadForm:
        # Several of these share a page, so each control's id names its document.
        self.kind.id = f"kind-{kind}"
        self.file.id = f"file-{kind}"
        self.file.label.text = label
        self.file.render_kw = {"accept": accept}
        return self


class ReuseDocumentForm(FlaskForm):
    """One button per earlier document offered on the documents page; the button's value names it."""

    evidence_id = IntegerField(validators=[DataRequired()])


class BudgetForm(RevisionForm):
    """The budget page: its lines are posted as item-0/amount-0, item-1/amount-1, ..."""

    item = FieldList(StringField(filters=[strip]), max_entries=MAX_BUDGET_LINES + 1)
    amount = FieldList(StringField(filters=[strip]), max_entries=MAX_BUDGET_LINES + 1)
    # Filled by a line's Remove button: the index of the line to remove.
    remove = HiddenField()

    def typed_lines(self) -> list[BudgetLineInput]:
        items = [entry.data or "" for entry in self.item]
        amounts = [entry.data or "" for entry in self.amount]
        return [BudgetLineInput(item, amount) for item, amount in zip_longest(items, amounts, fillvalue="")]
