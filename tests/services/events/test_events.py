"""Peer-learning events: places and the waiting list, promotion, cancellation, reminders, attendance, ics."""

from __future__ import annotations

import threading
from datetime import timedelta

import icalendar
import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.errors import DomainError
from portal.extensions import db
from portal.infra.database import writing
from portal.models.audit import AuditEntry
from portal.models.base import utcnow
from portal.models.events import Event, EventAudience, EventStatus, Registration, RegistrationStatus
from portal.models.outbox import OutboxMessage
from portal.models.users import Role, User
from portal.services.events import attendance, audience, registrations, reminders, setup
from portal.services.events.calendar import event_ics
from tests.factories import make_event, make_funded_group, make_organisation, make_registration, make_round, make_user
from tests.fixtures.databases import reread


def booker(session: Session) -> tuple[User, object]:
    user = make_user(session, name="Grace")
    return user, make_funded_group(session, members=(user,))


def test_places_are_booked_then_the_rest_wait_in_order(session: Session) -> None:
    user, group = booker(session)
    event = make_event(session, capacity=2)
    made = registrations.book(
        session,
        event,
        group,
        [
            registrations.Attendee("Ada"),
            registrations.Attendee("Ben", "Step-free access"),
            registrations.Attendee("Cy"),
        ],
        by=user,
    )  # type: ignore[arg-type]
    assert [(r.attendee_name, r.status) for r in made] == [
        ("Ada", RegistrationStatus.BOOKED),
        ("Ben", RegistrationStatus.BOOKED),
        ("Cy", RegistrationStatus.WAITLISTED),
    ]
    assert made[1].access_needs == "Step-free access"
    assert registrations.places_left(session, event) == 0
    message = session.scalars(select(OutboxMessage)).one()
    assert message.to == user.email
    assert "Ada" in message.body
    assert "waiting list" in message.body


def test_a_new_booking_waits_behind_people_already_waiting(session: Session) -> None:
    user, group = booker(session)
    event = make_event(session, capacity=1)
    first = make_registration(session, event=event, user=user, organisation=group, name="Ada")
    make_registration(
        session, event=event, user=user, organisation=group, name="Ben", status=RegistrationStatus.WAITLISTED
    )
    registrations.cancel_registration(session, first, by=user)
    # Ben moved up into the free place; a newcomer now waits.
    (late,) = registrations.book(session, event, group, [registrations.Attendee("Cy")], by=user)  # type: ignore[arg-type]
    assert late.status is RegistrationStatus.WAITLISTED


def test_cancelling_a_place_promotes_the_first_waiter_and_emails_them(session: Session) -> None:
    user, group = booker(session)
    other = make_user(session, name="Hana")
    other_group = make_funded_group(session, members=(other,))
    event = make_event(session, capacity=1)
    place = make_registration(session, event=event, user=user, organisation=group, name="Ada")
    first_waiting = make_registration(
        session, event=event, user=other, organisation=other_group, name="Hana", status=RegistrationStatus.WAITLISTED
    )
    second_waiting = make_registration(
        session, event=event, user=user, organisation=group, name="Ben", status=RegistrationStatus.WAITLISTED
    )
    assert registrations.cancel_registration(session, place, by=user) == 1
    assert place.status is RegistrationStatus.CANCELLED
    assert first_waiting.status is RegistrationStatus.BOOKED
    assert second_waiting.status is RegistrationStatus.WAITLISTED
    (message,) = session.scalars(select(OutboxMessage)).all()
    assert message.to == other.email
    assert "Hana now has a place" in message.body


def test_groups_that_are_not_funded_cannot_book_funded_group_events(session: Session) -> None:
    user = make_user(session)
    group = make_organisation(session, members=(user,))
    event = make_event(session)
    with pytest.raises(DomainError, match="cannot book"):
        registrations.book(session, event, group, [registrations.Attendee("Ada")], by=user)
    assert not audience.can_see(session, event, by=user)
    assert audience.can_see(session, make_event(session, audience=EventAudience.ANYONE), by=None)


def test_round_grantee_events_are_only_for_that_round(session: Session) -> None:
    user = make_user(session)
    mine, theirs = make_round(session), make_round(session)
    make_funded_group(session, members=(user,), grant_round=mine)
    make_funded_group(session, grant_round=theirs)
    event = make_event(session, audience=EventAudience.ROUND_GRANTEES, grant_round=mine)
    other_round = make_event(session, audience=EventAudience.ROUND_GRANTEES, grant_round=theirs)
    assert audience.visible_events(session, user) == [event]
    assert audience.bookable_organisations(session, user, other_round) == []


