"""Forms on a person's own account pages, in the words people would use (STYLE §9)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import Field, RadioField, SelectChoice, StringField
from wtforms.validators import DataRequired, Length, ValidationError

from portal.forms import strip
from portal.infra.i18n import _l
from portal.services.people import phones

EMAIL = "email"
TEXT = "text"


class ContactForm(FlaskForm):
    """How sign-in codes and reminders are sent, and the mobile number for texts."""

    channel = RadioField(
        _l("How should we send your sign-in codes and reminders?"),
        choices=[SelectChoice(EMAIL, _l("By email")), SelectChoice(TEXT, _l("By text message to my mobile"))],
        validators=[DataRequired(_l("Choose email or text message"))],
    )
    mobile = StringField(_l("UK mobile number"), filters=[strip], validators=[Length(max=40)])

    def validate_mobile(self, field: Field) -> None:
        if field.data and phones.uk_mobile(field.data) is None:
            raise ValidationError(_l("Enter a UK mobile number, like 07700 900123"))
        if not field.data and self.channel.data == TEXT:
            raise ValidationError(_l("Enter the UK mobile number to send text messages to"))

    @property
    def by_text(self) -> bool:
        return bool(self.channel.data == TEXT)
