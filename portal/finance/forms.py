"""Finance forms. Messages are in the words people would use (STYLE §9)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField
from wtforms.validators import DataRequired, Length

from portal.forms import strip
from portal.services.awards.bank_confirmation import REASON_LIMIT


class ShowBankDetailsForm(FlaskForm):
    reason = StringField(
        "Why do you need to see the bank details?",
        filters=[strip],
        validators=[
            DataRequired("Say why you need to see the bank details"),
            Length(max=REASON_LIMIT, message=f"Keep the reason to {REASON_LIMIT} characters or fewer"),
        ],
    )


class ConfirmBankDetailsForm(FlaskForm):
    # Which details were on the page, so a change made meanwhile is not confirmed unseen.
    checked = HiddenField()
