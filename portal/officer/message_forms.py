"""The form for a message to funded groups."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, TextAreaField

from portal.forms import strip


class BroadcastForm(FlaskForm):
    # One use per form: a second press of the same form sends nothing more.
    token = HiddenField()
    audience = SelectField("Send to", choices=[], validate_choice=False)
    subject = StringField("Subject", filters=[strip])
    body = TextAreaField("Message", filters=[strip])
