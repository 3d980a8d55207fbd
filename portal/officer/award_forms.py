"""Forms for running an award from the officer's award page: planning and recording payments, and
cancelling. Their messages match the award rules' own, so a form sent empty reads the same at the field."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_wtf import FlaskForm
from wtforms import Field, HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, ValidationError

from portal.forms import strip
from portal.services.applications.form import parse_pounds

AMOUNT_FORMAT = "Enter the amount in pounds, like 1500"
DATE_FORMAT = "Enter the date the payment is due, like 2027-01-31"


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
        "Amount of an instalment in pounds", filters=[strip], validators=[InputRequired(AMOUNT_FORMAT), _pounds]
    )
    due_on = StringField("Due on", validators=[_iso_date], render_kw={"type": "date"})

    @property
    def amount_pence(self) -> int:
        return parse_pounds(self.amount.data) or 0

    @property
    def due_date(self) -> date:
        return date.fromisoformat(self.due_on.data or "")


class RecordPaymentForm(FlaskForm):
    reference = StringField(
        "Bank reference for this payment",
        filters=[strip],
        validators=[DataRequired("Enter the payment reference from the bank")],
    )


class CancelAwardForm(FlaskForm):
    reason = TextAreaField(
        "Reason (the group reads this)",
        validators=[DataRequired("Give the reason for cancelling")],
        render_kw={"rows": 3},
    )


class ReadReportForm(FlaskForm):
    """The button under one sent report: the officer has read it (the award closes once every report is read)."""

    report = HiddenField()
    # Set by the award page: whether reading this report closes the award.
    closes = False
