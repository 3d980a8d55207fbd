"""Outcome figures for a set of rounds, in total and by round, funder, kind of group,
neighbourhood and deprivation decile.

Money offered counts every award not cancelled; paid counts payments made; spent and people
reached come only from reports an officer has accepted. A group is "first-time" when it had
no award in any earlier round (by the round's opening), and "unconstituted" by its kind.

A round's funders share its awards' money in proportion to what each puts into the round
(``RoundFunder.amount_pence``); a round with no funders recorded is counted under
``NO_FUNDER``. Shares are whole pence, the last funder taking the remainder, so a round's
funders always add up to the round.

A group's neighbourhood is the one it chose; its decile comes from its postcode through the
imported postcode lookup and Indices of Deprivation, as on the equity page
(``portal.services.opendata.equity``); groups with neither are counted as not known.

Read with a fixed number of queries however many awards there are.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.infra.i18n import _l, gettext
from portal.models.applications import Application
from portal.models.awards import Award, AwardStatus, MonitoringReport, Payment
from portal.models.funders import RoundFunder
from portal.models.funding import LsoaDeprivation, Neighbourhood, PostcodeLsoa, Round
from portal.models.organisations import Organisation, OrganisationKind

NO_FUNDER = _l("No funder recorded")
NOT_KNOWN = _l("Not known")


@dataclass
class Tally:
    offered_pence: int = 0
    paid_pence: int = 0
    spent_pence: int = 0
    people_reached: int = 0
    groups: set[int] = field(default_factory=set)
    first_time_groups: set[int] = field(default_factory=set)
    unconstituted_groups: set[int] = field(default_factory=set)

    @property
    def groups_funded(self) -> int:
        return len(self.groups)

    @property
    def first_time(self) -> int:
        return len(self.first_time_groups)

    @property
    def unconstituted(self) -> int:
        return len(self.unconstituted_groups)


@dataclass(frozen=True)
class Row:
    label: str
    tally: Tally


@dataclass(frozen=True)
class Outcomes:
    total: Tally
    by_round: list[Row]
    by_funder: list[Row]
    by_kind: list[Row]
    by_neighbourhood: list[Row]
    by_decile: list[Row]


@dataclass(frozen=True)
class _AwardFacts:
    round_id: int
    organisation_id: int
    kind: OrganisationKind
    offered: int
    paid: int
    spent: int
    people: int
    first_time: bool
    neighbourhood: str
    decile: int | None


def split_by_share(amount: int, shares: Sequence[tuple[str, int]]) -> list[tuple[str, int]]:
    """``amount`` split in proportion to ``shares`` in whole units; the last takes the remainder."""
    whole = sum(share for _label, share in shares)
    if not shares or whole <= 0:
        return [(NO_FUNDER, amount)]
    parts: list[tuple[str, int]] = []
    given = 0
    for index, (label, share) in enumerate(shares):
        part = amount - given if index == len(shares) - 1 else amount * share // whole
        parts.append((label, part))
        given += part
    return parts


def _add(tally: Tally, facts: _AwardFacts, *, offered: int, paid: int, spent: int, people: int) -> None:
    tally.offered_pence += offered
    tally.paid_pence += paid
    tally.spent_pence += spent
    tally.people_reached += people
    tally.groups.add(facts.organisation_id)
    if facts.first_time:
        tally.first_time_groups.add(facts.organisation_id)
    if facts.kind is OrganisationKind.UNCONSTITUTED:
        tally.unconstituted_groups.add(facts.organisation_id)


def _award_facts(session: Session, round_ids: Sequence[int]) -> list[_AwardFacts]:
    paid = (
        select(Payment.award_id, func.sum(Payment.amount_pence).label("paid"))
        .where(Payment.paid_at.is_not(None))
        .group_by(Payment.award_id)
        .subquery()
    )
    reported = (
        select(
            MonitoringReport.award_id,
            func.sum(func.coalesce(MonitoringReport.spent_pence, 0)).label("spent"),
            func.sum(func.coalesce(MonitoringReport.people_reached, 0)).label("people"),
        )
        .where(MonitoringReport.accepted_at.is_not(None))
        .group_by(MonitoringReport.award_id)
        .subquery()
    )
    rows = session.execute(
        select(
            Award.round_id,
            Application.organisation_id,
            Organisation.kind,
            Award.amount_pence,
            func.coalesce(paid.c.paid, 0),
            func.coalesce(reported.c.spent, 0),
            func.coalesce(reported.c.people, 0),
            Round.opens_at,
            Neighbourhood.name,
            LsoaDeprivation.imd_decile,
        )
        .join(Application, Application.id == Award.application_id)
        .join(Organisation, Organisation.id == Application.organisation_id)
        .outerjoin(Neighbourhood, Neighbourhood.id == Organisation.neighbourhood_id)
        .outerjoin(PostcodeLsoa, PostcodeLsoa.postcode == Organisation.postcode)
        .outerjoin(LsoaDeprivation, LsoaDeprivation.lsoa_code == PostcodeLsoa.lsoa_code)
        .join(Round, Round.id == Award.round_id)
        .outerjoin(paid, paid.c.award_id == Award.id)
        .outerjoin(reported, reported.c.award_id == Award.id)
        .where(Award.round_id.in_(round_ids), Award.status != AwardStatus.CANCELLED)
        .order_by(Award.id)
    ).all()
    organisation_ids = {row[1] for row in rows}
    # Each group's awards in any round, with when that round opened: "first-time" means
    # nothing earlier, whichever rounds are being looked at.
    history: dict[int, list[datetime]] = defaultdict(list)
    for organisation_id, opens_at in session.execute(
        select(Application.organisation_id, Round.opens_at)
        .join(Award, Award.application_id == Application.id)
        .join(Round, Round.id == Award.round_id)
        .where(Application.organisation_id.in_(organisation_ids), Award.status != AwardStatus.CANCELLED)
    ):
        history[organisation_id].append(opens_at)
    return [
        _AwardFacts(
            round_id=round_id,
            organisation_id=organisation_id,
            kind=kind,
            offered=offered,
            paid=paid_pence,
            spent=spent,
            people=people,
            first_time=not any(earlier < opens_at for earlier in history[organisation_id]),
            neighbourhood=neighbourhood or NOT_KNOWN,
            decile=decile,
        )
        for round_id, organisation_id, kind, offered, paid_pence, spent, people, opens_at, neighbourhood, decile in rows
    ]


def outcomes_for(session: Session, rounds: Iterable[Round]) -> Outcomes:
    chosen = sorted(rounds, key=lambda r: (r.opens_at, r.id))
    round_ids = [r.id for r in chosen]
    facts = _award_facts(session, round_ids)
    shares: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for round_funder in session.scalars(
        select(RoundFunder).where(RoundFunder.round_id.in_(round_ids)).order_by(RoundFunder.funder_id)
    ):
        shares[round_funder.round_id].append((round_funder.funder.name, round_funder.amount_pence))

    total = Tally()
    by_round: dict[int, Tally] = {r.id: Tally() for r in chosen}
    by_funder: dict[str, Tally] = defaultdict(Tally)
    by_kind: dict[OrganisationKind, Tally] = defaultdict(Tally)
    by_place: dict[str, Tally] = defaultdict(Tally)
    by_decile: dict[int | None, Tally] = defaultdict(Tally)
    for award in facts:
        whole = {"offered": award.offered, "paid": award.paid, "spent": award.spent, "people": award.people}
        _add(total, award, **whole)
        _add(by_round[award.round_id], award, **whole)
        _add(by_kind[award.kind], award, **whole)
        _add(by_place[award.neighbourhood], award, **whole)
        _add(by_decile[award.decile], award, **whole)
        # People reached are not split: each funder helped reach all of them.
        splits = {
            key: dict(split_by_share(value, shares[award.round_id])) for key, value in whole.items() if key != "people"
        }
        for label in splits["offered"]:
            _add(
                by_funder[label],
                award,
                offered=splits["offered"][label],
                paid=splits["paid"][label],
                spent=splits["spent"][label],
                people=award.people,
            )
    deciles = sorted(d for d in by_decile if d is not None)
    return Outcomes(
        total=total,
        by_neighbourhood=[Row(name, by_place[name]) for name in sorted(by_place, key=lambda n: (n == NOT_KNOWN, n))],
        by_decile=[Row(gettext("Decile %(d)s", d=d), by_decile[d]) for d in deciles]
        + ([Row(NOT_KNOWN, by_decile[None])] if None in by_decile else []),
        by_round=[Row(r.title, by_round[r.id]) for r in chosen],
        by_funder=[Row(label, by_funder[label]) for label in sorted(by_funder)],
        by_kind=[
            Row(kind.value.replace("_", " ").capitalize(), by_kind[kind])
            for kind in OrganisationKind
            if kind in by_kind
        ],
    )


CSV_HEADER = (
    _l("Breakdown"),
    _l("Label"),
    _l("Offered (£)"),
    _l("Paid (£)"),
    _l("Spent (£)"),
    _l("People reached"),
    _l("Groups funded"),
    _l("First-time groups"),
    _l("Unconstituted groups"),
)


def _pounds_cell(pence: int) -> str:
    return f"{pence / 100:.2f}"


def csv_rows(outcomes: Outcomes) -> list[tuple[object, ...]]:
    """The figures as rows of ``CSV_HEADER``: the total, then each breakdown."""
    sections = [(gettext("Total"), [Row(gettext("All chosen rounds"), outcomes.total)])]
    sections += [
        (gettext("Round"), outcomes.by_round),
        (gettext("Funder"), outcomes.by_funder),
        (gettext("Kind of group"), outcomes.by_kind),
    ]
    sections += [
        (gettext("Neighbourhood"), outcomes.by_neighbourhood),
        (gettext("Deprivation decile"), outcomes.by_decile),
    ]
    return [
        (
            section,
            row.label,
            _pounds_cell(row.tally.offered_pence),
            _pounds_cell(row.tally.paid_pence),
            _pounds_cell(row.tally.spent_pence),
            row.tally.people_reached,
            row.tally.groups_funded,
            row.tally.first_time,
            row.tally.unconstituted,
        )
        for section, rows in sections
        for row in rows
    ]
