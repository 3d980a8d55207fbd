"""``flask --app portal reports remind``."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.models.applications import ApplicationStatus
from portal.models.awards import AwardStatus
from portal.models.base import utcnow
from portal.models.outbox import OutboxMessage
from tests.factories import make_application, make_award, make_organisation, make_report, make_round, make_user


def test_remind_queues_each_reminder_once(app: Flask, session: Session) -> None:
    member = make_user(session)
    application = make_application(
        session,
        grant_round=make_round(session),
        organisation=make_organisation(session, members=(member,)),
        status=ApplicationStatus.APPROVED,
    )
    award = make_award(session, application=application, status=AwardStatus.PAID)
    make_report(session, award=award, due_on=(utcnow() + timedelta(days=7)).date())
    session.commit()
    runner = app.test_cli_runner()

    first = runner.invoke(args=["reports", "remind"])
    second = runner.invoke(args=["reports", "remind"])

    assert first.exit_code == 0, first.output
    assert "Queued 1 reminder email." in first.output
    assert "Queued 0 reminder emails." in second.output
    session.expire_all()
    assert session.scalar(select(func.count(OutboxMessage.id))) == 1
