"""Forms for a group's profile. Messages say what to do, with an example (STYLE §9)."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import BooleanField, Field, RadioField, SelectChoice, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from portal.forms import email_field, strip
from portal.infra.i18n import _l
from portal.models.organisations import INCOME_BAND_LABELS, ORGANISATION_KIND_LABELS, IncomeBand, OrganisationKind
from portal.plain_text import OneLine
from portal.services.applications import organisations
from portal.services.applications.postcodes import normalise_postcode

KIND_CHOICES = [SelectChoice(kind.value, label) for kind, label in ORGANISATION_KIND_LABELS.items()]
INCOME_CHOICES = [SelectChoice(band.value, label) for band, label in INCOME_BAND_LABELS.items()]


def _name_field() -> StringField:
    return StringField(
        _l("Your group's name"),
        filters=[strip],
        validators=[
            DataRequired(_l("Enter your group's name")),
            Length(max=200, message=_l("The name must be 200 characters or fewer")),
            OneLine(_l("Enter your group's name on one line, without line breaks or hidden characters")),
        ],
    )


def _kind_field() -> RadioField:
    return RadioField(
        _l("What kind of group is it?"),
        choices=KIND_CHOICES,
        validators=[DataRequired(_l("Choose what kind of group it is"))],
        validate_choice=False,
    )


def _check_kind(field: Field) -> None:
    if field.data not in {kind.value for kind in OrganisationKind}:
        raise ValidationError(_l("Choose what kind of group it is"))


class NewGroupForm(FlaskForm):
    name = _name_field()
    kind = _kind_field()

    def validate_kind(self, field: Field) -> None:
        _check_kind(field)


class ProfileForm(FlaskForm):
    """A page of the profile. Each defines ``changes()``: the fields to store."""


class DetailsForm(ProfileForm):
    name = _name_field()
    kind = _kind_field()
    charity_number = StringField(_l("Charity number (if you have one)"), filters=[strip])
    company_number = StringField(_l("Company number (if you have one)"), filters=[strip])

    def validate_kind(self, field: Field) -> None:
        _check_kind(field)

    def validate_charity_number(self, field: Field) -> None:
        if field.data and organisations.normalise_charity_number(field.data) is None:
            raise ValidationError(_l("Enter a charity number in the right format, like 1234567 or SC012345"))
        if not field.data and self.kind.data == OrganisationKind.CHARITY.value:
            raise ValidationError(_l("Enter your charity number, like 1234567"))

    def validate_company_number(self, field: Field) -> None:
        if field.data and organisations.normalise_company_number(field.data) is None:
            raise ValidationError(_l("Enter a company number in the right format, like 01234567 or SC123456"))
        if not field.data and self.kind.data in (OrganisationKind.CIC.value, OrganisationKind.COMPANY.value):
            raise ValidationError(_l("Enter your company number, like 01234567"))

    def changes(self) -> dict[str, Any]:
        return {
            "name": self.name.data,
            "kind": OrganisationKind(self.kind.data),
            "charity_number": organisations.normalise_charity_number(self.charity_number.data),
            "company_number": organisations.normalise_company_number(self.company_number.data),
        }


class AddressForm(ProfileForm):
    address = TextAreaField(
        _l("Address"),
        filters=[strip],
        validators=[
            DataRequired(_l("Enter your group's address")),
            Length(max=500, message=_l("The address must be 500 characters or fewer")),
        ],
        render_kw={"rows": 4, "autocomplete": "street-address"},
    )
    postcode = StringField(
        _l("Postcode"), filters=[strip], validators=[DataRequired(_l("Enter your group's postcode"))]
    )

    def validate_postcode(self, field: Field) -> None:
        if field.data and normalise_postcode(field.data) is None:
            raise ValidationError(_l("Enter a real postcode, like WD24 4AB"))

    def changes(self) -> dict[str, Any]:
        return {"address": self.address.data, "postcode": self.postcode.data}


class IncomeForm(ProfileForm):
    income_band = RadioField(
        _l("How much money does your group have coming in each year?"),
        choices=INCOME_CHOICES,
        validators=[DataRequired(_l("Choose your group's yearly income"))],
        validate_choice=False,
    )

    def validate_income_band(self, field: Field) -> None:
        if field.data not in {band.value for band in IncomeBand}:
            raise ValidationError(_l("Choose your group's yearly income"))

    def changes(self) -> dict[str, Any]:
        return {"income_band": IncomeBand(self.income_band.data)}


class ContactForm(ProfileForm):
    contact_name = StringField(
        _l("Name"), filters=[strip], validators=[DataRequired(_l("Enter the contact's name")), Length(max=200)]
    )
    contact_email = email_field(_l("Email address"), missing=_l("Enter the contact's email address"))
    contact_phone = StringField(_l("Phone number (optional)"), filters=[strip], validators=[Optional()])

    def validate_contact_phone(self, field: Field) -> None:
        digits = "".join(ch for ch in field.data or "" if ch.isdigit())
        if field.data and not (10 <= len(digits) <= 13 and set(field.data) <= set("0123456789 +()-")):
            raise ValidationError(_l("Enter a phone number, like 01923 123456 or 07700 900123"))

    def changes(self) -> dict[str, Any]:
        return {
            "contact_name": self.contact_name.data,
            "contact_email": self.contact_email.data.lower(),
            "contact_phone": self.contact_phone.data or "",
        }


class MoneyForm(ProfileForm):
    first_person = StringField(_l("First person's full name"), filters=[strip], validators=[Length(max=200)])
    second_person = StringField(_l("Second person's full name"), filters=[strip], validators=[Length(max=200)])
    not_related = BooleanField(_l("These two people are not related and do not live at the same address"))
    partner_organisation = StringField(
        _l("Or: the partner organisation that will hold the grant for you"),
        filters=[strip],
        validators=[Length(max=200)],
    )

    def validate(self, extra_validators: Any = None) -> bool:
        if not super().validate(extra_validators):
            return False
        people = [self.first_person.data, self.second_person.data]
        if self.partner_organisation.data and not any(people):
            return True
        if not all(people):
            target = self.first_person if not self.first_person.data else self.second_person
            target.errors = [
                _l("Enter the names of two people who will look after the money, or a partner organisation")
            ]
            return False
        if self.first_person.data.lower() == self.second_person.data.lower():
            self.second_person.errors = [_l("Enter two different people")]
            return False
        if not self.not_related.data:
            self.not_related.errors = [_l("Confirm that the two people are not related and do not live together")]
            return False
        return True

    def changes(self) -> dict[str, Any]:
        people = [self.first_person.data, self.second_person.data]
        holders = "\n".join(people) if all(people) else ""
        return {"money_holders": holders, "partner_organisation": self.partner_organisation.data or ""}


class InviteForm(FlaskForm):
    name = StringField(
        _l("Their name"), filters=[strip], validators=[DataRequired(_l("Enter their name")), Length(max=200)]
    )
    email = email_field(_l("Their email address"), missing=_l("Enter their email address"))


class ConfirmForm(FlaskForm):
    """A button and its CSRF token."""
