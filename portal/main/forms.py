"""Forms on the public frame of every page."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectChoice, SelectField

from portal.services.people.languages import LANGUAGES


class LanguageForm(FlaskForm):
    """The language choice at the top of every page: one button per language offered."""

    language = SelectField(choices=[SelectChoice(code, name) for code, name in LANGUAGES.items()])
    # The page to go back to, checked as a local path before it is followed.
    next = HiddenField()
