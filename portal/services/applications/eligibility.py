"""The eligibility checker's rules: can a group apply to a round, and if not, why and what instead.

Pure functions over the round's ``eligibility`` settings and the answers the
person gave; nothing about them is stored.

``Round.eligibility`` keys read here: ``kinds`` and ``income_bands`` (the
values that may apply; missing or empty means all) and ``excluded_purposes``
(keys of ``PURPOSES`` the round does not fund; missing means
``DEFAULT_EXCLUDED``). Where a group may be is the round's neighbourhoods
(``neighbourhood_in_round``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from portal.models.funding import Neighbourhood, Round
from portal.models.organisations import INCOME_BAND_LABELS, ORGANISATION_KIND_LABELS, IncomeBand, OrganisationKind
from portal.services.applications.postcodes import neighbourhood_for

PURPOSES = {
    "activities": "Running activities or sessions",
    "equipment": "Equipment or materials",
    "volunteers": "Volunteers' expenses",
    "venue": "Hiring a venue",
    "training": "Training",
    "building_works": "Building works or major repairs",
    "debts": "Paying off debts",
    "religion_or_politics": "Promoting religious or political beliefs",
    "other": "Something else",
}
DEFAULT_EXCLUDED = ("building_works", "debts", "religion_or_politics")

QUESTIONS = ("postcode", "group", "income", "purpose")


@dataclass(frozen=True)
class Reason:
    why: str
    instead: str


@dataclass(frozen=True)
class Result:
    eligible: bool
    reasons: list[Reason] = field(default_factory=list)
    neighbourhood: str | None = None


def allowed_kinds(grant_round: Round) -> set[str]:
    return set(grant_round.eligibility.get("kinds") or [k.value for k in OrganisationKind])


def allowed_bands(grant_round: Round) -> set[str]:
    return set(grant_round.eligibility.get("income_bands") or [b.value for b in IncomeBand])


def excluded_purposes(grant_round: Round) -> list[str]:
    excluded = grant_round.eligibility.get("excluded_purposes")
    return [p for p in (DEFAULT_EXCLUDED if excluded is None else excluded) if p in PURPOSES]


def neighbourhood_in_round(session: Session, grant_round: Round, postcode: str) -> Neighbourhood | None:
    """The neighbourhood the postcode is in, when it is one of the round's; None when the round does not cover it."""
    place = neighbourhood_for(session, postcode)
    if place is None or place.id not in {n.id for n in grant_round.neighbourhoods}:
        return None
    return place


def first_missing(answers: dict[str, Any]) -> str | None:
    """The first question not answered yet, so nobody skips ahead."""
    return next((question for question in QUESTIONS if question not in answers), None)


def check(grant_round: Round, answers: dict[str, Any], *, neighbourhood: str | None, contact: str) -> Result:
    """The result for a complete set of answers. ``neighbourhood`` is where the postcode is, if in the round."""
    reasons = []
    names = sorted(n.name for n in grant_round.neighbourhoods)
    if names and neighbourhood is None:
        reasons.append(
            Reason(
                f"The postcode {answers['postcode']} is not in the neighbourhoods this round funds: "
                + ", ".join(names)
                + ".",
                "If your group works with people in one of these neighbourhoods, use the postcode of where you meet "
                f"or work there. Otherwise, your local council or community foundation may fund groups in your area; "
                f"write to {contact} and we will suggest who to ask.",
            )
        )
    if answers["group"] not in allowed_kinds(grant_round):
        allowed = [ORGANISATION_KIND_LABELS[OrganisationKind(k)].lower() for k in sorted(allowed_kinds(grant_round))]
        reasons.append(
            Reason(
                f"This round does not fund a {ORGANISATION_KIND_LABELS[OrganisationKind(answers['group'])].lower()}.",
                (
                    f"It funds: {', '.join(allowed)}. If a partner group of one of these kinds could apply "
                    f"with you, it can apply."
                ),
            )
        )
    if answers["income"] not in allowed_bands(grant_round):
        reasons.append(
            Reason(
                (
                    f"This round is for smaller groups. A yearly income of "
                    f"{INCOME_BAND_LABELS[IncomeBand(answers['income'])].lower()} is too large."
                ),
                (
                    "Larger organisations can often apply to the health charity's main grants programme or "
                    "to other funders."
                ),
            )
        )
    excluded = [p for p in answers["purpose"] if p in excluded_purposes(grant_round)]
    if excluded:
        funded = [PURPOSES[p].lower() for p in PURPOSES if p not in excluded_purposes(grant_round) and p != "other"]
        reasons.append(
            Reason(
                "This round does not fund: " + ", ".join(PURPOSES[p].lower() for p in excluded) + ".",
                "It can fund "
                + ", ".join(funded)
                + ". If part of your project is one of these, you can apply for that part.",
            )
        )
    return Result(eligible=not reasons, reasons=reasons, neighbourhood=neighbourhood)
