"""Forms for managing people. Messages are in the words people would use (STYLE §9)."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, Field, RadioField, SelectChoice, SelectMultipleField, StringField
from wtforms.validators import AnyOf, DataRequired, Email, Length, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from portal.extensions import db
from portal.models.users import Role
from portal.services import people

EMAIL_FORMAT = "Enter an email address in the correct format, like name@example.com"

ROLE_VALUES = [role.value for role in Role]
ROLE_CHOICES = [SelectChoice(role.value, people.ROLE_LABELS[role]) for role in Role]


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


class CheckboxesField(SelectMultipleField):
    """Several choices shown as checkboxes (rendered by components/forms.html:field)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class NewPersonForm(FlaskForm):
    name = StringField(
        "Full name",
        filters=[_strip],
        validators=[
            DataRequired("Enter the person's full name"),
            Length(max=200, message="Names must be 200 characters or fewer"),
        ],
    )
    email = EmailField(
        "Email address",
        filters=[_strip],
        validators=[
            DataRequired("Enter their email address"),
            Length(max=254, message=EMAIL_FORMAT),
            Email(EMAIL_FORMAT, check_deliverability=False),
        ],
    )
    role = RadioField(
        "Role",
        choices=ROLE_CHOICES,
        validate_choice=False,
        validators=[
            DataRequired("Choose the person's role"),
            AnyOf(ROLE_VALUES, message="Choose the person's role"),
        ],
    )

    def validate_email(self, field: Field) -> None:
        if field.data and people.email_taken(db.session, field.data):
            raise ValidationError("There is already an account for this email address. Find it in the list of people.")


class RolesForm(FlaskForm):
    roles = CheckboxesField(
        "Roles", choices=ROLE_CHOICES, default=[], invalid_choice_message="Choose roles from the list"
    )


class AccountForm(FlaskForm):
    """Deactivate or reactivate: a button and its CSRF token."""


class EraseForm(FlaskForm):
    confirmed = BooleanField("I understand that this cannot be undone")

    def validate_confirmed(self, field: Field) -> None:
        if not field.data:
            raise ValidationError("Tick the box to confirm that you want to erase this person's details")
