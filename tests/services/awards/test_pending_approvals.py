"""Approvals waiting for a second officer: returning them, and never leaving their money reserved."""

from __future__ import annotations

import threading

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.errors import DomainError
from portal.extensions import db
from portal.infra.database import writing
from portal.models.applications import Application, ApplicationStatus
from portal.models.audit import AuditEntry
from portal.models.awards import ApprovalReturn, Award, Decision, DecisionOutcome
from portal.models.funding import Round
from portal.models.outbox import OutboxMessage
from portal.models.users import Role, User
from portal.services.applications import lifecycle
from portal.services.awards import decisions
from tests.factories import make_application, make_organisation, make_round, make_user
from tests.fixtures.databases import reread


@pytest.fixture
def first(session: Session) -> User:
    return make_user(session, email="first@example.org", name="Priya First", roles=(Role.OFFICER,))


@pytest.fixture
def second(session: Session) -> User:
    return make_user(session, email="second@example.org", name="Sam Second", roles=(Role.OFFICER,))


@pytest.fixture
def grant_round(session: Session) -> Round:
    return make_round(session, budget_pence=1_000_000, second_approval_above_pence=300_000)


def scored(session: Session, grant_round: Round, amount: int = 400_000) -> Application:
    member = make_user(session)
    return make_application(
        session,
        grant_round=grant_round,
        organisation=make_organisation(session, members=(member,)),
        status=ApplicationStatus.SCORED,
        amount_requested_pence=amount,
    )


def waiting(session: Session, grant_round: Round, officer: User, amount: int = 400_000) -> Application:
    """A scored application approved above the threshold: its money is reserved, the offer not made."""
    application = scored(session, grant_round, amount)
    decisions.approve(session, application, by=officer, amount_pence=amount)
    assert session.scalar(select(func.count(Award.id)).where(Award.application_id == application.id)) == 0
    return application


def test_the_second_officer_returns_an_approval_to_the_first(
    session: Session, grant_round: Round, first: User, second: User
) -> None:
    application = waiting(session, grant_round, first)
    assert grant_round.committed_pence == 400_000

    returned = decisions.return_approval(session, application, by=second, reason="  Check the venue costs first.  ")

    assert grant_round.committed_pence == 0
    assert application.status is ApplicationStatus.SCORED
    assert session.scalar(select(func.count(Decision.id))) == 0
    assert (returned.amount_pence, returned.approved_by_id, returned.returned_by_id, returned.reason) == (
        400_000,
        first.id,
        second.id,
        "Check the venue costs first.",
    )
    assert decisions.latest_return(session, application) == returned
    email = session.scalars(select(OutboxMessage).where(OutboxMessage.to == "first@example.org")).one()
    assert "Sam Second has returned your approval of £4,000" in email.body
    assert "Check the venue costs first." in email.body
    assert f"/officer/applications/{application.id}" in email.body
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "approval returned")).one()
    assert (entry.actor_id, entry.object_id) == (second.id, application.id)
    # It can be decided again, and the money reserved again.
    decisions.approve(session, application, by=first, amount_pence=350_000)
    assert grant_round.committed_pence == 350_000


def test_only_another_officer_can_return_and_only_with_a_reason(
    session: Session, grant_round: Round, first: User, second: User
) -> None:
    application = waiting(session, grant_round, first)
    with pytest.raises(DomainError, match="different officer must confirm or return"):
        decisions.return_approval(session, application, by=first, reason="I changed my mind")
    with pytest.raises(DomainError, match="Give the reason"):
        decisions.return_approval(session, application, by=second, reason="   ")
    assert grant_round.committed_pence == 400_000
    assert session.scalar(select(func.count(ApprovalReturn.id))) == 0


def test_nothing_to_return_once_confirmed_returned_or_offered_at_once(
    session: Session, grant_round: Round, first: User, second: User
) -> None:
    confirmed = waiting(session, grant_round, first)
    decisions.confirm(session, confirmed, by=second)
    with pytest.raises(DomainError, match="no approval waiting"):
        decisions.return_approval(session, confirmed, by=second, reason="Too late")

    returned = waiting(session, grant_round, first, amount=350_000)
    decisions.return_approval(session, returned, by=second, reason="Not yet")
    with pytest.raises(DomainError, match="no approval waiting"):
        decisions.return_approval(session, returned, by=second, reason="Again")
    with pytest.raises(DomainError, match="no approval waiting for confirmation"):
        decisions.confirm(session, returned, by=second)

    small = scored(session, grant_round, amount=100_000)
    decisions.approve(session, small, by=first, amount_pence=100_000)  # below the threshold: offered at once
    with pytest.raises(DomainError, match="no approval waiting"):
        decisions.return_approval(session, small, by=second, reason="No")
    assert grant_round.committed_pence == 400_000 + 100_000
    assert session.scalar(select(func.count(ApprovalReturn.id))) == 1


