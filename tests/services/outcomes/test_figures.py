"""Outcome figures on known data: totals, and by round, funder and kind of group."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from portal.models.applications import ApplicationStatus
from portal.models.awards import AwardStatus, MonitoringReport, Payment
from portal.models.base import utcnow
from portal.models.funders import RoundFunder
from portal.models.funding import LsoaDeprivation, PostcodeLsoa, Round
from portal.models.organisations import Organisation, OrganisationKind
from portal.services.outcomes.figures import NO_FUNDER, NOT_KNOWN, Outcomes, csv_rows, outcomes_for, split_by_share
from tests.factories import make_application, make_award, make_funder, make_neighbourhood, make_organisation, make_round

NOW = utcnow()


def fund(session: Session, grant_round: Round, group: Organisation, amount: int, **kwargs: object) -> None:
    """An accepted award of ``amount`` to ``group``, with ``paid`` paid and an accepted report of
    ``spent`` and ``people`` (a report not accepted when ``accepted`` is False)."""
    application = make_application(
        session, grant_round=grant_round, organisation=group, status=ApplicationStatus.APPROVED
    )
    award = make_award(
        session, application=application, amount_pence=amount, status=kwargs.get("status", AwardStatus.ACCEPTED)
    )
    if paid := kwargs.get("paid"):
        session.add(Payment(award=award, amount_pence=paid, due_on=NOW.date(), paid_at=NOW))
    if "spent" in kwargs:
        session.add(
            MonitoringReport(
                award=award,
                due_on=NOW.date(),
                spent_pence=kwargs["spent"],
                people_reached=kwargs.get("people", 0),
                submitted_at=NOW,
                accepted_at=NOW if kwargs.get("accepted", True) else None,
            )
        )
    session.flush()


def two_rounds(session: Session) -> tuple[Round, Round, Organisation, Organisation, Organisation]:
    earlier = make_round(
        session, title="Spring 2026", opens_at=NOW - timedelta(days=400), closes_at=NOW - timedelta(days=370)
    )
    later = make_round(session, title="Spring 2027", budget_pence=4_000_000)
    health, council = make_funder(session, name="Health Trust"), make_funder(session, name="City Council")
    # The later round: Health Trust puts in three quarters, the council a quarter.
    later.funders = [
        RoundFunder(funder=health, amount_pence=3_000_000),
        RoundFunder(funder=council, amount_pence=1_000_000),
    ]
    earlier.funders = []
    returning = make_organisation(session, name="Returning walkers")
    newcomer = make_organisation(session, name="New allotment", kind=OrganisationKind.UNCONSTITUTED)
    other = make_organisation(session, name="Choir")
    fund(session, earlier, returning, 100_000, paid=100_000, spent=90_000, people=40)
    fund(session, later, returning, 200_000, paid=100_000, spent=80_000, people=25)
    fund(session, later, newcomer, 100_001, paid=50_000, spent=30_000, people=12)
    # Not counted: a cancelled award, and a report not yet accepted.
    fund(session, later, other, 500_000, status=AwardStatus.CANCELLED, paid=None)
    fund(session, earlier, make_organisation(session), 50_000, spent=50_000, people=99, accepted=False)
    return earlier, later, returning, newcomer, other


def money(outcomes: Outcomes) -> tuple[int, int, int, int]:
    total = outcomes.total
    return total.offered_pence, total.paid_pence, total.spent_pence, total.people_reached


def test_totals_count_only_awards_not_cancelled_and_accepted_reports(session: Session) -> None:
    earlier, later, *_ = two_rounds(session)

    outcomes = outcomes_for(session, [later, earlier])

    assert money(outcomes) == (450_001, 250_000, 200_000, 77)
    assert (outcomes.total.groups_funded, outcomes.total.first_time, outcomes.total.unconstituted) == (3, 3, 1)


def test_a_group_funded_in_an_earlier_round_is_not_first_time_later(session: Session) -> None:
    _earlier, later, *_ = two_rounds(session)

    outcomes = outcomes_for(session, [later])

    assert money(outcomes) == (300_001, 150_000, 110_000, 37)
    # Returning walkers had an award in the earlier round, even though that round is not chosen.
    assert (outcomes.total.groups_funded, outcomes.total.first_time, outcomes.total.unconstituted) == (2, 1, 1)


def test_by_round_in_the_order_rounds_opened(session: Session) -> None:
    earlier, later, *_ = two_rounds(session)

    rows = outcomes_for(session, [later, earlier]).by_round

    assert [(row.label, row.tally.offered_pence, row.tally.people_reached, row.tally.first_time) for row in rows] == [
        ("Spring 2026", 150_000, 40, 2),
        ("Spring 2027", 300_001, 37, 1),
    ]


def test_by_funder_splits_money_by_share_of_the_round(session: Session) -> None:
    earlier, later, *_ = two_rounds(session)

    rows = {row.label: row.tally for row in outcomes_for(session, [earlier, later]).by_funder}

    assert set(rows) == {"City Council", "Health Trust", NO_FUNDER}
    council, health = rows["City Council"], rows["Health Trust"]
    # Each award is split three quarters and a quarter; the funder added last (the council) takes
    # the odd penny, so the funders add up to the round exactly.
    assert (council.offered_pence, health.offered_pence) == (50_000 + 25_001, 150_000 + 75_000)
    assert (council.paid_pence, health.paid_pence) == (37_500, 112_500)
    assert (council.spent_pence, health.spent_pence) == (27_500, 82_500)
    assert council.people_reached == health.people_reached == 37
    assert rows[NO_FUNDER].offered_pence == 150_000
    assert council.offered_pence + health.offered_pence + rows[NO_FUNDER].offered_pence == 450_001


def test_by_kind_of_group(session: Session) -> None:
    earlier, later, *_ = two_rounds(session)

    rows = {row.label: row.tally.groups_funded for row in outcomes_for(session, [earlier, later]).by_kind}

    assert rows == {"Charity": 2, "Unconstituted": 1}


def test_split_by_share_gives_the_remainder_to_the_last() -> None:
    assert split_by_share(100, [("a", 1), ("b", 1), ("c", 1)]) == [("a", 33), ("b", 33), ("c", 34)]
    assert split_by_share(100, []) == [(NO_FUNDER, 100)]


def test_by_neighbourhood_and_deprivation_decile(session: Session) -> None:
    earlier, later, returning, newcomer, _other = two_rounds(session)
    oxhey = make_neighbourhood(session, name="South Oxhey")
    returning.neighbourhood_id, returning.postcode = oxhey.id, "WD19 7AA"
    newcomer.postcode = "WD24 4BB"
    session.add_all(
        [
            PostcodeLsoa(postcode="WD19 7AA", lsoa_code="E01023800"),
            PostcodeLsoa(postcode="WD24 4BB", lsoa_code="E01023900"),
            LsoaDeprivation(lsoa_code="E01023800", lsoa_name="Three Rivers 013A", imd_rank=1200, imd_decile=1),
        ]
    )
    session.flush()

    outcomes = outcomes_for(session, [earlier, later])

    assert [(row.label, row.tally.offered_pence, row.tally.groups_funded) for row in outcomes.by_neighbourhood] == [
        ("South Oxhey", 300_000, 1),
        (NOT_KNOWN, 150_001, 2),
    ]
    # The newcomer's postcode is in the lookup but its LSOA has no deprivation figure: not known.
    assert [(row.label, row.tally.offered_pence) for row in outcomes.by_decile] == [
        ("Decile 1", 300_000),
        (NOT_KNOWN, 150_001),
    ]


def test_csv_rows_give_every_breakdown(session: Session) -> None:
    earlier, later, *_ = two_rounds(session)

    rows = csv_rows(outcomes_for(session, [earlier, later]))

    assert rows[0] == ("Total", "All chosen rounds", "4500.01", "2500.00", "2000.00", 77, 3, 3, 1)
    assert {row[0] for row in rows} == {
        "Total",
        "Round",
        "Funder",
        "Kind of group",
        "Neighbourhood",
        "Deprivation decile",
    }
