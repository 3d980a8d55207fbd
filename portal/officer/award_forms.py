"""Forms for running an award from the officer's pages: planning and recording payments, cancelling, and
accepting a report or asking for changes.

Their messages match the award rules' own, so a form sent empty reads the same at the field."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_wtf import FlaskForm
from wtforms import Field, HiddenField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, ValidationError

from portal.forms import strip
from portal.infra.i18n import _l
from portal.models.awards import Award
from portal.services.applications.form import parse_pounds

AMOUNT_FORMAT = _l("Enter the amount in pounds, like 1500")
DATE_FORMAT = _l("Enter the date the payment is due, like 2027-01-31")


def _pounds(form: Any, field: Field) -> None:
    if parse_pounds(field.data) is None:
        raise ValidationError(AMOUNT_FORMAT)


def _iso_date(form: Any, field: Field) -> None:
    try:
        date.fromisoformat(field.data or "")
    except ValueError as error:
        raise ValidationError(DATE_FORMAT) from error


class PlanPaymentForm(FlaskForm):
    amount = StringField(
        _l("Amount of an instalment in pounds"), filters=[strip], validators=[InputRequired(AMOUNT_FORMAT), _pounds]
    )
    due_on = StringField(_l("Due on"), validators=[_iso_date], render_kw={"type": "date"})
    held_until = SelectField(
        _l("Hold until this report is accepted"), choices=[SelectChoice("", _l("Not held"))], default=""
    )

    def offer_reports(self, award: Award) -> None:
        """The award's reports, by their schedule entries (they exist before the group accepts), soonest due first."""
        due_order = sorted(award.schedule, key=lambda item: (item.months_after, item.position))
        self.held_until.choices = [SelectChoice("", _l("Not held"))] + [
            SelectChoice(str(item.id), item.title) for item in due_order
        ]

    @property
    def held_until_id(self) -> int | None:
        return int(self.held_until.data) if self.held_until.data else None

    @property
    def amount_pence(self) -> int:
        return parse_pounds(self.amount.data) or 0

    @property
    def due_date(self) -> date:
        return date.fromisoformat(self.due_on.data or "")


class RecordPaymentForm(FlaskForm):
    reference = StringField(
        _l("Bank reference for this payment"),
        filters=[strip],
        validators=[DataRequired(_l("Enter the payment reference from the bank"))],
    )


class CancelAwardForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason (the group reads this)"),
        validators=[DataRequired(_l("Give the reason for cancelling"))],
        render_kw={"rows": 3},
    )


class AcceptReportForm(FlaskForm):
    """Only the button; ``sent`` is how many times the report had been sent when the page was drawn."""

    sent = HiddenField(validators=[DataRequired()])


class AskForChangesForm(FlaskForm):
    message = TextAreaField(
        _l("What should the group change? (the group reads this)"),
        filters=[strip],
        validators=[DataRequired(_l("Tell the group what to change"))],
        render_kw={"rows": 5},
    )
    sent = HiddenField(validators=[DataRequired()])
