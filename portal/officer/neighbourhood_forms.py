"""Forms for the neighbourhoods and reference-data pages. Messages are in the words people would use (STYLE §9)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import RadioField, SelectChoice, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length, Optional

from portal.forms import strip
from portal.infra.i18n import _l
from portal.models.reference_data import REFERENCE_KIND_LABELS, ReferenceKind


class NeighbourhoodForm(FlaskForm):
    name = StringField(
        _l("Name"),
        filters=[strip],
        validators=[
            DataRequired(_l("Enter the neighbourhood's name")),
            Length(max=100, message=_l("The name must be 100 characters or fewer")),
        ],
    )
    description = TextAreaField(
        _l("Description (optional)"),
        validators=[Optional(), Length(max=2000, message=_l("The description must be 2,000 characters or fewer"))],
    )
    areas = TextAreaField(
        _l("Postcode districts and sectors"),
        validators=[Length(max=5000, message=_l("The list of postcode areas must be 5,000 characters or fewer"))],
    )
    lsoas = TextAreaField(
        _l("LSOAs (optional)"),
        validators=[Optional(), Length(max=20000, message=_l("The list of LSOAs must be 20,000 characters or fewer"))],
    )


class ReferenceUploadForm(FlaskForm):
    kind = RadioField(
        _l("Which file is it?"),
        choices=[SelectChoice(kind.value, REFERENCE_KIND_LABELS[kind]) for kind in ReferenceKind],
        validate_choice=False,
        validators=[
            DataRequired(_l("Choose which file it is")),
            AnyOf([kind.value for kind in ReferenceKind], message=_l("Choose which file it is")),
        ],
    )
    file = FileField(_l("The file (CSV)"))
