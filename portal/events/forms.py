"""Booking forms: up to five named attendees, each with any access needs."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import FieldList, Form, FormField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from portal.form_errors import refuse
from portal.infra.i18n import _l
from portal.services.events import registrations


class AttendeeForm(Form):
    name = StringField(
        _l("Name"), validators=[Optional(), Length(max=200, message=_l("Names must be 200 characters or fewer"))]
    )
    access_needs = TextAreaField(
        _l("Access needs (optional)"),
        validators=[Optional(), Length(max=2000, message=_l("Access needs must be 2,000 characters or fewer"))],
    )


class BookingForm(FlaskForm):
    organisation = SelectField(_l("Which group are you booking for?"), validate_choice=False)
    attendees = FieldList(
        FormField(AttendeeForm),
        min_entries=registrations.MAX_ATTENDEES_PER_BOOKING,
        max_entries=registrations.MAX_ATTENDEES_PER_BOOKING,
    )

    def refuse_attendees(self, message: str) -> None:
        """A problem with who is coming, shown at the first person's name."""
        refuse(self, message, at=self.attendees[0].form.name)
        # The list gathered its people's errors when it was validated: gather them again.
        self.attendees.errors = [entry.errors for entry in self.attendees if entry.errors]


class CancelPlaceForm(FlaskForm):
    """The "Cancel this place" button: the registration is in the address, so only the CSRF token is posted."""
