"""Finance forms. Messages are in the words people would use (STYLE §9)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import DateInput

from portal.forms import CheckboxesField, strip
from portal.infra.i18n import _l
from portal.services.awards.bank_confirmation import REASON_LIMIT


class ShowBankDetailsForm(FlaskForm):
    reason = StringField(
        _l("Why do you need to see the bank details?"),
        filters=[strip],
        validators=[
            DataRequired(_l("Say why you need to see the bank details")),
            Length(
                max=REASON_LIMIT,
                message=_l("Keep the reason to %(REASON_LIMIT)s characters or fewer", REASON_LIMIT=REASON_LIMIT),
            ),
        ],
    )


class ConfirmBankDetailsForm(FlaskForm):
    # Which details were on the page, so a change made meanwhile is not confirmed unseen.
    checked = HiddenField()


class NewRunForm(FlaskForm):
    payments = CheckboxesField(_l("Payments to put in the run"), choices=[], validate_choice=False)
    pay_on = StringField(_l("The day the bank pays them"), widget=DateInput())


class PayingAccountForm(FlaskForm):
    account_name = StringField(_l("Account name, as the bank file gives it"), filters=[strip])
    sort_code = StringField(_l("Sort code"), filters=[strip])
    account_number = StringField(_l("Account number"), filters=[strip])
    service_user_number = StringField(_l("Bacs service user number"), filters=[strip])
