"""Forms for helping a group apply (connectors and officers) and for the group's confirmation."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp

from portal.apply.group_forms import KIND_CHOICES
from portal.forms import EMAIL_FORMAT, strip
from portal.infra.i18n import _l

NEW_GROUP = "new"


class StartForOthersForm(FlaskForm):
    """Pick an open round and an existing group, or describe a new one."""

    round_id = SelectField(_l("Funding round"), coerce=int, validators=[DataRequired(_l("Choose a funding round"))])
    group = SelectField(_l("Group"), validators=[DataRequired(_l("Choose a group, or add a new one"))])
    name = StringField(_l("Group's name"), filters=[strip], validators=[Optional(), Length(max=200)])
    kind = RadioField(
        _l("What kind of group is it?"), choices=KIND_CHOICES, validators=[Optional()], validate_choice=False
    )
    contact_name = StringField(_l("Group contact's name"), filters=[strip], validators=[Optional(), Length(max=200)])
    contact_email = EmailField(
        _l("Group contact's email address"),
        filters=[strip],
        validators=[Optional(), Length(max=254, message=EMAIL_FORMAT), Email(EMAIL_FORMAT, check_deliverability=False)],
    )

    def validate(self, extra_validators: dict[str, Any] | None = None) -> bool:
        valid = bool(super().validate(extra_validators))
        if self.group.data != NEW_GROUP:
            return valid
        for field, message in (
            (self.name, _l("Enter the group's name")),
            (self.kind, _l("Choose what kind of group it is")),
            (self.contact_name, _l("Enter the group contact's name")),
            (self.contact_email, _l("Enter the group contact's email address")),
        ):
            if not field.data:
                field.errors = [*field.errors, str(message)]
                valid = False
        return valid


class SearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Search groups by name"), filters=[strip], validators=[Optional(), Length(max=200)])


class AskToConfirmForm(FlaskForm):
    """The button and its CSRF token."""


class ConfirmAndSendForm(FlaskForm):
    code = HiddenField()


class ConfirmationCodeForm(FlaskForm):
    code = StringField(
        _l("Confirmation code"),
        filters=[strip],
        validators=[
            DataRequired(_l("Enter the 6-digit code from the email")),
            Regexp(r"^\d{6}$", message=_l("Enter the 6-digit code from the email")),
        ],
    )
