"""Forms for the neighbourhoods and reference-data pages. Messages are in the words people would use (STYLE §9)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import RadioField, SelectChoice, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length, Optional

from portal.forms import strip
from portal.models.reference_data import REFERENCE_KIND_LABELS, ReferenceKind


class NeighbourhoodForm(FlaskForm):
    name = StringField(
        "Name",
        filters=[strip],
        validators=[
            DataRequired("Enter the neighbourhood's name"),
            Length(max=100, message="The name must be 100 characters or fewer"),
        ],
    )
    description = TextAreaField(
        "Description (optional)",
        validators=[Optional(), Length(max=2000, message="The description must be 2,000 characters or fewer")],
    )
    areas = TextAreaField(
        "Postcode districts and sectors",
        validators=[Length(max=5000, message="The list of postcode areas must be 5,000 characters or fewer")],
    )
    lsoas = TextAreaField(
        "LSOAs (optional)",
        validators=[Optional(), Length(max=20000, message="The list of LSOAs must be 20,000 characters or fewer")],
    )


class ReferenceUploadForm(FlaskForm):
    kind = RadioField(
        "Which file is it?",
        choices=[SelectChoice(kind.value, REFERENCE_KIND_LABELS[kind]) for kind in ReferenceKind],
        validate_choice=False,
        validators=[
            DataRequired("Choose which file it is"),
            AnyOf([kind.value for kind in ReferenceKind], message="Choose which file it is"),
        ],
    )
    file = FileField("The file (CSV)")
