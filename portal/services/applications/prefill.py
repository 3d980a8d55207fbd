"""Nothing typed twice: what a person told the eligibility checker fills their group's profile.

The checker keeps its answers per round in the browser's session (``portal.eligibility``). When
that person then sets up their group, its kind, postcode and yearly income are filled in for them
where the profile has none yet; nothing is saved until they save the form, and they can change
anything first.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from portal.models.organisations import IncomeBand, Organisation, OrganisationKind


@dataclass(frozen=True)
class Told:
    """What the checker was told: each None when it was not asked or not answered."""

    kind: str | None = None
    postcode: str | None = None
    income_band: str | None = None

    def __bool__(self) -> bool:
        return any((self.kind, self.postcode, self.income_band))


def told_in_checker(answers_by_round: Mapping[str, Mapping[str, Any]], slug: str | None = None) -> Told:
    """The answers given for the round ``slug``, else for the round checked last."""
    answers: Mapping[str, Any] = {}
    if slug and slug in answers_by_round:
        answers = answers_by_round[slug]
    elif answers_by_round:
        answers = list(answers_by_round.values())[-1]
    kind = answers.get("group")
    income = answers.get("income")
    postcode = answers.get("postcode")
    return Told(
        kind=kind if kind in {k.value for k in OrganisationKind} else None,
        postcode=postcode if isinstance(postcode, str) and postcode.strip() else None,
        income_band=income if income in {b.value for b in IncomeBand} else None,
    )


def fill_gaps(
    organisation: Organisation, part: str, initial: dict[str, Any], told: Told
) -> tuple[dict[str, Any], bool]:
    """``initial`` (a profile page's starting values) with the checker's answers where the group has
    none; and whether anything was filled in."""
    filled = dict(initial)
    if part == "address" and told.postcode and not organisation.postcode:
        filled["postcode"] = told.postcode
    elif part == "income" and told.income_band and organisation.income_band is None:
        filled["income_band"] = told.income_band
    return filled, filled != initial