def test_draft_events_cannot_be_booked_or_seen(session: Session) -> None:
    user, group = booker(session)
    event = make_event(session, status=EventStatus.DRAFT)
    assert not audience.can_see(session, event, by=user)
    with pytest.raises(DomainError, match="no longer taking bookings"):
        registrations.book(session, event, group, [registrations.Attendee("Ada")], by=user)  # type: ignore[arg-type]


def test_more_places_move_people_up(session: Session) -> None:
    user, group = booker(session)
    officer = make_user(session, roles=(Role.OFFICER,))
    event = make_event(session, capacity=1)
    registrations.book(session, event, group, [registrations.Attendee("Ada"), registrations.Attendee("Ben")], by=user)  # type: ignore[arg-type]
    settings = setup.EventSettings(
        title=event.title,
        description="<p>More room</p>",
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        place=event.place,
        online_link="",
        capacity=2,
        audience=event.audience,
    )
    assert setup.update_event(session, event, settings, by=officer) == 1
    with pytest.raises(DomainError, match="2 places are already booked"):
        setup.update_event(session, event, settings.__class__(**{**settings.__dict__, "capacity": 1}), by=officer)


def test_event_descriptions_are_sanitised(session: Session) -> None:
    officer = make_user(session, roles=(Role.OFFICER,))
    start = utcnow() + timedelta(days=3)
    event = setup.create_event(
        session,
        setup.EventSettings(
            title="Fundraising basics",
            description='<p onclick="x()">Hi<script>alert(1)</script> <a href="javascript:alert(1)">go</a></p>',
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            place="Hall",
            online_link="",
            capacity=5,
            audience=EventAudience.ANYONE,
        ),
        by=officer,
    )
    assert event.description_html == "<p>Hi <a>go</a></p>"
    assert event.status is EventStatus.DRAFT


def test_cancelling_an_event_tells_everyone_booked_or_waiting_once(session: Session) -> None:
    user, group = booker(session)
    other = make_user(session)
    officer = make_user(session, roles=(Role.OFFICER,))
    event = make_event(session, capacity=1)
    make_registration(session, event=event, user=user, organisation=group, name="Ada")
    make_registration(
        session, event=event, user=user, organisation=group, name="Ben", status=RegistrationStatus.WAITLISTED
    )
    make_registration(session, event=event, user=other, name="Cy", status=RegistrationStatus.WAITLISTED)
    assert setup.cancel_event(session, event, by=officer) == 2
    assert sorted(m.to for m in session.scalars(select(OutboxMessage))) == sorted([user.email, other.email])
    assert {r.status for r in event.registrations} == {RegistrationStatus.CANCELLED}
    with pytest.raises(DomainError):
        registrations.book(session, event, group, [registrations.Attendee("Dee")], by=user)  # type: ignore[arg-type]


def test_reminders_go_once_however_often_the_job_runs(session: Session) -> None:
    user, group = booker(session)
    soon = make_event(session, starts_in=timedelta(hours=20))
    later = make_event(session, starts_in=timedelta(days=5))
    make_registration(session, event=soon, user=user, organisation=group, name="Ada")
    make_registration(session, event=soon, user=user, organisation=group, name="Ben")
    make_registration(session, event=soon, user=user, name="Waiting", status=RegistrationStatus.WAITLISTED)
    make_registration(session, event=later, user=user, organisation=group, name="Ada")
    session.commit()
    assert reminders.send_event_reminders(session, utcnow()) == 1
    assert reminders.send_event_reminders(session, utcnow()) == 0
    session.commit()
    assert reminders.send_event_reminders(session, utcnow()) == 0
    (message,) = session.scalars(select(OutboxMessage)).all()
    assert message.subject == f"Reminder: {soon.title}"
    assert "Ada, Ben" in message.body


