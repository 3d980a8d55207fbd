"""The round set-up form: one class, its repeated questions and criteria as lists of sub-forms.

Money, dates and numbers are text fields: what the officer typed comes back in the box
after a refused save, even when it could not be read, and services/rounds/setup.py says
what is wrong with it. Posted names (``extra-0-question``, ``criterion-0-point-3``,
``guidance-idea``) are the ones the page has always posted.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.core import UnboundField
from wtforms.widgets import DateInput, DateTimeLocalInput

from portal.forms import CheckboxesField
from portal.models.organisations import INCOME_BAND_LABELS, ORGANISATION_KIND_LABELS
from portal.services.applications.eligibility import DEFAULT_EXCLUDED, PURPOSES
from portal.services.applications.form import DEFAULT_WORD_LIMITS, SECTIONS_BY_KEY
from portal.services.rounds.setup import MAX_CRITERIA, SCORE_POINTS, SECTION_KEYS

SECTION_TITLES = {key: SECTIONS_BY_KEY[key].title for key in SECTION_KEYS}
# The budget section is a table of costs, not prose, so it has no word limit.
WORD_LIMITED = tuple(key for key in SECTION_KEYS if key != "budget")


class CriterionForm(Form):
    title = StringField("Title")
    guidance = TextAreaField("Guidance for the panel")
    weight = StringField("Weight (1 to 10)", default="1")
    comment = BooleanField("Panel members must comment on this criterion")

    def point(self, point: str) -> StringField:
        field: StringField = self[f"point_{point}"]
        return field


for _point in SCORE_POINTS:
    setattr(CriterionForm, f"point_{_point}", StringField(f"What a score of {_point} means", name=f"point-{_point}"))


class RoundForm(FlaskForm):
    fund_id = SelectField("Fund", validate_choice=False)
    title = StringField("Title")
    slug = StringField("Web address (optional)")
    summary = TextAreaField("Summary for the round page")
    opens_at = StringField("Opens (UK time)", widget=DateTimeLocalInput())
    closes_at = StringField("Closes (UK time)", widget=DateTimeLocalInput())
    decisions_by = StringField("Decisions by (optional)", widget=DateInput())
    budget = StringField("Total budget in pounds")
    min_award = StringField("Smallest award in pounds")
    max_award = StringField("Largest award in pounds")
    second_approval_above = StringField("A second officer must confirm awards above (pounds, optional)")
    neighbourhoods = CheckboxesField("Neighbourhoods the round funds", choices=[], validate_choice=False)
    requirements = TextAreaField("What groups must be (one per line, shown on the round page)")
    kinds = CheckboxesField(
        "Kinds of group that can apply (none ticked: all)",
        choices=[SelectChoice(kind.value, label) for kind, label in ORGANISATION_KIND_LABELS.items()],
        validate_choice=False,
    )
    income_bands = CheckboxesField(
        "Yearly incomes that can apply (none ticked: all)",
        choices=[SelectChoice(band.value, label) for band, label in INCOME_BAND_LABELS.items()],
        validate_choice=False,
    )
    excluded_purposes = CheckboxesField(
        "What the round does not fund",
        choices=[SelectChoice(key, label) for key, label in PURPOSES.items()],
        default=list(DEFAULT_EXCLUDED),
        validate_choice=False,
    )
    # Made here (not after the class) so they sit in page order, between eligibility and scoring.
    _sections: dict[str, UnboundField] = {}
    for _key, _title in SECTION_TITLES.items():
        _sections[f"guidance_{_key}"] = TextAreaField(f"Guidance for {_title.lower()}", name=f"guidance-{_key}")
        if _key in WORD_LIMITED:
            _sections[f"words_{_key}"] = StringField(
                f"Word limit for each answer in {_title.lower()}",
                name=f"words-{_key}",
                default=str(DEFAULT_WORD_LIMITS.get(_key) or ""),
            )
    del _key, _title
    reviews = StringField("Panel members who score each application", default="3")
    blind_review = BooleanField("Blind review: panel members do not see the groups' names")
    hourly_rate = StringField("Panel members' hourly rate in pounds", default="13.60")
    criterion = FieldList(FormField(CriterionForm), min_entries=MAX_CRITERIA, max_entries=MAX_CRITERIA)

    def guidance(self, key: str) -> TextAreaField:
        field: TextAreaField = self[f"guidance_{key}"]
        return field

    def words(self, key: str) -> StringField | None:
        return self[f"words_{key}"] if key in WORD_LIMITED else None

    def gather_list_errors(self) -> None:
        """A list gathers its entries' errors only when validated: gather them again after a refusal."""
        self.criterion.errors = [entry.errors for entry in self.criterion if entry.errors]


for _name, _field in RoundForm._sections.items():
    setattr(RoundForm, _name, _field)
