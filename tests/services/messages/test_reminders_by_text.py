"""Report and event reminders go by text to people who chose texts, holding no more than the email."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models.applications import ApplicationStatus
from portal.models.awards import AwardStatus
from portal.models.base import utcnow
from portal.models.outbox import Channel, OutboxMessage
from portal.models.users import User
from portal.services.awards.reports import send_report_reminders
from portal.services.events.reminders import send_event_reminders
from tests.factories import (
    make_application,
    make_award,
    make_event,
    make_funded_group,
    make_organisation,
    make_registration,
    make_report,
    make_round,
    make_user,
)

MOBILE = "+447700900123"


def texting(session: Session, email: str) -> User:
    user = make_user(session, email=email, name="Amina Yusuf")
    user.phone, user.contact_by_text = MOBILE, True
    return user


def queued(session: Session) -> list[OutboxMessage]:
    session.flush()
    return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


@pytest.mark.parametrize(("due_in", "opening"), [(7, "is due by"), (-1, "and is late")])
def test_report_reminders_go_by_text_to_those_who_chose_it(
    app: object, session: Session, due_in: int, opening: str
) -> None:
    texter, emailer = texting(session, "amina@example.org"), make_user(session, email="treasurer@example.org")
    group = make_organisation(session, name="Oxhey Allotment Friends", members=(texter, emailer))
    application = make_application(
        session, grant_round=make_round(session), organisation=group, status=ApplicationStatus.APPROVED
    )
    award = make_award(session, application=application, status=AwardStatus.PAID)
    report = make_report(session, award=award, due_on=date.today() + timedelta(days=due_in))

    assert send_report_reminders(session, date.today()) == 2

    by_channel = {message.channel: message for message in queued(session)}
    text = by_channel[Channel.TEXT]
    assert text.to == MOBILE
    assert opening in text.body
    assert application.reference is not None
    assert application.reference in text.body
    assert f"/awards/{award.id}/reports/{report.id}" in text.body
    for personal in ("Oxhey Allotment Friends", "Amina", "treasurer@example.org"):
        assert personal not in text.body
    assert by_channel[Channel.EMAIL].to == "treasurer@example.org"
    assert send_report_reminders(session, date.today()) == 0  # still once each


def test_event_reminders_go_by_text_to_those_who_chose_it(app: object, session: Session) -> None:
    texter = texting(session, "amina@example.org")
    group = make_funded_group(session, members=(texter,), name="Oxhey Allotment Friends")
    event = make_event(session, title="Writing a budget", starts_in=timedelta(hours=20))
    make_registration(session, event=event, user=texter, organisation=group, name="Sam Attendee")
    make_registration(session, event=event, user=texter, organisation=group, name="Jo Attendee")

    assert send_event_reminders(session, utcnow()) == 1

    [text] = queued(session)
    assert (text.channel, text.to) == (Channel.TEXT, MOBILE)
    assert "a reminder that Writing a budget is at" in text.body
    assert "Places booked: 2." in text.body
    for personal in ("Sam Attendee", "Jo Attendee", "Oxhey Allotment Friends", "Community hall"):
        assert personal not in text.body
    assert send_event_reminders(session, utcnow()) == 0
