"""The eligibility checker's rules: can a group apply to a round, and if not, why and what instead.

Pure functions over the round's ``eligibility`` settings and the answers the
person gave; nothing about them is stored.

``Round.eligibility`` keys read here: ``kinds`` and ``income_bands`` (the
values that may apply; missing or empty means all) and ``excluded_purposes``
(keys of ``PURPOSES`` the round does not fund; missing means
``DEFAULT_EXCLUDED``). Where a group may be is the round's neighbourhoods
(``neighbourhood_in_round``).

``questions_for`` says which questions a round's rules need (a round that funds
every kind of group does not ask the kind, and so on), and ``failed_rules`` is
the one place the rules are applied: by the public checker to a person's
answers and by the officer's checklist to a group's saved details.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from portal.infra.i18n import _l, gettext
from portal.models.funding import Neighbourhood, Round
from portal.models.organisations import INCOME_BAND_LABELS, ORGANISATION_KIND_LABELS, IncomeBand, OrganisationKind
from portal.services.applications.postcodes import neighbourhood_for

PURPOSES = {
    "activities": _l("Running activities or sessions"),
    "equipment": _l("Equipment or materials"),
    "volunteers": _l("Volunteers' expenses"),
    "venue": _l("Hiring a venue"),
    "training": _l("Training"),
    "building_works": _l("Building works or major repairs"),
    "debts": _l("Paying off debts"),
    "religion_or_politics": _l("Promoting religious or political beliefs"),
    "other": _l("Something else"),
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


def questions_for(grant_round: Round) -> list[str]:
    """The questions the round's rules need, in the order the checker asks them."""
    needed = {
        "postcode": bool(grant_round.neighbourhoods),
        "group": allowed_kinds(grant_round) != {k.value for k in OrganisationKind},
        "income": allowed_bands(grant_round) != {b.value for b in IncomeBand},
        "purpose": bool(excluded_purposes(grant_round)),
    }
    return [question for question in QUESTIONS if needed[question]]


def failed_rules(
    grant_round: Round,
    *,
    in_area: bool | None = None,
    kind: str | None = None,
    income_band: str | None = None,
    purposes: list[str] | None = None,
) -> list[str]:
    """The round's rules (named as its questions) that these facts break. A fact not known (None) is not judged,
    and a rule the round does not have (not in ``questions_for``) is never broken."""
    asked = questions_for(grant_round)
    failed = []
    if "postcode" in asked and in_area is False:
        failed.append("postcode")
    if "group" in asked and kind is not None and kind not in allowed_kinds(grant_round):
        failed.append("group")
    if "income" in asked and income_band is not None and income_band not in allowed_bands(grant_round):
        failed.append("income")
    if "purpose" in asked and purposes is not None and set(purposes) & set(excluded_purposes(grant_round)):
        failed.append("purpose")
    return failed


def first_missing(grant_round: Round, answers: dict[str, Any]) -> str | None:
    """The first of the round's questions not answered yet, so nobody skips ahead."""
    return next((question for question in questions_for(grant_round) if question not in answers), None)


def check(grant_round: Round, answers: dict[str, Any], *, neighbourhood: str | None, contact: str) -> Result:
    """The result for a complete set of answers. ``neighbourhood`` is where the postcode is, if in the round."""
    reasons = []
    names = sorted(n.name for n in grant_round.neighbourhoods)
    failed = failed_rules(
        grant_round,
        in_area=neighbourhood is not None if "postcode" in answers else None,
        kind=answers.get("group"),
        income_band=answers.get("income"),
        purposes=answers.get("purpose"),
    )
    if "postcode" in failed:
        reasons.append(
            Reason(
                gettext(
                    "The postcode %(postcode)s is not in the neighbourhoods this round funds: ",
                    postcode=answers["postcode"],
                )
                + ", ".join(names)
                + ".",
                gettext(
                    "If your group works with people in one of these neighbourhoods, use the "
                    "postcode of where you meet or work there. Otherwise, your local council or "
                    "community foundation may fund groups in your area; write to %(contact)s and we "
                    "will suggest who to ask.",
                    contact=contact,
                ),
            )
        )
    if "group" in failed:
        allowed = [ORGANISATION_KIND_LABELS[OrganisationKind(k)].lower() for k in sorted(allowed_kinds(grant_round))]
        reasons.append(
            Reason(
                gettext(
                    "This round does not fund a %(OrganisationKind)s.",
                    OrganisationKind=ORGANISATION_KIND_LABELS[OrganisationKind(answers["group"])].lower(),
                ),
                (
                    gettext(
                        "It funds: %(join)s. If a partner group of one of these kinds could apply "
                        "with you, it can apply.",
                        join=", ".join(allowed),
                    )
                ),
            )
        )
    if "income" in failed:
        reasons.append(
            Reason(
                (
                    gettext(
                        "This round is for smaller groups. A yearly income of %(IncomeBand)s is too large.",
                        IncomeBand=INCOME_BAND_LABELS[IncomeBand(answers["income"])].lower(),
                    )
                ),
                (
                    gettext(
                        "Larger organisations can often apply to the health charity's main grants "
                        "programme or to other funders."
                    )
                ),
            )
        )
    excluded = [p for p in answers.get("purpose") or [] if p in excluded_purposes(grant_round)]
    if "purpose" in failed:
        funded = [PURPOSES[p].lower() for p in PURPOSES if p not in excluded_purposes(grant_round) and p != "other"]
        reasons.append(
            Reason(
                gettext("This round does not fund: ") + ", ".join(PURPOSES[p].lower() for p in excluded) + ".",
                gettext("It can fund ")
                + ", ".join(funded)
                + ". If part of your project is one of these, you can apply for that part.",
            )
        )
    return Result(eligible=not reasons, reasons=reasons, neighbourhood=neighbourhood)
