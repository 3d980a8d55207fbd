"""Who a round reaches: applications, awards and money by neighbourhood and by deprivation decile.

The portal holds no population figures. It compares each neighbourhood's and
each decile's share of applications with its share of the area's LSOAs
(Lower layer Super Output Areas, which hold about 1,500 residents each, so
their share is close to the share of the population). An LSOA is in the
area when postcodes in the round's neighbourhoods map to it in the imported
postcode lookup, and it counts for the neighbourhood most of those postcodes
are in.

A group's place is its postcode: mapped to an LSOA through the lookup, and
to a decile through the imported Indices of Deprivation. Groups whose
postcode is not in the lookup are counted as "not mapped".

Read with a fixed number of queries however many applications there are.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from portal.infra.i18n import _l, gettext
from portal.models.applications import Application, ApplicationStatus
from portal.models.awards import Award, AwardStatus
from portal.models.funding import (
    LsoaDeprivation,
    Neighbourhood,
    NeighbourhoodArea,
    NeighbourhoodLsoa,
    PostcodeLsoa,
    Round,
)
from portal.models.organisations import Organisation
from portal.services.applications.postcodes import areas_for

# Deciles 1 and 2: the most deprived fifth of England's LSOAs.
MOST_DEPRIVED = 2
OUTSIDE = _l("Outside the round's neighbourhoods")
NOT_MAPPED = _l("Not mapped")


@dataclass
class Tally:
    applications: int = 0
    awards: int = 0
    money_pence: int = 0
    lsoas: int = 0


@dataclass(frozen=True)
class Row:
    label: str
    tally: Tally
    share_applications: float  # percentages of the round's totals
    share_money: float
    share_area: float | None  # None when there is no postcode lookup for the area
    highlight: bool  # most deprived, and no applications


@dataclass(frozen=True)
class Gap:
    """A most-deprived LSOA in the area that no application came from."""

    lsoa_code: str
    lsoa_name: str
    decile: int
    neighbourhood: str


@dataclass(frozen=True)
class EquityView:
    total: Tally
    by_neighbourhood: list[Row]
    by_decile: list[Row]
    not_mapped: Tally
    gaps: list[Gap]
    has_postcodes: bool
    has_deprivation: bool
    area_lsoas: int
    notes: list[str] = field(default_factory=list)


def _share(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def _area_lsoas(session: Session, grant_round: Round) -> tuple[dict[str, str], dict[str, int]]:
    """Each LSOA in the round's area with the neighbourhood most of its postcodes are in, and deciles."""
    neighbourhood_ids = [n.id for n in grant_round.neighbourhoods]
    areas = select(NeighbourhoodArea.prefix, Neighbourhood.name).join(
        Neighbourhood, Neighbourhood.id == NeighbourhoodArea.neighbourhood_id
    )
    if neighbourhood_ids:
        areas = areas.where(Neighbourhood.id.in_(neighbourhood_ids))
    prefixes = dict(session.execute(areas).all())
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for postcode, lsoa in session.execute(select(PostcodeLsoa.postcode, PostcodeLsoa.lsoa_code)):
        for prefix in areas_for(postcode):
            if prefix in prefixes:
                votes[lsoa][prefixes[prefix]] += 1
                break
    home = {lsoa: counter.most_common(1)[0][0] for lsoa, counter in votes.items()}
    # An LSOA officers placed in a neighbourhood is that neighbourhood's, whatever its postcodes say.
    placed = select(NeighbourhoodLsoa.lsoa_code, Neighbourhood.name).join(
        Neighbourhood, Neighbourhood.id == NeighbourhoodLsoa.neighbourhood_id
    )
    if neighbourhood_ids:
        placed = placed.where(Neighbourhood.id.in_(neighbourhood_ids))
    known = set(session.scalars(select(PostcodeLsoa.lsoa_code).distinct()))
    home |= {lsoa: name for lsoa, name in session.execute(placed).all() if lsoa in known}
    deciles = (
        dict(
            session.execute(
                select(LsoaDeprivation.lsoa_code, LsoaDeprivation.imd_decile).where(
                    LsoaDeprivation.lsoa_code.in_(list(home))
                )
            ).all()
        )
        if home
        else {}
    )
    return home, deciles


