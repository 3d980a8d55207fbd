"""Forms for the funds, funders and a round's funders pages. Messages are in the words people would use (STYLE §9)."""

from __future__ import annotations

from collections.abc import Sequence

from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from portal.forms import CheckboxesField, strip
from portal.infra.i18n import _l
from portal.models.funders import Funder


class FunderForm(FlaskForm):
    name = StringField(
        _l("Name"),
        filters=[strip],
        validators=[
            DataRequired(_l("Enter the funder's name")),
            Length(max=200, message=_l("The name must be 200 characters or fewer")),
        ],
    )
    org_id = StringField(
        _l("Org-id"),
        filters=[strip],
        validators=[
            DataRequired(_l("Enter the funder's org-id, like GB-CHC-1234567")),
            Length(max=60, message=_l("The org-id must be 60 characters or fewer")),
        ],
    )


class FundForm(FlaskForm):
    name = StringField(
        _l("Name"),
        filters=[strip],
        validators=[
            DataRequired(_l("Enter the fund's name")),
            Length(max=200, message=_l("The name must be 200 characters or fewer")),
        ],
    )
    description = TextAreaField(
        _l("Description (optional)"),
        validators=[Optional(), Length(max=2000, message=_l("The description must be 2,000 characters or fewer"))],
    )
    funder_ids = CheckboxesField(_l("Its funders"), choices=[], validate_choice=False)


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
                _l("%(funder_name)s: amount in pounds", funder_name=funder.name),
                filters=[strip],
                validators=[Length(max=20, message=_l("Enter an amount in pounds, like 25000"))],
            ),
        )
    return Form(data=data) if data is not None else Form()
