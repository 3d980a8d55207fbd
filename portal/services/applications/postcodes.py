"""UK postcodes: checking the format and finding the neighbourhood a postcode is in.

Neighbourhoods are made of postcode districts ("WD24") and sectors
("WD24 4"); the most specific area that matches wins, so a sector can belong
to a different neighbourhood from the rest of its district.
"""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models.funding import Neighbourhood, NeighbourhoodArea, NeighbourhoodLsoa, PostcodeLsoa

# The shapes in BS 7666 (A9 9AA, A99 9AA, A9A 9AA, AA9 9AA, AA99 9AA, AA9A 9AA)
# plus GIR 0AA. The inward part never uses C, I, K, M, O or V.
_OUTWARD = r"(?:[A-PR-UWYZ][0-9][0-9A-HJKPSTUW]?|[A-PR-UWYZ][A-HK-Y][0-9][0-9ABEHMNPRVWXY]?|GIR)"
_INWARD = r"[0-9][ABD-HJLNP-UW-Z]{2}"
_POSTCODE = re.compile(rf"({_OUTWARD})\s*({_INWARD})")


def normalise_postcode(raw: str | None) -> str | None:
    """``"wd24 4ab"`` or ``"WD244AB"`` → ``"WD24 4AB"``; None when it is not a UK postcode."""
    if not raw:
        return None
    compact = re.sub(r"\s+", "", raw).upper()
    match = _POSTCODE.fullmatch(compact)
    if match is None:
        return None
    return f"{match.group(1)} {match.group(2)}"


def areas_for(postcode: str) -> list[str]:
    """The sector and district of a normalised postcode, most specific first."""
    outward, inward = postcode.split(" ")
    return [f"{outward} {inward[0]}", outward]


def normalise_area(raw: str) -> str | None:
    """A district ("wd24") or sector ("WD24  4") as stored in ``NeighbourhoodArea.prefix``."""
    parts = raw.upper().split()
    if len(parts) == 1 and re.fullmatch(_OUTWARD, parts[0]):
        return parts[0]
    if len(parts) == 2 and re.fullmatch(_OUTWARD, parts[0]) and re.fullmatch(r"[0-9]", parts[1]):
        return f"{parts[0]} {parts[1]}"
    return None


def neighbourhood_for(session: Session, postcode: str, *, include_retired: bool = False) -> Neighbourhood | None:
    """The neighbourhood a postcode is in, or None when it is in none of them.

    This is the one place postcodes are matched to neighbourhoods. ``postcode``
    may be in any common form; an invalid one has no neighbourhood. Retired
    neighbourhoods match only with ``include_retired`` (groups that were
    placed in one before keep it: their row names it).

    A postcode in none of the neighbourhoods' districts and sectors is in the
    neighbourhood that holds its LSOA (from the imported postcode lookup), if any.
    """
    normalised = normalise_postcode(postcode)
    if normalised is None:
        return None
    candidates = areas_for(normalised)
    statement = (
        select(NeighbourhoodArea.prefix, Neighbourhood)
        .join(Neighbourhood, Neighbourhood.id == NeighbourhoodArea.neighbourhood_id)
        .where(NeighbourhoodArea.prefix.in_(candidates))
    )
    if not include_retired:
        statement = statement.where(Neighbourhood.retired_at.is_(None))
    rows = session.execute(statement).all()
    found = {prefix: neighbourhood for prefix, neighbourhood in rows}
    for prefix in candidates:
        if prefix in found:
            return found[prefix]
    by_lsoa = (
        select(Neighbourhood)
        .join(NeighbourhoodLsoa, NeighbourhoodLsoa.neighbourhood_id == Neighbourhood.id)
        .join(PostcodeLsoa, PostcodeLsoa.lsoa_code == NeighbourhoodLsoa.lsoa_code)
        .where(PostcodeLsoa.postcode == normalised)
    )
    if not include_retired:
        by_lsoa = by_lsoa.where(Neighbourhood.retired_at.is_(None))
    return session.scalars(by_lsoa.limit(1)).first()
