"""Setting up the programme's neighbourhoods: names, postcode areas and LSOAs.

A neighbourhood is made of postcode districts ("WD24") and sectors
("WD24 4"), and optionally of LSOAs ("E01023856"). No two neighbourhoods
share any of them: a district overlaps every sector inside it, so a sector
can be in one neighbourhood only when its district is in none.

Neighbourhoods are retired, never deleted: a retired one is not offered for
new rounds and does not match new groups' postcodes, while the rounds and
groups that already name it keep it. Its areas stay with it (so it can be
reinstated), and another neighbourhood can take them once they are removed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from portal.errors import DomainError
from portal.infra.i18n import gettext
from portal.models.audit import AuditAction
from portal.models.base import utcnow
from portal.models.funding import Neighbourhood, NeighbourhoodArea, NeighbourhoodLsoa
from portal.models.users import User
from portal.services import audit
from portal.services.applications.postcodes import normalise_area

MAX_NAME = 100
LSOA_CODE = re.compile(r"[EW]01[0-9]{6}")
AREA_EXAMPLE = "a postcode district like WD24 or a sector like WD24 4"


@dataclass(frozen=True)
class NeighbourhoodSettings:
    """What an officer types: the areas and LSOAs one a line, as typed."""

    name: str
    description: str = ""
    areas: str = ""
    lsoas: str = ""


def _lines(text: str | Iterable[str]) -> list[str]:
    items = text.splitlines() if isinstance(text, str) else list(text)
    # Commas work as well as new lines: people paste lists both ways.
    return [part.strip() for item in items for part in item.split(",") if part.strip()]


def read_areas(text: str | Iterable[str]) -> list[str]:
    """The districts and sectors, normalised ("wd24  4" → "WD24 4"), or DomainError naming the first bad one."""
    areas: list[str] = []
    for raw in _lines(text):
        area = normalise_area(raw)
        if area is None:
            raise DomainError(
                gettext("'%(raw)s' is not %(AREA_EXAMPLE)s. Put one on each line.", raw=raw, AREA_EXAMPLE=AREA_EXAMPLE),
                field="areas",
            )
        if area in areas:
            raise DomainError(gettext("%(area)s is in the list twice. Remove one of them.", area=area), field="areas")
        areas.append(area)
    for area in areas:
        district, _, sector = area.partition(" ")
        if sector and district in areas:
            raise DomainError(
                gettext(
                    "%(area)s is inside %(district)s, which is also in the list. Keep %(district)s "
                    "alone, or its sectors alone.",
                    area=area,
                    district=district,
                ),
                field="areas",
            )
    return areas


def read_lsoas(text: str | Iterable[str]) -> list[str]:
    """The LSOA codes, upper case, or DomainError naming the first bad one."""
    codes: list[str] = []
    for raw in _lines(text):
        code = raw.upper()
        if not LSOA_CODE.fullmatch(code):
            raise DomainError(
                gettext("'%(raw)s' is not an LSOA code. LSOA codes are 9 characters, like E01023856.", raw=raw),
                field="lsoas",
            )
        if code in codes:
            raise DomainError(gettext("%(code)s is in the list twice. Remove one of them.", code=code), field="lsoas")
        codes.append(code)
    return codes


def _called(neighbourhood: Neighbourhood) -> str:
    return f"{neighbourhood.name} (retired)" if neighbourhood.retired else neighbourhood.name


def area_clash(session: Session, areas: list[str], *, excluding: Neighbourhood | None = None) -> str | None:
    """Why one of ``areas`` cannot be added (it overlaps another neighbourhood's), or None."""
    for area in areas:
        district, _, sector = area.partition(" ")
        overlapping = (
            NeighbourhoodArea.prefix.in_([area, district])
            if sector
            else or_(NeighbourhoodArea.prefix == area, NeighbourhoodArea.prefix.startswith(area + " "))
        )
        statement = (
            select(NeighbourhoodArea)
            .options(selectinload(NeighbourhoodArea.neighbourhood))
            .where(overlapping)
            .order_by(NeighbourhoodArea.prefix)
        )
        if excluding is not None and excluding.id is not None:
            statement = statement.where(NeighbourhoodArea.neighbourhood_id != excluding.id)
        taken = session.scalars(statement).first()
        if taken is None:
            continue
        owner = _called(taken.neighbourhood)
        if taken.prefix == area:
            return f"{area} is already in {owner}."
        if sector:
            return f"{area} is inside {taken.prefix}, which is already in {owner}."
        return f"{area} contains {taken.prefix}, which is already in {owner}."
    return None


def lsoa_clash(session: Session, codes: list[str], *, excluding: Neighbourhood | None = None) -> str | None:
    if not codes:
        return None
    statement = (
        select(NeighbourhoodLsoa)
        .options(selectinload(NeighbourhoodLsoa.neighbourhood))
        .where(NeighbourhoodLsoa.lsoa_code.in_(codes))
        .order_by(NeighbourhoodLsoa.lsoa_code)
    )
    if excluding is not None and excluding.id is not None:
        statement = statement.where(NeighbourhoodLsoa.neighbourhood_id != excluding.id)
    taken = session.scalars(statement).first()
    return None if taken is None else f"{taken.lsoa_code} is already in {_called(taken.neighbourhood)}."


def _checked(
    session: Session, settings: NeighbourhoodSettings, existing: Neighbourhood | None
) -> tuple[str, str, list[str], list[str]]:
    name = " ".join(settings.name.split())
    if not name:
        raise DomainError(gettext("Enter the neighbourhood's name"), field="name")
    if len(name) > MAX_NAME:
        raise DomainError(gettext("The name must be %(MAX_NAME)s characters or fewer", MAX_NAME=MAX_NAME), field="name")
    same_name = select(Neighbourhood.id).where(func.lower(Neighbourhood.name) == name.lower())
    if existing is not None and existing.id is not None:
        same_name = same_name.where(Neighbourhood.id != existing.id)
    if session.scalar(same_name) is not None:
        raise DomainError(
            gettext("There is already a neighbourhood called %(name)s. Choose another name.", name=name), field="name"
        )
    areas = read_areas(settings.areas)
    if not areas:
        raise DomainError(
            gettext("Enter at least one postcode area: %(AREA_EXAMPLE)s", AREA_EXAMPLE=AREA_EXAMPLE), field="areas"
        )
    if clash := area_clash(session, areas, excluding=existing):
        raise DomainError(clash, field="areas")
    lsoas = read_lsoas(settings.lsoas)
    if clash := lsoa_clash(session, lsoas, excluding=existing):
        raise DomainError(clash, field="lsoas")
    return name, settings.description.strip(), areas, lsoas


def _describe(areas: list[str], lsoas: list[str]) -> str:
    text = "areas " + ", ".join(areas)
    return text + (f"; LSOAs {', '.join(lsoas)}" if lsoas else "")


def create_neighbourhood(session: Session, settings: NeighbourhoodSettings, *, by: User | None) -> Neighbourhood:
    """A new neighbourhood with its areas and LSOAs; DomainError (naming the field) if any is wrong or taken."""
    name, description, areas, lsoas = _checked(session, settings, None)
    neighbourhood = Neighbourhood(
        name=name,
        description=description,
        areas=[NeighbourhoodArea(prefix=area) for area in sorted(areas)],
        lsoas=[NeighbourhoodLsoa(lsoa_code=code) for code in sorted(lsoas)],
    )
    session.add(neighbourhood)
    session.flush()
    audit.record(session, by, AuditAction.NEIGHBOURHOOD_CREATED, neighbourhood, f"{name}: {_describe(areas, lsoas)}")
    session.flush()
    return neighbourhood


def change_neighbourhood(
    session: Session, neighbourhood: Neighbourhood, settings: NeighbourhoodSettings, *, by: User | None
) -> list[str]:
    """Rename it, change its description, areas or LSOAs; return what changed (empty when nothing did)."""
    name, description, areas, lsoas = _checked(session, settings, neighbourhood)
    changed = []
    if name != neighbourhood.name:
        changed.append(f"name from {neighbourhood.name} to {name}")
        neighbourhood.name = name
    if description != neighbourhood.description:
        changed.append("description")
        neighbourhood.description = description
    old_areas = [area.prefix for area in neighbourhood.areas]
    if sorted(areas) != sorted(old_areas):
        changed.append("areas to " + ", ".join(areas))
        kept = [area for area in neighbourhood.areas if area.prefix in areas]
        neighbourhood.areas = kept
        session.flush()  # removed areas go before new ones take their place
        added = [NeighbourhoodArea(prefix=area) for area in areas if area not in old_areas]
        neighbourhood.areas = sorted(kept + added, key=lambda row: row.prefix)
    old_lsoas = [row.lsoa_code for row in neighbourhood.lsoas]
    if sorted(lsoas) != sorted(old_lsoas):
        changed.append("LSOAs to " + (", ".join(lsoas) or "none"))
        kept_lsoas = [row for row in neighbourhood.lsoas if row.lsoa_code in lsoas]
        neighbourhood.lsoas = kept_lsoas
        session.flush()
        new_lsoas = [NeighbourhoodLsoa(lsoa_code=code) for code in lsoas if code not in old_lsoas]
        neighbourhood.lsoas = sorted(kept_lsoas + new_lsoas, key=lambda row: row.lsoa_code)
    if changed:
        audit.record(
            session, by, AuditAction.NEIGHBOURHOOD_CHANGED, neighbourhood, f"{name}: changed " + "; ".join(changed)
        )
    session.flush()
    return changed


def retire_neighbourhood(session: Session, neighbourhood: Neighbourhood, *, by: User | None) -> None:
    """Stop offering it for new rounds and matching new groups' postcodes to it."""
    if neighbourhood.retired:
        raise DomainError(gettext("%(neighbourhood_name)s is already retired.", neighbourhood_name=neighbourhood.name))
    neighbourhood.retired_at = utcnow()
    audit.record(session, by, AuditAction.NEIGHBOURHOOD_RETIRED, neighbourhood, neighbourhood.name)
    session.flush()


def reinstate_neighbourhood(session: Session, neighbourhood: Neighbourhood, *, by: User | None) -> None:
    """Offer a retired neighbourhood again."""
    if not neighbourhood.retired:
        raise DomainError(gettext("%(neighbourhood_name)s is not retired.", neighbourhood_name=neighbourhood.name))
    neighbourhood.retired_at = None
    audit.record(session, by, AuditAction.NEIGHBOURHOOD_REINSTATED, neighbourhood, neighbourhood.name)
    session.flush()


def settings_of(neighbourhood: Neighbourhood) -> NeighbourhoodSettings:
    """What the edit form shows for a saved neighbourhood."""
    return NeighbourhoodSettings(
        name=neighbourhood.name,
        description=neighbourhood.description,
        areas="\n".join(area.prefix for area in neighbourhood.areas),
        lsoas="\n".join(row.lsoa_code for row in neighbourhood.lsoas),
    )


def neighbourhoods(session: Session) -> list[Neighbourhood]:
    """Every neighbourhood with its areas and LSOAs: those in use by name, then the retired ones."""
    return list(
        session.scalars(
            select(Neighbourhood)
            .options(selectinload(Neighbourhood.areas), selectinload(Neighbourhood.lsoas))
            .order_by(Neighbourhood.retired_at.is_not(None), Neighbourhood.name)
        )
    )
