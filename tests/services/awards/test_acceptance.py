"""Accepting a grant: once, with a report made and one set of emails, even under a double tap."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.errors import DomainError
from portal.extensions import db
from portal.infra.database import writing
from portal.models.applications import ApplicationStatus
from portal.models.awards import Award, AwardStatus, MonitoringReport
from portal.models.outbox import OutboxMessage
from portal.models.users import User
from portal.services.awards.acceptance import accept_award
from tests.factories import make_application, make_award, make_organisation, make_round, make_user
from tests.fixtures.databases import reread


def offered(session: Session) -> tuple[Award, User]:
    member = make_user(session, name="Dave")
    application = make_application(
        session,
        grant_round=make_round(session),
        organisation=make_organisation(session, members=(member,)),
        status=ApplicationStatus.APPROVED,
    )
    application.reference = "AO-2026-0007"
    award = make_award(session, application=application)
    session.commit()
    return award, member


def test_accepting_needs_a_name_and_the_tick(session: Session) -> None:
    award, member = offered(session)
    with pytest.raises(DomainError, match="Enter your full name"):
        accept_award(session, award, by=member, name=" ", agreed=True)
    with pytest.raises(DomainError, match="Tick the box"):
        accept_award(session, award, by=member, name="Dave Morgan", agreed=False)


def test_accepting_records_who_and_when_and_makes_the_report(session: Session) -> None:
    award, member = offered(session)
    award.report_due_on = date(2027, 9, 30)
    assert accept_award(session, award, by=member, name="Dave Morgan", agreed=True) is True
    assert accept_award(session, award, by=member, name="Dave Morgan", agreed=True) is False  # a double tap
    session.commit()
    reread(session)

    assert award.status is AwardStatus.ACCEPTED
    assert (award.accepted_name, award.accepted_by_id) == ("Dave Morgan", member.id)
    assert award.accepted_at is not None
    assert [r.due_on for r in award.reports] == [date(2027, 9, 30)]
    # Once to the member and once to the programme team (MAIL_FROM's address when PROGRAMME_EMAIL is unset).
    assert sorted(session.scalars(select(OutboxMessage.to))) == sorted([member.email, "grants@localhost"])


def test_a_cancelled_award_cannot_be_accepted(session: Session) -> None:
    award, member = offered(session)
    award.status = AwardStatus.CANCELLED
    with pytest.raises(DomainError, match="can no longer be accepted"):
        accept_award(session, award, by=member, name="Dave", agreed=True)


@pytest.mark.postgres_only
def test_two_members_accepting_at_once_accept_once(app: Flask, session: Session) -> None:
    award, member = offered(session)
    results: list[bool] = []
    barrier = threading.Barrier(2)

    def accept() -> None:
        with app.app_context(), writing():
            mine = db.session.get(Award, award.id)
            user = db.session.get(User, member.id)
            barrier.wait()
            results.append(accept_award(db.session, mine, by=user, name="Dave", agreed=True))  # type: ignore[arg-type]
            db.session.commit()

    threads = [threading.Thread(target=accept) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    reread(session)
    assert sorted(results) == [False, True]
    assert session.scalar(select(func.count(MonitoringReport.id))) == 1
    assert sorted(session.scalars(select(OutboxMessage.to))) == sorted([member.email, "grants@localhost"])