def equity_view(session: Session, grant_round: Round) -> EquityView:
    live_award = Award.status != AwardStatus.CANCELLED
    rows = session.execute(
        select(
            Neighbourhood.name,
            PostcodeLsoa.lsoa_code,
            LsoaDeprivation.imd_decile,
            func.count(Application.id),
            func.count(case((live_award, Award.id))),
            func.coalesce(func.sum(case((live_award, Award.amount_pence), else_=0)), 0),
        )
        .join(Organisation, Organisation.id == Application.organisation_id)
        .outerjoin(Neighbourhood, Neighbourhood.id == Organisation.neighbourhood_id)
        .outerjoin(PostcodeLsoa, PostcodeLsoa.postcode == Organisation.postcode)
        .outerjoin(LsoaDeprivation, LsoaDeprivation.lsoa_code == PostcodeLsoa.lsoa_code)
        .outerjoin(Award, Award.application_id == Application.id)
        .where(Application.round_id == grant_round.id, Application.status != ApplicationStatus.DRAFT)
        .group_by(Neighbourhood.name, PostcodeLsoa.lsoa_code, LsoaDeprivation.imd_decile)
    ).all()
    home, area_deciles = _area_lsoas(session, grant_round)
    has_postcodes = bool(home)
    has_deprivation = session.scalar(select(func.count()).select_from(LsoaDeprivation)) != 0

    total = Tally()
    places: dict[str, Tally] = defaultdict(Tally)
    deciles: dict[int, Tally] = {decile: Tally() for decile in range(1, 11)}
    not_mapped = Tally()
    applied_from: set[str] = set()
    for name, lsoa, decile, applications, awards, money in rows:
        for tally in (total, places[name or OUTSIDE], deciles[decile] if decile else not_mapped):
            tally.applications += applications
            tally.awards += awards
            tally.money_pence += int(money)
        if lsoa:
            applied_from.add(lsoa)
    for name in (n.name for n in grant_round.neighbourhoods):
        places.setdefault(name, Tally())
    for lsoa, name in home.items():
        places[name].lsoas += 1
        if lsoa in area_deciles:
            deciles[area_deciles[lsoa]].lsoas += 1

    area_total = len(home)
    mapped_lsoas = sum(t.lsoas for t in deciles.values())

    def row(label: str, tally: Tally, base: int, most_deprived: bool) -> Row:
        return Row(
            label=label,
            tally=tally,
            share_applications=_share(tally.applications, total.applications),
            share_money=_share(tally.money_pence, total.money_pence),
            share_area=_share(tally.lsoas, base) if base else None,
            highlight=most_deprived and tally.applications == 0,
        )

    deprived_homes = {home[lsoa] for lsoa, decile in area_deciles.items() if decile <= MOST_DEPRIVED}
    by_neighbourhood = [row(name, tally, area_total, name in deprived_homes) for name, tally in sorted(places.items())]
    by_decile = [
        row(
            gettext(
                "Decile %(d)s%(value)s",
                d=d,
                value=" (most deprived)" if d == 1 else " (least deprived)" if d == 10 else "",
            ),
            t,
            mapped_lsoas,
            d <= MOST_DEPRIVED and t.lsoas > 0,
        )
        for d, t in deciles.items()
    ]
    names = (
        dict(
            session.execute(
                select(LsoaDeprivation.lsoa_code, LsoaDeprivation.lsoa_name).where(
                    LsoaDeprivation.lsoa_code.in_([code for code, d in area_deciles.items() if d <= MOST_DEPRIVED])
                )
            ).all()
        )
        if area_deciles
        else {}
    )
    gaps = sorted(
        (
            Gap(lsoa, names.get(lsoa, ""), decile, home[lsoa])
            for lsoa, decile in area_deciles.items()
            if decile <= MOST_DEPRIVED and lsoa not in applied_from
        ),
        key=lambda gap: (gap.decile, gap.neighbourhood, gap.lsoa_code),
    )
    notes = []
    if not has_postcodes:
        notes.append(
            gettext(
                "No postcode lookup has been imported for this round's neighbourhoods, so there is "
                "no share of the area to compare with and no deciles: run flask --app portal refdata "
                "import-postcodes."
            )
        )
    if not has_deprivation:
        notes.append(gettext("No deprivation data has been imported: run flask --app portal refdata import-imd."))
    return EquityView(
        total=total,
        by_neighbourhood=by_neighbourhood,
        by_decile=by_decile,
        not_mapped=not_mapped,
        gaps=gaps,
        has_postcodes=has_postcodes,
        has_deprivation=has_deprivation,
        area_lsoas=area_total,
        notes=notes,
    )
