"""The round set-up form: one class, its repeated questions as a list of sub-forms.

Money, dates and numbers are text fields: what the officer typed comes back in the box
after a refused save, even when it could not be read, and services/rounds/setup.py says
what is wrong with it. Posted names (``extra-0-question``,
``guidance-idea``) are the ones the page has always posted.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.core import UnboundField
from wtforms.widgets import DateInput, DateTimeLocalInput

from portal.infra.i18n import _l
from portal.services.applications.form import DEFAULT_WORD_LIMITS, SECTIONS_BY_KEY
from portal.services.rounds.setup import SECTION_KEYS

SECTION_TITLES = {key: SECTIONS_BY_KEY[key].title for key in SECTION_KEYS}
# The budget section is a table of costs, not prose, so it has no word limit.
WORD_LIMITED = tuple(key for key in SECTION_KEYS if key != "budget")


class RoundForm(FlaskForm):
    fund_id = SelectField(_l("Fund"), validate_choice=False)
    title = StringField(_l("Title"))
    slug = StringField(_l("Web address (optional)"))
    summary = TextAreaField(_l("Summary for the round page"))
    opens_at = StringField(_l("Opens (UK time)"), widget=DateTimeLocalInput())
    closes_at = StringField(_l("Closes (UK time)"), widget=DateTimeLocalInput())
    decisions_by = StringField(_l("Decisions by (optional)"), widget=DateInput())
    budget = StringField(_l("Total budget in pounds"))
    min_award = StringField(_l("Smallest award in pounds"))
    max_award = StringField(_l("Largest award in pounds"))
    second_approval_above = StringField(_l("A second officer must confirm awards above (pounds, optional)"))
    # Made here (not after the class) so they sit in page order.
    _sections: dict[str, UnboundField] = {}
    for _key, _title in SECTION_TITLES.items():
        _sections[f"guidance_{_key}"] = TextAreaField(
            _l("Guidance for %(lower)s", lower=_title.lower()), name=f"guidance-{_key}"
        )
        if _key in WORD_LIMITED:
            _sections[f"words_{_key}"] = StringField(
                _l("Word limit for each answer in %(lower)s", lower=_title.lower()),
                name=f"words-{_key}",
                default=str(DEFAULT_WORD_LIMITS.get(_key) or ""),
            )
    del _key, _title
    reviews = StringField(_l("Panel members who score each application"), default="3")
    blind_review = BooleanField(_l("Blind review: panel members do not see the groups' names"))
    hourly_rate = StringField(_l("Panel members' hourly rate in pounds"))

    def guidance(self, key: str) -> TextAreaField:
        field: TextAreaField = self[f"guidance_{key}"]
        return field

    def words(self, key: str) -> StringField | None:
        return self[f"words_{key}"] if key in WORD_LIMITED else None


for _name, _field in RoundForm._sections.items():
    setattr(RoundForm, _name, _field)
