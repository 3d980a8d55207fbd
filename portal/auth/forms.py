"""Sign-in forms. Messages are in the words people would use (STYLE §9)."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import EmailField, Field, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, Optional, Regexp, ValidationError

from portal.forms import email_field
from portal.infra.i18n import _l


def _digits_only(value: Any) -> Any:
    """People copy codes as "123 456" or "123-456"; keep the digits."""
    if not isinstance(value, str):
        return value
    return "".join(char for char in value if not char.isspace() and char != "-")


def _email_field(label: str = _l("Email address")) -> EmailField:
    return email_field(label, missing=_l("Enter your email address"))


def _code_field(missing: str) -> StringField:
    return StringField(
        _l("Code"),
        filters=[_digits_only],
        validators=[
            DataRequired(missing),
            Regexp(r"^\d{6}$", message=_l("The code must be 6 digits, like 123456")),
        ],
    )


class EmailSignInForm(FlaskForm):
    email = _email_field()
    next = HiddenField()


class EmailCodeForm(FlaskForm):
    code = _code_field(_l("Enter the 6-digit code from the email"))


class ConfirmForm(FlaskForm):
    """A form that is only a button (and its CSRF token)."""


class StaffSignInForm(FlaskForm):
    email = _email_field()
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password"))])
    # Shown only when many passwords have been tried at an address (portal.infra.rate_limits).
    code = StringField(
        _l("Code from your authenticator app"),
        filters=[_digits_only],
        validators=[Optional(), Regexp(r"^\d{6}$", message=_l("The code must be 6 digits, like 123456"))],
    )
    next = HiddenField()


class AuthenticatorCodeForm(FlaskForm):
    code = _code_field(_l("Enter the 6-digit code from your authenticator app"))


class SetPasswordForm(FlaskForm):
    """A staff member chooses their password, from a link an administrator emailed."""

    password = PasswordField(_l("New password"), validators=[DataRequired(_l("Enter a password"))])
    again = PasswordField(_l("Type the password again"), validators=[DataRequired(_l("Type the password again"))])

    def validate_again(self, field: Field) -> None:
        if self.password.data and field.data and field.data != self.password.data:
            raise ValidationError(_l("The two passwords are not the same: type them again"))
