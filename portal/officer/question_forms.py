"""Forms of the question builder's pages: a section, a question, a move and the required documents."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectChoice, StringField, TextAreaField

from portal.forms import CheckboxesField, strip
from portal.infra.i18n import _l
from portal.models.questions import QUESTION_KIND_LABELS, QuestionKind, RoundQuestion
from portal.services.applications.form import parse_whole_number
from portal.services.rounds.questions import DEFAULT_WORD_LIMIT, QuestionSettings, options_from_lines

REQUIRED_CHOICES = [SelectChoice("yes", _l("Yes, groups must answer it")), SelectChoice("no", _l("No, it is optional"))]


class SectionForm(FlaskForm):
    title = StringField(_l("Section title"), filters=[strip])
    intro = TextAreaField(_l("Introduction (optional)"), filters=[strip], render_kw={"rows": 3})


class QuestionForm(FlaskForm):
    kind = RadioField(
        _l("What kind of answer does it take?"),
        choices=[SelectChoice(kind.value, label) for kind, label in QUESTION_KIND_LABELS.items()],
        validate_choice=False,
    )
    question = StringField(_l("Question"), filters=[strip])
    hint = TextAreaField(_l("Hint (optional)"), filters=[strip], render_kw={"rows": 2})
    required = RadioField(_l("Must groups answer it?"), choices=REQUIRED_CHOICES, default="yes", validate_choice=False)
    word_limit = StringField(_l("Word limit (long text only)"), filters=[strip], default=str(DEFAULT_WORD_LIMIT))
    options = TextAreaField(
        _l("Choices, one on each line (one choice and several choices only)"), render_kw={"rows": 5}
    )

    def settings(self) -> QuestionSettings:
        """The question as typed (checked by the service)."""
        try:
            kind: QuestionKind | None = QuestionKind(self.kind.data or "")
        except ValueError:
            kind = None
        typed_limit = self.word_limit.data or ""
        limit = parse_whole_number(typed_limit) if typed_limit else None
        return QuestionSettings(
            kind=kind,
            question=self.question.data or "",
            hint=self.hint.data or "",
            required=self.required.data != "no",
            # A limit that is not a whole number is refused as one out of range.
            word_limit=limit if limit is not None or not typed_limit else 0,
            options=options_from_lines(self.options.data or ""),
        )

    @classmethod
    def of(cls, question: RoundQuestion) -> QuestionForm:
        return cls(
            data={
                "kind": question.kind.value,
                "question": question.question,
                "hint": question.hint,
                "required": "yes" if question.required else "no",
                "word_limit": str(question.word_limit or DEFAULT_WORD_LIMIT),
                "options": "\n".join(question.options),
            }
        )


class MoveForm(FlaskForm):
    """A move up or down: the pressed button says which."""

    direction = HiddenField()


class DocumentsForm(FlaskForm):
    required = CheckboxesField(_l("Documents every group must upload"), choices=[], validate_choice=False)
