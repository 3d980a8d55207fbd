"""The form for a message to funded groups."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, TextAreaField

from portal.forms import strip
from portal.infra.i18n import _l


class BroadcastForm(FlaskForm):
    # One use per form: a second press of the same form sends nothing more.
    token = HiddenField()
    audience = SelectField(_l("Send to"), choices=[], validate_choice=False)
    subject = StringField(_l("Subject"), filters=[strip])
    body = TextAreaField(_l("Message"), filters=[strip])
