"""Reminders before the deadline: a week and a day before the round closes, once each, with what is missing."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.formatting import time_and_date
from portal.models.applications import Application, ApplicationStatus
from portal.models.base import utcnow
from portal.models.organisations import Membership
from portal.models.outbox import Channel, OutboxMessage
from portal.models.users import User
from portal.services.applications import shortlist
from portal.services.applications.deadline_reminders import send_deadline_reminders
from portal.storage import get_storage
from tests.apply.filling import fill_application
from tests.factories import make_application, make_organisation, make_round, make_user
from tests.fixtures.databases import reread

ALL_SECTIONS = ["About your group", "Your idea", "Who will benefit", "Budget", "Documents and photos", "Declarations"]


def draft(session: Session, *, closes_in: timedelta, status: ApplicationStatus | None = None) -> Application:
    now = utcnow()
    member = make_user(session, name="Amina Yusuf", email="amina@example.org")
    group = make_organisation(session, name="Oxhey Allotment Friends", members=(member,))
    grant_round = make_round(
        session, title="Spring small grants", opens_at=now - timedelta(days=30), closes_at=now + closes_in
    )
    return make_application(session, grant_round=grant_round, organisation=group, status=status)


def messages(session: Session) -> list[OutboxMessage]:
    session.flush()
    return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def later(hours: float) -> datetime:
    return utcnow() + timedelta(hours=hours)


def test_a_week_before_the_group_is_reminded_once_with_every_missing_section(app: object, session: Session) -> None:
    application = draft(session, closes_in=timedelta(days=6))

    first = send_deadline_reminders(session, utcnow())
    again = send_deadline_reminders(session, later(1))

    [email] = messages(session)
    assert (first, again) == (1, 0)
    assert (email.channel, email.to) == (Channel.EMAIL, "amina@example.org")
    assert email.subject == "Spring small grants closes in a week: your application is not sent yet"
    assert "Oxhey Allotment Friends's application to Spring small grants has not been sent yet" in email.body
    for section in ALL_SECTIONS:
        assert f"- {section}\n" in email.body
    assert f"/applications/{application.id}" in email.body


@pytest.mark.parametrize(
    ("closes_in", "subject"),
    [
        (timedelta(days=6), "Nabór Spring small grants zamyka się za tydzień: Twój wniosek nie został jeszcze wysłany"),
        (timedelta(hours=20), "Nabór Spring small grants zamyka się jutro: Twój wniosek nie został jeszcze wysłany"),
    ],
)
def test_a_member_reading_polish_is_reminded_in_polish(
    app: object, session: Session, closes_in: timedelta, subject: str
) -> None:
    draft(session, closes_in=closes_in)
    session.scalars(select(User).where(User.email == "amina@example.org")).one().language = "pl"

    send_deadline_reminders(session, utcnow())

    [email] = messages(session)
    assert email.subject == subject
    assert "has not been sent yet" not in email.body


def test_a_day_before_the_day_reminder_goes_once_and_the_week_one_never_after_it(app: object, session: Session) -> None:
    application = draft(session, closes_in=timedelta(days=6, hours=12))
    session.commit()
    last_saved = application.updated_at
    assert send_deadline_reminders(session, utcnow()) == 1  # the week's
    assert send_deadline_reminders(session, later(24 * 5 + 14)) == 1  # within the last day
    assert send_deadline_reminders(session, later(24 * 6)) == 0

    subjects = [message.subject for message in messages(session)]
    assert subjects == [
        "Spring small grants closes in a week: your application is not sent yet",
        "Spring small grants closes tomorrow: your application is not sent yet",
    ]
    session.commit()
    reread(session)
    fresh = session.get(Application, application.id)
    assert fresh is not None
    assert fresh.version == 1  # a reminder is not an edit: nobody's open form goes stale
    assert fresh.updated_at == last_saved


def test_first_seen_within_a_day_only_the_day_reminder_goes(app: object, session: Session) -> None:
    draft(session, closes_in=timedelta(hours=20))
    assert send_deadline_reminders(session, utcnow()) == 1
    assert send_deadline_reminders(session, later(2)) == 0
    assert [m.subject.split(" closes ")[1][:8] for m in messages(session)] == ["tomorrow"]


@pytest.mark.parametrize(
    ("closes_in", "status"),
    [
        (timedelta(days=6), ApplicationStatus.SUBMITTED),  # already sent
        (timedelta(days=6), ApplicationStatus.WITHDRAWN),
        (timedelta(hours=-1), None),  # the round has closed
        (timedelta(days=10), None),  # too early
    ],
)
def test_no_reminder_for_sent_applications_closed_rounds_or_far_deadlines(
    app: object, session: Session, closes_in: timedelta, status: ApplicationStatus | None
) -> None:
    draft(session, closes_in=closes_in, status=status)
    assert send_deadline_reminders(session, utcnow()) == 0
    assert messages(session) == []


def test_nothing_goes_once_the_round_has_closed_even_if_never_reminded(app: object, session: Session) -> None:
    draft(session, closes_in=timedelta(hours=3))
    assert send_deadline_reminders(session, later(4)) == 0


def test_a_finished_draft_is_told_to_check_and_send(app: object, session: Session) -> None:
    application = draft(session, closes_in=timedelta(days=3))
    fill_application(session, get_storage(), application, except_section="budget")
    send_deadline_reminders(session, utcnow())
    [email] = messages(session)
    assert "Still to do:\n- Budget\n" in email.body
    for section in ALL_SECTIONS:
        if section != "Budget":
            assert f"- {section}\n" not in email.body


def test_a_member_who_chose_texts_gets_a_text_with_the_round_date_and_missing_sections(
    app: object, session: Session
) -> None:
    application = draft(session, closes_in=timedelta(days=3))
    emailed = make_user(session, email="treasurer@example.org")
    application.organisation.memberships[0].user.phone = "+447700900123"
    application.organisation.memberships[0].user.contact_by_text = True
    application.organisation.memberships.append(Membership(user=emailed))
    session.flush()

    assert send_deadline_reminders(session, utcnow()) == 2

    by_channel = {message.channel: message for message in messages(session)}
    text = by_channel[Channel.TEXT]
    assert text.to == "+447700900123"
    assert text.body.startswith("Anchor Offer grants: your application to Spring small grants is not sent yet.")
    assert "Still to do: About your group, Your idea, Who will benefit, Budget" in text.body
    assert "Oxhey Allotment Friends" not in text.body  # no more than needed: not even the group's name
    assert "Amina" not in text.body
    assert by_channel[Channel.EMAIL].to == "treasurer@example.org"


def test_deactivated_members_get_nothing(app: object, session: Session) -> None:
    application = draft(session, closes_in=timedelta(days=3))
    member = session.get(User, application.organisation.memberships[0].user_id)
    assert member is not None
    member.active = False
    session.flush()
    assert send_deadline_reminders(session, utcnow()) == 0


def test_an_invited_group_is_reminded_again_before_full_applications_close(
    app: object, session: Session, officer: User
) -> None:
    application = draft(session, closes_in=timedelta(days=3), status=ApplicationStatus.EOI_SUBMITTED)
    application.reference = "AO-TEST-0001"
    grant_round = application.round
    grant_round.two_stages = True
    grant_round.full_applications_close_at = grant_round.closes_at + timedelta(weeks=6)
    application.week_reminder_sent_at = application.day_reminder_sent_at = utcnow()  # from the first stage
    session.flush()

    shortlist.invite(session, application, by=officer)

    assert (application.week_reminder_sent_at, application.day_reminder_sent_at) == (None, None)
    assert send_deadline_reminders(session, utcnow()) == 0  # the first stage's deadline is not this draft's
    full_close = grant_round.full_applications_close_at
    assert send_deadline_reminders(session, full_close - timedelta(days=3)) == 1
    reminder = messages(session)[-1]
    assert reminder.subject.endswith("closes in a week: your application is not sent yet")
    assert time_and_date(full_close) in reminder.body
