"""Reading funding rounds for the public pages."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, defer, joinedload, selectinload

from portal.models.base import utcnow
from portal.models.funding import Neighbourhood, Round
from portal.models.organisations import INCOME_BAND_LABELS, ORGANISATION_KIND_LABELS, IncomeBand, OrganisationKind
from portal.services.programme import content

# What a list of rounds leaves unread: JSON settings only a round's own pages decode.
LISTED = (defer(Round.eligibility), defer(Round.questions))


def all_rounds(session: Session) -> list[Round]:
    """Every round, the latest to close first (for the officer's choice of round)."""
    return list(session.scalars(select(Round).order_by(Round.closes_at.desc())))


def all_neighbourhoods(session: Session, *, keeping: Round | None = None) -> list[Neighbourhood]:
    """Every neighbourhood a round may fund, by name (for the officer's round form).

    Retired neighbourhoods are left out, except those ``keeping`` (a round being changed) already funds.
    """
    kept = [n.id for n in keeping.neighbourhoods] if keeping is not None else []
    return list(
        session.scalars(
            select(Neighbourhood)
            .where(or_(Neighbourhood.retired_at.is_(None), Neighbourhood.id.in_(kept)))
            .order_by(Neighbourhood.name)
        )
    )


def open_rounds(session: Session, at: datetime | None = None) -> list[Round]:
    """Rounds taking applications at ``at`` (now by default), closing soonest first, as lists show them:
    with their neighbourhoods (in the same query), without their eligibility rules and question settings
    (read if asked for)."""
    at = at or utcnow()
    statement = (
        select(Round)
        .where(Round.opens_at <= at, Round.closes_at > at)
        .options(joinedload(Round.neighbourhoods), *LISTED)
        .order_by(Round.closes_at, Round.title)
    )
    return list(session.scalars(statement).unique())


def next_round(session: Session, at: datetime | None = None) -> Round | None:
    """The round that opens next after ``at``, if one has been set up."""
    at = at or utcnow()
    statement = select(Round).where(Round.opens_at > at).order_by(Round.opens_at).limit(1)
    return session.scalar(statement)


def public_state(session: Session, at: datetime | None = None) -> tuple[str, str, str] | None:
    """What decides the public round pages, read in one statement: the version of what officers edit and
    the next moments a round opens or closes after ``at`` (until then, which rounds are open stays as it is).
    None before anything has a version (a database emptied by hand)."""
    at = at or utcnow()
    opens, closes = content.next_change_columns(at)
    version, next_open, next_close = session.execute(select(content.version_column(), opens, closes)).one()
    content.remember(version)
    if version is None:
        return None
    return str(version), str(next_open), str(next_close)


def round_by_slug(session: Session, slug: str) -> Round | None:
    """A round with everything its information page shows, or None."""
    statement = (
        select(Round)
        .where(Round.slug == slug)
        .options(
            selectinload(Round.neighbourhoods).selectinload(Neighbourhood.areas),
            selectinload(Round.criteria),
            joinedload(Round.fund),
        )
    )
    return session.scalar(statement)


@dataclass(frozen=True)
class Eligibility:
    """A round's eligibility rules, in words an applicant can read."""

    requirements: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    income_bands: list[str] = field(default_factory=list)
    other: list[str] = field(default_factory=list)


def _labels(values: Any, labels: dict[Any, str], enum_type: type[Any]) -> list[str]:
    found = []
    for value in values if isinstance(values, list) else [values]:
        try:
            found.append(labels[enum_type(value)])
        except ValueError:
            found.append(str(value))
    return found


def _humanise(key: str) -> str:
    return key.replace("_", " ").strip().capitalize()


def describe_eligibility(rules: dict[str, Any] | None) -> Eligibility:
    """Turn ``Round.eligibility`` JSON into sentences and lists for the round page.

    Known keys: ``requirements`` (sentences), ``kinds`` (organisation kinds
    that may apply) and ``income_bands`` (annual incomes that may apply).
    Any other key is shown as "Key: value".
    """
    rules = rules or {}
    requirements = rules.get("requirements") or []
    if isinstance(requirements, str):
        requirements = [requirements]
    kinds = _labels(rules.get("kinds") or [], ORGANISATION_KIND_LABELS, OrganisationKind)
    bands = _labels(rules.get("income_bands") or [], INCOME_BAND_LABELS, IncomeBand)
    other = []
    for key, value in rules.items():
        if key in {"requirements", "kinds", "income_bands"} or value in (None, "", [], {}):
            continue
        if isinstance(value, list):
            value = ", ".join(str(item) for item in value)
        elif isinstance(value, bool):
            value = "Yes" if value else "No"
        elif isinstance(value, dict):
            value = ", ".join(f"{_humanise(str(k))}: {v}" for k, v in value.items())
        other.append(f"{_humanise(key)}: {value}")
    # Every kind of group may apply: no list needed, say so in the requirements.
    if len(kinds) == len(OrganisationKind):
        kinds = []
    return Eligibility(requirements=[str(item) for item in requirements], kinds=kinds, income_bands=bands, other=other)
