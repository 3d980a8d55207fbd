"""Decisions on reports taken at the same moment on PostgreSQL: a report is accepted once, and two officers
accepting an award's last two reports together still close it."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.errors import DomainError
from portal.extensions import db
from portal.infra.database import writing
from portal.models.audit import AuditAction, AuditEntry
from portal.models.awards import AwardStatus, MonitoringReport, Payment
from portal.models.base import utcnow
from portal.models.users import User
from portal.services.awards import report_reviews
from portal.services.awards.acceptance import accept_award
from portal.services.awards.report_schedules import ReportSettings, add_award_report
from tests.factories import make_round, make_user
from tests.fixtures.databases import reread
from tests.services.awards.test_report_reviews import send
from tests.services.awards.test_report_schedules import offer

pytestmark = pytest.mark.postgres_only


def at_once(app: Flask, officers: list[User], reports: list[MonitoringReport]) -> list[str]:
    """Each officer accepts their report in a thread of their own, all released together."""
    outcomes: list[str] = []
    barrier = threading.Barrier(len(officers))

    def accept(officer_id: int, report_id: int) -> Callable[[], None]:
        def run() -> None:
            with app.app_context(), writing():
                officer, report = db.session.get(User, officer_id), db.session.get(MonitoringReport, report_id)
                assert officer is not None
                assert report is not None
                barrier.wait()
                try:
                    report_reviews.accept_report(db.session, report, by=officer, seen=1)
                except DomainError:
                    db.session.rollback()
                    outcomes.append("refused")
                else:
                    db.session.commit()
                    outcomes.append("accepted")

        return run

    threads = [threading.Thread(target=accept(o.id, r.id)) for o, r in zip(officers, reports, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)


def test_two_officers_accepting_one_report_accept_it_once(app: Flask, session: Session, officer: User) -> None:
    award, member = offer(session, officer, make_round(session))
    accept_award(session, award, by=member, name="Ann Lee", agreed=True)
    [report] = award.reports
    send(session, report, member)
    other = make_user(session, name="Second Officer", roles=officer.roles)
    session.commit()

    assert at_once(app, [officer, other], [report, report]) == ["accepted", "refused"]

    accepted = session.scalar(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.action == AuditAction.REPORT_ACCEPTED)
    )
    assert accepted == 1


def test_accepting_the_last_two_reports_at_once_closes_the_award(app: Flask, session: Session, officer: User) -> None:
    award, member = offer(session, officer, make_round(session))
    add_award_report(session, award, ReportSettings(title="Halfway report", months_after=6), by=officer)
    accept_award(session, award, by=member, name="Ann Lee", agreed=True)
    award.payments = [Payment(amount_pence=award.amount_pence, due_on=date(2027, 1, 1), paid_at=utcnow())]
    award.status = AwardStatus.PAID
    for report in award.reports:
        send(session, report, member)
    other = make_user(session, name="Second Officer", roles=officer.roles)
    session.commit()

    assert at_once(app, [officer, other], list(award.reports)) == ["accepted", "accepted"]

    reread(session)
    assert award.status is AwardStatus.CLOSED