def test_attendance_and_the_reports(session: Session) -> None:
    user, group = booker(session)
    absent_group = make_funded_group(session, name="Allotment friends")
    officer = make_user(session, roles=(Role.OFFICER,))
    event = make_event(session, starts_in=timedelta(hours=1))
    came = make_registration(session, event=event, user=user, organisation=group, name="Ada")
    missed = make_registration(session, event=event, user=user, organisation=group, name="Ben")
    assert attendance.mark_attendance(session, event, {came.id}, by=officer) == 1
    assert (came.status, missed.status) == (RegistrationStatus.ATTENDED, RegistrationStatus.BOOKED)
    (row,) = attendance.groups_attended(session, event)
    assert (row.organisation, row.attended) == (group.name, 1)  # type: ignore[attr-defined]
    assert attendance.funded_groups_not_attended(session) == [absent_group]
    rows = attendance.register_rows(session, event, by=officer)
    assert [r[0] for r in rows] == ["Ada", "Ben"]
    assert session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "event register exported")) == 1


def test_the_calendar_file_parses_and_keeps_the_link_for_bookers_only(app: Flask, session: Session) -> None:
    event = make_event(session, title="Budgets; grants, and you", online_link="https://meet.example.org/abc", place="")
    event.description_html = "<p>Bring a laptop.</p><p>Long line " + "x" * 120 + "</p>"
    for booked in (True, False):
        text = event_ics(
            event, event_url="https://portal.example/events/1", host="portal.example", include_joining_link=booked
        )
        assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
        calendar = icalendar.Calendar.from_ical(text)
        (vevent,) = calendar.walk("VEVENT")
        assert str(vevent["SUMMARY"]) == "Budgets; grants, and you"
        assert vevent.decoded("DTSTART") == event.starts_at
        assert vevent.decoded("DTEND") == event.ends_at
        assert ("https://meet.example.org/abc" in str(vevent["DESCRIPTION"])) is booked
        assert "x" * 120 in str(vevent["DESCRIPTION"])


@pytest.mark.postgres_only
def test_concurrent_bookings_never_exceed_the_places(app: Flask, session: Session) -> None:
    event = make_event(session, capacity=3)
    people = []
    for number in range(6):
        user = make_user(session, name=f"Person {number}")
        people.append((user.id, make_funded_group(session, members=(user,)).id))
    session.commit()
    barrier = threading.Barrier(len(people))
    errors: list[BaseException] = []

    def book(user_id: int, organisation_id: int) -> None:
        try:
            with app.app_context(), writing():
                from portal.models.organisations import Organisation

                user = db.session.get(User, user_id)
                organisation = db.session.get(Organisation, organisation_id)
                mine = db.session.get(Event, event.id)
                barrier.wait()
                registrations.book(
                    db.session, mine, organisation, [registrations.Attendee(f"Guest of {user_id}")], by=user
                )  # type: ignore[arg-type]
                db.session.commit()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=book, args=person) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    reread(session)
    assert errors == []
    rows = session.scalars(
        select(Registration).where(Registration.event_id == event.id).order_by(Registration.id)
    ).all()
    assert len(rows) == 6
    assert sum(r.status is RegistrationStatus.BOOKED for r in rows) == 3
    # Bookings are numbered in the order they got the lock: the first three have the places.
    assert [r.status for r in rows] == [RegistrationStatus.BOOKED] * 3 + [RegistrationStatus.WAITLISTED] * 3


def test_every_event_email_fits_a_title_of_the_longest_length(session: Session) -> None:
    user, group = booker(session)
    other = make_user(session)
    officer = make_user(session, roles=(Role.OFFICER,))
    title = "Peer learning: " + "growing food together " * 9
    event = make_event(session, title=title[:200], capacity=1, starts_in=timedelta(hours=20))
    (place,) = registrations.book(session, event, group, [registrations.Attendee("Ada")], by=user)  # type: ignore[arg-type]
    registrations.book(
        session, event, make_funded_group(session, members=(other,)), [registrations.Attendee("Cy")], by=other
    )  # type: ignore[arg-type]
    reminders.send_event_reminders(session, utcnow())
    registrations.cancel_registration(session, place, by=user)
    setup.cancel_event(session, event, by=officer)
    subjects = [m.subject for m in session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]
    assert [s.split(":")[0] for s in subjects] == [
        "Booked",
        "Waiting list",
        "Reminder",
        "A place has come up",
        "Cancelled",
    ]
    for subject in subjects:
        kept = subject.removesuffix("…")
        start = kept.index(":") + 2
        # Shortened between words, with the ellipsis, within the outbox column.
        assert len(subject) <= 200
        assert kept != subject
        assert event.title.startswith(kept[start:])
        assert event.title[len(kept) - start] == " "
