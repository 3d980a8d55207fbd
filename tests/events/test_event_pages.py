"""Event pages: who sees what, booking through the form, the calendar file, officers' pages, the reminder job."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

import icalendar
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.models.audit import AuditEntry
from portal.models.events import EventAudience, EventStatus, Registration, RegistrationStatus
from portal.models.outbox import OutboxMessage
from portal.models.users import Role
from tests.factories import make_event, make_funded_group, make_registration, make_resource, make_user
from tests.fixtures.databases import reread
from tests.fixtures.pages import error_summary_problems, page_text

LINK = "https://meet.example.org/room-42"


def test_the_public_list_shows_only_events_for_anyone(client: FlaskClient, session: Session) -> None:
    make_event(session, title="Open coffee morning", audience=EventAudience.ANYONE)
    make_event(session, title="Grantees only workshop")
    make_event(session, title="Not ready yet", status=EventStatus.DRAFT, audience=EventAudience.ANYONE)
    session.commit()
    text = page_text(client.get("/events"))
    assert "Open coffee morning" in text
    assert "Grantees only workshop" not in text
    assert "Not ready yet" not in text


def test_the_joining_link_is_only_for_people_who_booked(client: FlaskClient, session: Session, sign_in_as: Any) -> None:
    booker, other = make_user(session), make_user(session)
    group = make_funded_group(session, members=(booker,))
    make_funded_group(session, members=(other,))
    event = make_event(session, online_link=LINK, place="")
    make_registration(session, event=event, user=booker, organisation=group)
    session.commit()

    sign_in_as(client, other)
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    ics = client.get(f"/events/{event.id}/calendar.ics").get_data(as_text=True)
    assert LINK not in page
    assert LINK not in ics

    sign_in_as(client, booker)
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    response = client.get(f"/events/{event.id}/calendar.ics")
    assert LINK in page
    assert response.mimetype == "text/calendar"
    assert response.headers["Content-Disposition"].startswith("attachment")
    (vevent,) = icalendar.Calendar.from_ical(response.get_data(as_text=True)).walk("VEVENT")
    assert LINK in str(vevent["DESCRIPTION"])


def test_booking_through_the_form_and_cancelling(client: FlaskClient, session: Session, sign_in_as: Any) -> None:
    booker = make_user(session)
    group = make_funded_group(session, members=(booker,), name="Riverside Stitchers")
    event = make_event(session, capacity=1)
    session.commit()
    sign_in_as(client, booker)

    response = client.post(
        f"/events/{event.id}/book",
        data={
            "organisation": str(group.id),
            "attendees-0-name": "Ada",
            "attendees-0-access_needs": "Step-free access",
            "attendees-1-name": "Ben",
        },
    )
    assert response.status_code == 302
    page = page_text(client.get(response.headers["Location"]))
    assert "Ada" in page
    assert "Waiting list" in page
    reread(session)
    ada, ben = session.scalars(select(Registration).order_by(Registration.id)).all()
    assert (ada.status, ben.status) == (RegistrationStatus.BOOKED, RegistrationStatus.WAITLISTED)
    assert ada.access_needs == "Step-free access"

    assert client.post(f"/events/registrations/{ada.id}/cancel").status_code == 302
    reread(session)
    assert session.get(Registration, ben.id).status is RegistrationStatus.BOOKED  # type: ignore[union-attr]
    dashboard = page_text(client.get("/dashboard"))
    assert event.title in dashboard
    assert "Ben" in dashboard


def test_booking_without_a_name_marks_the_name_field(client: FlaskClient, session: Session, sign_in_as: Any) -> None:
    booker = make_user(session)
    group = make_funded_group(session, members=(booker,))
    event = make_event(session)
    session.commit()
    sign_in_as(client, booker)

    response = client.post(
        f"/events/{event.id}/book",
        data={"organisation": str(group.id), "attendees-0-access_needs": "A hearing loop"},
    )

    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert '<a href="#attendees-0-name">Enter the name of at least one person coming</a>' in body
    assert 'id="attendees-0-name-error"' in body
    assert error_summary_problems(body) == []
    assert "A hearing loop</textarea>" in body  # what was typed is still there
    reread(session)
    assert session.scalar(select(func.count(Registration.id))) == 0


def test_another_group_cannot_cancel_a_booking(client: FlaskClient, session: Session, sign_in_as: Any) -> None:
    booker, other = make_user(session), make_user(session)
    group = make_funded_group(session, members=(booker,))
    make_funded_group(session, members=(other,))
    event = make_event(session)
    registration = make_registration(session, event=event, user=booker, organisation=group)
    session.commit()
    sign_in_as(client, other)
    assert client.post(f"/events/registrations/{registration.id}/cancel").status_code == 404
    assert "Sam Attendee" not in page_text(client.get(f"/events/{event.id}"))
    reread(session)
    assert session.get(Registration, registration.id).status is RegistrationStatus.BOOKED  # type: ignore[union-attr]


def test_officer_sets_up_publishes_and_marks_attendance(client: FlaskClient, session: Session, sign_in_as: Any) -> None:
    officer = make_user(session, roles=(Role.OFFICER,))
    booker = make_user(session)
    group = make_funded_group(session, members=(booker,), name="=Formula Group")
    session.commit()
    sign_in_as(client, officer)
    response = client.post(
        "/officer/events/new",
        data={
            "title": "Telling your story",
            "description": '<p>Bring photos<img src=x onerror="alert(1)"></p>',
            "starts_at": "2031-03-04T10:00",
            "ends_at": "2031-03-04T12:00",
            "place": "Oxhey Hall",
            "capacity": "12",
            "audience": "funded_groups",
            "round_id": "",
        },
    )
    assert response.status_code == 302, page_text(response)
    event_url = response.headers["Location"]
    event_id = int(event_url.rsplit("/", 1)[1])
    assert client.post(f"/officer/events/{event_id}/publish").status_code == 302
    reread(session)
    from portal.models.events import Event

    event = session.get(Event, event_id)
    assert event is not None
    assert event.status is EventStatus.PUBLISHED
    assert event.description_html == "<p>Bring photos</p>"
    came = make_registration(session, event=event, user=booker, organisation=group, name="Ada")
    make_registration(session, event=event, user=booker, organisation=group, name="Ben")
    session.commit()

    page = client.get(f"/officer/events/{event_id}/attendance").get_data(as_text=True)
    assert 'type="checkbox"' in page
    assert "<script" not in page
    assert client.post(f"/officer/events/{event_id}/attendance", data={"attended": [str(came.id)]}).status_code == 302
    reread(session)
    assert session.get(Registration, came.id).status is RegistrationStatus.ATTENDED  # type: ignore[union-attr]
    assert "=Formula Group" in page_text(client.get(event_url))

    register = client.get(f"/officer/events/{event_id}/register.csv")
    rows = list(csv.reader(io.StringIO(register.get_data(as_text=True))))
    assert rows[0][0] == "Name"
    assert [r[3] for r in rows[1:]] == ["Attended", "Booked"]
    assert rows[1][1] == "'=Formula Group"
    reread(session)
    assert session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "event register exported")) == 1


def test_officer_adds_a_link_to_the_library_that_groups_can_see(
    client: FlaskClient, session: Session, sign_in_as: Any
) -> None:
    officer, member = make_user(session, roles=(Role.OFFICER,)), make_user(session)
    session.commit()
    sign_in_as(client, officer)
    response = client.post("/officer/resources", data={"title": "Model constitution", "link": "javascript:alert(1)"})
    assert response.status_code == 400
    assert "starts with https://" in page_text(response)
    response = client.post(
        "/officer/resources", data={"title": "Model constitution", "link": "https://example.org/constitution"}
    )
    assert response.status_code == 302
    sign_in_as(client, member)
    assert "Model constitution" in page_text(client.get("/events/resources"))
    assert "Model constitution" in page_text(client.get("/dashboard"))


def test_the_reminder_job_sends_each_reminder_once(app: Flask, session: Session) -> None:
    booker = make_user(session)
    group = make_funded_group(session, members=(booker,))
    event = make_event(session, starts_in=timedelta(hours=18))
    make_registration(session, event=event, user=booker, organisation=group)
    session.commit()
    runner = app.test_cli_runner()
    first = runner.invoke(args=["events", "remind"])
    second = runner.invoke(args=["events", "remind"])
    assert first.exit_code == 0, first.output
    assert "Queued 1 event reminder email." in first.output
    assert "Queued 0 event reminder emails." in second.output
    reread(session)
    assert session.scalar(select(func.count(OutboxMessage.id))) == 1


def test_an_event_that_has_started_takes_no_bookings(client: FlaskClient, session: Session, sign_in_as: Any) -> None:
    booker = make_user(session)
    make_funded_group(session, members=(booker,))
    event = make_event(session, starts_in=-timedelta(minutes=30))
    session.commit()
    sign_in_as(client, booker)
    assert "Book places" not in page_text(client.get(f"/events/{event.id}"))
    assert client.get(f"/events/{event.id}/book").status_code == 404


def test_the_dashboard_lists_new_resources_from_the_library_and_the_groups_events(
    client: FlaskClient, session: Session, sign_in_as: Any
) -> None:
    officer, booker = make_user(session, roles=(Role.OFFICER,)), make_user(session)
    group = make_funded_group(session, members=(booker,))
    booked, other = make_event(session), make_event(session)
    make_registration(session, event=booked, user=booker, organisation=group)
    make_resource(session, None, added_by=officer, title="Budget template")
    make_resource(session, None, added_by=officer, title="Slides from our event", event=booked)
    make_resource(session, None, added_by=officer, title="Notes from another event", event=other)
    session.commit()
    sign_in_as(client, booker)
    text = page_text(client.get("/dashboard"))
    assert "Budget template" in text
    assert "Slides from our event" in text
    assert "Notes from another event" not in text


def test_an_event_title_is_one_line(client: FlaskClient, session: Session, sign_in_as: Any) -> None:
    officer = make_user(session, roles=(Role.OFFICER,))
    session.commit()
    sign_in_as(client, officer)
    form = {
        "title": "Telling your story\nBcc: someone@example.org",
        "starts_at": "2031-03-04T10:00",
        "ends_at": "2031-03-04T12:00",
        "capacity": "12",
        "audience": "funded_groups",
    }
    response = client.post("/officer/events/new", data=form)
    assert response.status_code == 200
    assert "Enter the title on one line, without line breaks or hidden characters" in page_text(response)
    assert error_summary_problems(response.get_data(as_text=True)) == []
    assert session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "event created")) == 0
