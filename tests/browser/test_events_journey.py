"""Peer-learning events on a phone: a funded group books a place, then an officer marks attendance
at the door; axe-core checks every page and nothing scrolls sideways."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.demo import events as demo_events
from portal.demo import programme as demo
from portal.models.events import Event, Registration, RegistrationStatus
from tests.browser.conftest import PHONE, assert_accessible
from tests.browser.test_smoke import demo_loaded, emailed_code, no_sideways_scroll  # noqa: F401  (fixture)
from tests.factories import make_event
from tests.fixtures.databases import reread

MEMBER = "sam@example.org"  # the demo's funded group


def checked(page: Any) -> None:
    assert_accessible(page)
    no_sideways_scroll(page)


@pytest.mark.usefixtures("demo_loaded")
def test_a_group_books_and_an_officer_marks_attendance(
    live_server: str, new_page: Callable[..., Any], session: Session
) -> None:
    event = make_event(session, title="Telling your story", capacity=5, online_link="https://meet.example.org/story")
    session.commit()

    page = new_page(PHONE)
    page.goto(live_server + "/events")
    checked(page)
    # Signed out, only the event open to anyone is listed.
    assert page.get_by_role("link", name=demo_events.UPCOMING_TITLE).is_visible()
    assert page.get_by_role("link", name="Telling your story").count() == 0

    page.goto(live_server + "/sign-in")
    page.get_by_label("Email address").fill(MEMBER)
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("link", name=re.compile("code", re.IGNORECASE)).first.click()
    page.get_by_label(re.compile("code", re.IGNORECASE)).fill(emailed_code(session, MEMBER))
    page.get_by_role("button", name="Sign in").click()
    checked(page)  # the dashboard, with last month's booking and the new event

    page.goto(live_server + "/events")
    checked(page)
    page.get_by_role("link", name="Telling your story").click()
    checked(page)
    assert "meet.example.org/story" not in page.content()
    page.get_by_role("link", name="Book places").click()
    checked(page)
    page.get_by_role("button", name="Book").click()  # nobody named: an error
    expect(page).to_have_title(re.compile(r"^Error: "))
    checked(page)
    page.locator("#attendees-0-name").fill("Sam Okafor")
    page.locator("#attendees-0-access_needs").fill("A seat near the door")
    page.get_by_role("button", name="Book").click()
    expect(page.locator("body")).to_contain_text("Your places are booked")
    assert "meet.example.org/story" in page.content()
    checked(page)
    page.get_by_role("link", name="Add to your calendar (.ics file)").is_visible()

    # The library, from the dashboard.
    page.goto(live_server + "/events/resources")
    checked(page)

    # At the door: the officer, on a phone.
    officer = new_page(PHONE)
    officer.goto(live_server + "/staff/sign-in")
    officer.get_by_label("Email address").fill("officer@example.org")
    officer.get_by_label("Password").fill(demo.DEMO_STAFF_PASSWORD)
    officer.get_by_role("button", name="Continue").click()
    officer.goto(f"{live_server}/officer/events")
    checked(officer)
    officer.get_by_role("link", name="Telling your story").click()
    checked(officer)
    officer.get_by_role("link", name="Mark attendance").click()
    checked(officer)
    officer.get_by_label(re.compile("Sam Okafor")).check()
    officer.get_by_role("button", name="Save attendance").click()
    assert "Attendance saved: 1 attended." in officer.content()
    checked(officer)
    assert officer.get_by_label(re.compile("Sam Okafor")).is_checked()

    reread(session)
    booked = session.scalars(select(Registration).join(Event).where(Event.title == "Telling your story")).one()
    assert booked.status is RegistrationStatus.ATTENDED
    assert booked.access_needs == "A seat near the door"
    assert event.id == booked.event_id
