"""A round's eligibility rules: which kinds of group and yearly incomes it funds, what it does
not fund, what groups must be (shown on the round page) and the neighbourhoods it covers.

The public checker and the officer's checks read these through
``services.applications.eligibility`` (``questions_for``, ``failed_rules``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.errors import DomainError
from portal.infra.i18n import gettext
from portal.models.audit import AuditAction
from portal.models.funding import Neighbourhood, Round
from portal.models.organisations import IncomeBand, OrganisationKind
from portal.models.users import User
from portal.services import audit
from portal.services.applications.eligibility import DEFAULT_EXCLUDED, PURPOSES


@dataclass
class EligibilityRules:
    kinds: list[str] = field(default_factory=list)
    income_bands: list[str] = field(default_factory=list)
    excluded_purposes: list[str] = field(default_factory=lambda: list(DEFAULT_EXCLUDED))
    requirements: list[str] = field(default_factory=list)
    neighbourhood_ids: list[int] = field(default_factory=list)


def rules_of(grant_round: Round) -> EligibilityRules:
    saved = grant_round.eligibility or {}
    excluded = saved.get("excluded_purposes")
    return EligibilityRules(
        kinds=list(saved.get("kinds") or []),
        income_bands=list(saved.get("income_bands") or []),
        excluded_purposes=list(DEFAULT_EXCLUDED if excluded is None else excluded),
        requirements=list(saved.get("requirements") or []),
        neighbourhood_ids=[n.id for n in grant_round.neighbourhoods],
    )


def save_rules(session: Session, grant_round: Round, rules: EligibilityRules, *, by: User) -> None:
    if any(kind not in {k.value for k in OrganisationKind} for kind in rules.kinds):
        raise DomainError(gettext("Choose kinds of group from the list"), field="kinds")
    if any(band not in {b.value for b in IncomeBand} for band in rules.income_bands):
        raise DomainError(gettext("Choose yearly incomes from the list"), field="income_bands")
    if any(purpose not in PURPOSES for purpose in rules.excluded_purposes):
        raise DomainError(gettext("Choose what the round does not fund from the list"), field="excluded_purposes")
    places = list(session.scalars(select(Neighbourhood).where(Neighbourhood.id.in_(rules.neighbourhood_ids))))
    if len(places) != len(set(rules.neighbourhood_ids)):
        raise DomainError(gettext("Choose neighbourhoods from the list"), field="neighbourhoods")
    grant_round.eligibility = {
        "requirements": [line.strip() for line in rules.requirements if line.strip()],
        "kinds": list(rules.kinds),
        "income_bands": list(rules.income_bands),
        "excluded_purposes": list(rules.excluded_purposes),
    }
    grant_round.neighbourhoods = places
    session.flush()
    audit.record(
        session,
        by,
        AuditAction.ROUND_ELIGIBILITY_CHANGED,
        grant_round,
        "Neighbourhoods: " + (", ".join(p.name for p in places) or "any"),
    )
