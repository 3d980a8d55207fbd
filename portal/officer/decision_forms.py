"""Forms for officers' decisions on an application: the checks, approving or declining, the second
officer's return, and internal notes. Their messages match the decision rules' own, so a form sent empty
reads the same at the field as the rule would have said."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import Field, SelectChoice, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from portal.forms import CheckboxesField, strip
from portal.infra.i18n import _l
from portal.models.funding import Round
from portal.services.applications.form import parse_pounds
from portal.services.rounds import decline_reasons

AMOUNT_FORMAT = _l("Enter the amount to award in pounds, like 1500")


def _pounds(form: Any, field: Field) -> None:
    if parse_pounds(field.data) is None:
        raise ValidationError(AMOUNT_FORMAT)


class ReturnApprovalForm(FlaskForm):
    reason = TextAreaField(
        _l("Why you are returning it (the officer who approved it reads this)"),
        validators=[
            DataRequired(_l("Give the reason for returning the approval")),
            Length(max=2000, message=_l("The reason must be 2,000 characters or fewer")),
        ],
    )


class AskQuestionForm(FlaskForm):
    question = TextAreaField(
        _l("Ask the group for more information"),
        filters=[strip],
        validators=[DataRequired(_l("Enter the question for the group"))],
        render_kw={"rows": 3},
    )


class IneligibleForm(FlaskForm):
    reason = TextAreaField(
        _l("Why it is not eligible (the group reads this)"),
        validators=[DataRequired(_l("Give the reason the group will read"))],
        render_kw={"rows": 3},
    )


class ApproveForm(FlaskForm):
    amount = StringField(
        _l("Amount to award in pounds"), filters=[strip], validators=[DataRequired(AMOUNT_FORMAT), _pounds]
    )
    conditions = TextAreaField(_l("Conditions of the grant (optional)"), render_kw={"rows": 3})

    @property
    def amount_pence(self) -> int:
        return parse_pounds(self.amount.data) or 0


class DeclineForm(FlaskForm):
    # Whether a reason or feedback is given is the decision rule's to say (it is checked there, once).
    reasons = CheckboxesField(_l("Reasons to give the group"), choices=[])
    feedback = TextAreaField(_l("Feedback for the group (optional)"), render_kw={"rows": 3})

    def offering(self, grant_round: Round) -> DeclineForm:
        self.reasons.choices = reason_choices(grant_round)
        return self


def reason_choices(grant_round: Round) -> list[SelectChoice]:
    """The round's decline reasons, as the decline forms offer them."""
    return [SelectChoice(reason.code, reason.words) for reason in decline_reasons.offered(grant_round)]


class NoteForm(FlaskForm):
    note = TextAreaField(_l("Add a note"), validators=[DataRequired(_l("Write the note first"))], render_kw={"rows": 3})