def test_declining_replaces_a_waiting_approval_and_frees_its_money(
    session: Session, grant_round: Round, first: User, second: User
) -> None:
    application = waiting(session, grant_round, first)
    with pytest.raises(DomainError, match="at least one reason"):
        decisions.decline(session, application, by=second, reasons=[], feedback="")
    assert grant_round.committed_pence == 400_000

    decisions.decline(session, application, by=second, reasons=["budget"], feedback="")

    assert grant_round.committed_pence == 0
    assert application.status is ApplicationStatus.DECLINED
    assert session.scalars(select(Decision.outcome)).one() is DecisionOutcome.DECLINE
    released = session.scalars(select(AuditEntry).where(AuditEntry.action == "reserved money released")).one()
    assert released.summary == (
        "£4,000 held for Priya First's approval went back to the budget: the application was declined instead"
    )


def test_marking_not_eligible_after_scoring_frees_the_money(
    session: Session, grant_round: Round, first: User, second: User
) -> None:
    application = waiting(session, grant_round, first)

    decisions.mark_ineligible(session, application, by=second, reason="The group shares a bank account with another.")

    assert application.status is ApplicationStatus.INELIGIBLE
    assert grant_round.committed_pence == 0
    assert session.scalar(select(func.count(Decision.id))) == 0


def test_withdrawing_frees_the_money_held_for_it(session: Session, grant_round: Round, first: User) -> None:
    application = waiting(session, grant_round, first)
    member = application.organisation.memberships[0].user

    lifecycle.withdraw_application(session, application, by=member, reason="We found another funder.")

    assert application.status is ApplicationStatus.WITHDRAWN
    assert grant_round.committed_pence == 0
    assert session.scalar(select(func.count(Decision.id))) == 0
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "reserved money released")).one()
    assert entry.actor_id == member.id


def test_leaving_without_a_waiting_approval_releases_nothing(session: Session, grant_round: Round) -> None:
    grant_round.committed_pence = 200_000  # held by other awards
    application = scored(session, grant_round)
    assert decisions.drop_pending_approval(session, application, by=None, why="no reason") == 0
    member = application.organisation.memberships[0].user
    lifecycle.withdraw_application(session, application, by=member, reason="")
    assert grant_round.committed_pence == 200_000
    assert session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "reserved money released")) == 0


@pytest.mark.postgres_only
def test_a_confirm_and_a_return_at_once_cannot_both_win(app: Flask, session: Session, first: User) -> None:
    """Ten officers each confirm or return the same approval at the same moment: exactly one of them wins."""
    grant_round = make_round(session, budget_pence=1_000_000, second_approval_above_pence=300_000)
    application_id = waiting(session, grant_round, first).id
    others = [make_user(session, roles=(Role.OFFICER,)).id for _ in range(10)]
    session.commit()
    outcomes: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(len(others))

    def act(officer_id: int, returning: bool) -> None:
        with app.app_context(), writing():
            officer = db.session.get(User, officer_id)
            application = db.session.get(Application, application_id)
            start.wait()
            try:
                if returning:
                    decisions.return_approval(db.session, application, by=officer, reason="Not yet")  # type: ignore[arg-type]
                else:
                    decisions.confirm(db.session, application, by=officer)  # type: ignore[arg-type]
                db.session.commit()
                result = "returned" if returning else "confirmed"
            except DomainError:
                db.session.rollback()
                result = "refused"
            with lock:
                outcomes.append(result)

    threads = [threading.Thread(target=act, args=(officer_id, n % 2 == 0)) for n, officer_id in enumerate(others)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    reread(session)
    assert outcomes.count("refused") == len(others) - 1
    awards = session.scalar(select(func.count(Award.id)))
    returns = session.scalar(select(func.count(ApprovalReturn.id)))
    assert (awards, returns) in {(1, 0), (0, 1)}
    assert session.get(Round, grant_round.id).committed_pence == 400_000 * awards  # type: ignore[union-attr]
