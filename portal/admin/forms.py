"""Forms for managing people. Messages are in the words people would use (STYLE §9)."""

from __future__ import annotations

from typing import ClassVar

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    Field,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import AnyOf, DataRequired, Length, ValidationError

from portal.extensions import db
from portal.forms import CheckboxesField, email_field, strip
from portal.infra.i18n import _l
from portal.models.users import Role
from portal.services.people import accounts

# The funder role is given with the funder the person reads for
# (portal.services.outcomes.access.link_funder_person), not on these forms.
ROLE_VALUES = [role.value for role in Role if role is not Role.FUNDER]
ROLE_CHOICES = [SelectChoice(role.value, accounts.ROLE_LABELS[role]) for role in Role if role is not Role.FUNDER]


class NewPersonForm(FlaskForm):
    name = StringField(
        _l("Full name"),
        filters=[strip],
        validators=[
            DataRequired(_l("Enter the person's full name")),
            Length(max=200, message=_l("Names must be 200 characters or fewer")),
        ],
    )
    email = email_field(_l("Email address"), missing=_l("Enter their email address"))
    role = RadioField(
        _l("Role"),
        choices=ROLE_CHOICES,
        validate_choice=False,
        validators=[
            DataRequired(_l("Choose the person's role")),
            AnyOf(ROLE_VALUES, message=_l("Choose the person's role")),
        ],
    )

    def validate_email(self, field: Field) -> None:
        if field.data and accounts.email_taken(db.session, field.data):
            raise ValidationError(
                _l("There is already an account for this email address. Find it in the list of people.")
            )


class PressedForm(FlaskForm):
    """One of several forms on a page: the value of its pressed button (named "action") says it was the one sent."""

    ACTIONS: ClassVar[frozenset[str]] = frozenset()
    # Filled by the pressed button, not rendered: the buttons carry the value.
    action = HiddenField()

    def pressed(self) -> str | None:
        """The button pressed, when this form was the one sent."""
        data = self.action.data
        return data if self.is_submitted() and data in self.ACTIONS else None

    def sent_unknown(self) -> bool:
        """A post naming no button of any form on the page (``pressed`` is None for every form)."""
        return self.is_submitted() and bool(self.action.data)


class RolesForm(PressedForm):
    ACTIONS = frozenset({"roles"})
    roles = CheckboxesField(
        _l("Roles"), choices=ROLE_CHOICES, default=[], invalid_choice_message=_l("Choose roles from the list")
    )


class FunderSelect(SelectField):
    def pre_validate(self, form: FlaskForm) -> None:
        if self.data not in {str(value) for value, *_ in self.choices or []}:
            raise ValidationError(_l("Choose a funder from the list"))


class FunderForm(PressedForm):
    """Which funder a person reads outcomes for; the choices are set from the funders on record."""

    ACTIONS = frozenset({"funder"})
    funder = FunderSelect(_l("Funder"), choices=[])


class AccountForm(PressedForm):
    """Deactivate or reactivate: a button and its CSRF token."""

    ACTIONS = frozenset({"deactivate", "reactivate"})


class PasswordLinkForm(FlaskForm):
    """Email a staff member a link to set their password: a button and its CSRF token."""


class EraseForm(FlaskForm):
    confirmed = BooleanField(_l("I understand that this cannot be undone"))

    def validate_confirmed(self, field: Field) -> None:
        if not field.data:
            raise ValidationError(_l("Tick the box to confirm that you want to erase this person's details"))


class ProgrammeForm(FlaskForm):
    """The programme settings. The rules live in ``portal.services.programme.settings.check``,
    whose messages the page shows beside each field."""

    name = StringField(_l("Programme name"), filters=[strip])
    description = TextAreaField(_l("Description"), filters=[strip])
    contact_email = EmailField(_l("Grants team's email address"), filters=[strip])
    privacy_contact = EmailField(_l("Privacy contact's email address (optional)"), filters=[strip])
    hourly_rate = StringField(_l("Panel members' hourly rate in pounds"), filters=[strip])
    grant_id_prefix = StringField(_l("Grant ID prefix"), filters=[strip])
    publisher_name = StringField(_l("Publisher name"), filters=[strip])
    open_data_licence = StringField(_l("Open data licence (its web address)"), filters=[strip])
