"""Due-diligence checks that can fail: open grants of the fund, overdue reports, shared bank details or people."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from portal.models.applications import Application, ApplicationStatus
from portal.models.awards import Award, AwardStatus
from portal.models.base import utcnow
from portal.models.funding import Fund, Round
from portal.models.organisations import Organisation, OrganisationKind
from portal.models.users import User
from portal.services.applications.due_diligence import Check, checklist
from portal.services.awards import bank_details
from tests.factories import (
    make_application,
    make_award,
    make_fund,
    make_organisation,
    make_report,
    make_round,
    make_user,
)

OPEN_GRANT = "Holds no open grant from the same fund"
OVERDUE = "Has no overdue end-of-grant report"
SHARED = "Shares no bank details, money holder or contact person with another group in this round"


@pytest.fixture
def fund(session: Session) -> Fund:
    return make_fund(session)


@pytest.fixture
def grant_round(session: Session, fund: Fund) -> Round:
    return make_round(session, fund=fund)


def check(session: Session, application: Application, what: str) -> Check:
    return next(c for c in checklist(session, application) if c.what == what)


def applying(session: Session, grant_round: Round, organisation: Organisation | None = None) -> Application:
    return make_application(
        session,
        grant_round=grant_round,
        organisation=organisation or make_organisation(session),
        status=ApplicationStatus.SUBMITTED,
    )


def past_award(
    session: Session, organisation: Organisation, grant_round: Round, status: AwardStatus = AwardStatus.ACCEPTED
) -> Award:
    application = make_application(
        session, grant_round=grant_round, organisation=organisation, status=ApplicationStatus.APPROVED
    )
    return make_award(session, application=application, status=status)


def test_nothing_found_for_a_new_group(session: Session, grant_round: Round) -> None:
    application = applying(session, grant_round)
    applying(session, grant_round)
    checks = {c.what: c for c in checklist(session, application)}
    assert "Not already funded in this round" not in checks
    for what in (OPEN_GRANT, OVERDUE, SHARED):
        assert (checks[what].passed, checks[what].found) == (True, [])


def test_an_open_grant_from_the_same_fund_is_found(session: Session, fund: Fund, grant_round: Round) -> None:
    group = make_organisation(session)
    application = applying(session, grant_round, group)
    running = past_award(session, group, make_round(session, fund=fund, title="Spring 2025"))
    past_award(session, group, make_round(session, fund=fund), status=AwardStatus.CLOSED)
    past_award(session, group, make_round(session, fund=fund), status=AwardStatus.CANCELLED)
    past_award(session, group, make_round(session))  # another fund

    found = check(session, application, OPEN_GRANT)

    assert found.passed is False
    assert found.found == [
        f"Holds an open grant from the same fund: {running.application.reference} (Spring 2025, accepted)"
    ]


def test_an_overdue_report_is_found(session: Session, grant_round: Round) -> None:
    group = make_organisation(session)
    application = applying(session, grant_round)
    application.organisation = group
    late = past_award(session, group, make_round(session))
    make_report(session, award=late, due_on=(utcnow() - timedelta(days=3)).date())
    sent = make_report(
        session, award=past_award(session, group, make_round(session)), due_on=utcnow().date() - timedelta(days=30)
    )
    sent.submitted_at = utcnow()
    make_report(
        session, award=past_award(session, group, make_round(session)), due_on=(utcnow() + timedelta(days=3)).date()
    )
    session.flush()

    found = check(session, application, OVERDUE)

    assert found.passed is False
    assert len(found.found) == 1
    assert found.found[0].startswith(f"The end-of-grant report for {late.application.reference} was due on ")
    assert found.found[0].endswith(" and has not been sent")


def give_bank_details(session: Session, award: Award, sort_code: str, account: str) -> None:
    award.status = AwardStatus.ACCEPTED
    bank_details.save_bank_details(
        session, award, bank_details.BankDetails("Treasurer", sort_code, account), by=make_user(session)
    )


def test_shared_bank_details_are_found_by_comparing_the_accounts(session: Session, grant_round: Round) -> None:
    ours = make_organisation(session, name="Oxhey Pantry")
    twin = make_organisation(session, name="Oxhey Kitchen")
    lookalike = make_organisation(session, name="Same last four")
    application = applying(session, grant_round, ours)
    twin_application = applying(session, grant_round, twin)
    applying(session, grant_round, lookalike)
    give_bank_details(session, past_award(session, ours, make_round(session)), "309457", "00733445")
    give_bank_details(session, past_award(session, twin, make_round(session)), "30-94-57", "00733445")
    give_bank_details(session, past_award(session, lookalike, make_round(session)), "401122", "99993445")

    found = check(session, application, SHARED)

    assert found.passed is False
    assert found.found == [f"Shares bank details with Oxhey Kitchen ({twin_application.reference})"]
    assert not any("00733445" in line or "309457" in line for line in found.found)


def unconstituted(
    session: Session, name: str, holders: str, *, members: tuple[User, ...] = (), **contact: str
) -> Organisation:
    organisation = make_organisation(session, name=name, kind=OrganisationKind.UNCONSTITUTED, members=members)
    organisation.money_holders = holders
    for key, value in contact.items():
        setattr(organisation, key, value)
    return organisation


def test_a_money_holder_is_the_same_person_by_email_or_by_name_and_phone(session: Session, grant_round: Round) -> None:
    amina = make_user(session, email="amina@example.org", name="Amina Hussain")
    ours = unconstituted(session, "Pantry", "Amina Hussain\nPat Kelly", members=(amina,))
    application = applying(session, grant_round, ours)
    by_email = unconstituted(
        session, "Kitchen", "Jo Lee\nSam Roe", contact_name="A. Hussain", contact_email="AMINA@example.org"
    )
    by_email_application = applying(session, grant_round, by_email)
    # Only a name in common: two different people may share a name.
    applying(session, grant_round, unconstituted(session, "Walkers", "Pat Kelly\nKim Day"))

    found = check(session, application, SHARED)
    assert found.found == [f"Shares a money holder with Kitchen ({by_email_application.reference})"]

    ours.contact_name, ours.contact_phone = "Pat Kelly", "01923 000 111"
    by_phone = unconstituted(
        session, "Choir", "Pat Kelly\nLee Fox", contact_name="pat  kelly", contact_phone="01923000111"
    )
    by_phone_application = applying(session, grant_round, by_phone)
    assert check(session, application, SHARED).found == [
        f"Shares a money holder with Kitchen ({by_email_application.reference})",
        f"Shares a money holder with Choir ({by_phone_application.reference})",
    ]


def test_a_shared_contact_person_is_found_and_drafts_are_left_out(session: Session, grant_round: Round) -> None:
    ours = make_organisation(session, name="Shed")
    ours.contact_email = "dave@example.org"
    application = applying(session, grant_round, ours)
    other = make_organisation(session, name="Shed Two")
    other.contact_email = "dave@example.org"
    other_application = applying(session, grant_round, other)
    drafted = make_organisation(session, name="Shed Three")
    drafted.contact_email = "dave@example.org"
    make_application(session, grant_round=grant_round, organisation=drafted)  # a draft: not applied yet

    assert check(session, application, SHARED).found == [
        f"Shares its contact person with Shed Two ({other_application.reference})"
    ]
