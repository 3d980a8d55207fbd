"""``flask --app portal reminders drafts``."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.models.base import utcnow
from portal.models.outbox import OutboxMessage
from tests.factories import make_application, make_organisation, make_round, make_user


def test_drafts_queues_each_reminder_once(app: Flask, session: Session) -> None:
    member = make_user(session)
    make_application(
        session,
        grant_round=make_round(session, closes_at=utcnow() + timedelta(days=5)),
        organisation=make_organisation(session, members=(member,)),
    )
    session.commit()
    runner = app.test_cli_runner()

    first = runner.invoke(args=["reminders", "drafts"])
    second = runner.invoke(args=["reminders", "drafts"])

    assert first.exit_code == 0, first.output
    assert "Queued 1 draft reminder (email or text)." in first.output
    assert "Queued 0 draft reminders (email or text)." in second.output
    session.expire_all()
    assert session.scalar(select(func.count(OutboxMessage.id))) == 1
