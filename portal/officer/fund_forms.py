"""Forms for the funds, funders and a round's funders pages. Messages are in the words people would use (STYLE §9)."""

from __future__ import annotations

from collections.abc import Sequence

from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from portal.forms import CheckboxesField, strip
from portal.models.funders import Funder


class FunderForm(FlaskForm):
    name = StringField(
        "Name",
        filters=[strip],
        validators=[
            DataRequired("Enter the funder's name"),
            Length(max=200, message="The name must be 200 characters or fewer"),
        ],
    )
    org_id = StringField(
        "Org-id",
        filters=[strip],
        validators=[
            DataRequired("Enter the funder's org-id, like GB-CHC-1234567"),
            Length(max=60, message="The org-id must be 60 characters or fewer"),
        ],
    )


class FundForm(FlaskForm):
    name = StringField(
        "Name",
        filters=[strip],
        validators=[
            DataRequired("Enter the fund's name"),
            Length(max=200, message="The name must be 200 characters or fewer"),
        ],
    )
    description = TextAreaField(
        "Description (optional)",
        validators=[Optional(), Length(max=2000, message="The description must be 2,000 characters or fewer")],
    )
    funder_ids = CheckboxesField("Its funders", choices=[], validate_choice=False)


class RoundFundersForm(FlaskForm):
    """One amount box for each of the fund's funders (added by ``round_funders_form``)."""

    def amount(self, funder: Funder) -> StringField:
        field: StringField = self[f"amount_{funder.id}"]
        return field


def round_funders_form(funders: Sequence[Funder], data: dict[str, str] | None = None) -> RoundFundersForm:
    """The form for these funders: each amount box is named for its funder."""

    class Form(RoundFundersForm):
        pass

    for funder in funders:
        setattr(
            Form,
            f"amount_{funder.id}",
            StringField(
                f"{funder.name}: amount in pounds",
                filters=[strip],
                validators=[Length(max=20, message="Enter an amount in pounds, like 25000")],
            ),
        )
    return Form(data=data) if data is not None else Form()
