"""The form for a round's stages."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField
from wtforms.widgets import DateTimeLocalInput

from portal.forms import CheckboxesField
from portal.infra.i18n import _l


class StagesForm(FlaskForm):
    two_stages = BooleanField(
        _l("Ask for a short expression of interest first, then invite a shortlist to apply in full")
    )
    sections = CheckboxesField(
        _l("Which of the round's own sections the expression of interest asks as well"),
        choices=[],
        validate_choice=False,
    )
    full_applications_close_at = StringField(_l("Full applications close (UK time)"), widget=DateTimeLocalInput())
