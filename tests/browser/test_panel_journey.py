"""A panel member's journey on a phone-sized screen, checked by axe-core on every page:
the invitation, onboarding, a conflict declaration, scoring, confirming and the results."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models.applications import Application
from portal.models.organisations import Organisation
from portal.models.outbox import OutboxMessage
from portal.models.panels import Panel
from portal.models.users import User
from portal.services.panels import membership
from tests.browser.conftest import PHONE, assert_accessible
from tests.browser.test_smoke import demo_loaded, emailed_code, no_sideways_scroll  # noqa: F401  (fixture)
from tests.fixtures.databases import reread


def checked(page: Any) -> None:
    assert_accessible(page)
    no_sideways_scroll(page)


def sign_in(page: Any, session: Session, start: str, email: str) -> None:
    page.goto(start)
    page.get_by_label("Email address").fill(email)
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("link", name=re.compile("code", re.IGNORECASE)).first.click()
    page.get_by_label(re.compile("code", re.IGNORECASE)).fill(emailed_code(session, email))
    page.get_by_role("button", name="Sign in").click()


@pytest.mark.usefixtures("demo_loaded")
def test_invitation_onboarding_conflict_scoring_and_results(
    live_server: str, new_page: Callable[..., Any], session: Session
) -> None:
    panel = session.scalars(select(Panel).where(Panel.name == "Community grants panel")).one()
    officer = session.scalars(select(User).where(User.email == "officer@example.org")).one()
    # The new member replaces one of the demo panel, who drops out before starting.
    tom = next(m for m in panel.members if m.user.email == "tom@example.org")
    membership.invite_member(session, panel, by=officer, email="nadia@example.org", name="Nadia")
    session.flush()
    membership.leave_panel(session, tom, by=officer)
    session.commit()
    reread(session)
    invitation = session.scalars(select(OutboxMessage).where(OutboxMessage.to == "nadia@example.org")).one()
    link = re.search(r"http://\S+", invitation.body).group(0)  # type: ignore[union-attr]
    path = link.split("5000", 1)[-1] if "5000" in link else link[link.index("/", 8) :]

    # Ravi knows the group: he says so, and the application goes to the new member.
    ravi = new_page(PHONE)
    sign_in(ravi, session, live_server + "/sign-in?next=/panel/", "ravi@example.org")
    # He read the guide and scored earlier applications in the demo; the café's is still to start.
    cafe = session.scalars(
        select(Application).join(Organisation).where(Organisation.name == "Grovehill Chatterbox Café")
    ).one()
    ravi.get_by_role("link", name=cafe.reference).click()
    assert "Before you read this application" in ravi.content()
    checked(ravi)
    ravi.get_by_label(re.compile("^Yes")).check()
    ravi.get_by_label(re.compile("tell us briefly")).fill("My neighbour runs the café")
    ravi.get_by_role("button", name="Continue").click()
    assert "given to another panel member" in ravi.content()
    checked(ravi)

    # Nadia follows her invitation, reads the guide, and scores.
    nadia = new_page(PHONE)
    sign_in(nadia, session, live_server + path, "nadia@example.org")
    assert nadia.get_by_role("heading", level=1).inner_text() == "Welcome to the panel"
    checked(nadia)
    nadia.get_by_role("button", name=re.compile("I agree")).click()  # nothing ticked: an error state
    assert nadia.title().startswith("Error: ")
    checked(nadia)
    nadia.get_by_label("No, I will volunteer my time").check()
    nadia.get_by_label(re.compile("keep applications confidential")).check()
    nadia.get_by_role("button", name=re.compile("I agree")).click()
    checked(nadia)
    nadia.get_by_role("link", name=re.compile(r"AO-\d{4}-\d{4}")).first.click()
    nadia.get_by_label(re.compile("^No, I do not know")).check()
    nadia.get_by_role("button", name="Continue").click()
    checked(nadia)
    for group in nadia.locator("fieldset").all():
        radios = group.get_by_role("radio").all()
        if len(radios) == 5:
            radios[3].check()
    nadia.get_by_label("Fund", exact=True).check()
    assert nadia.get_by_role("link", name="I have a conflict of interest with this group").is_visible()
    nadia.get_by_role("button", name="Submit your review").click()
    assert nadia.get_by_role("heading", level=1).inner_text() == "Check your review before you submit it"
    checked(nadia)
    nadia.get_by_role("button", name="Yes, submit my review").click()
    assert "Your review (submitted)" in nadia.content()
    checked(nadia)

    nadia.goto(live_server + "/panel/")
    nadia.get_by_role("link", name=re.compile("Results of the")).click()
    assert "Before you see the panel" in nadia.get_by_role("heading", level=1).inner_text()
    checked(nadia)
    nadia.get_by_role("button", name=re.compile("Show me the panel")).click()
    assert "Panel results" in nadia.get_by_role("heading", level=1).inner_text()
    # The singing group's application was reviewed on this panel and its reviewing closed short.
    assert "Reviewing closed with 1 of 3 reviews" in nadia.content()
    checked(nadia)
    nadia.goto(live_server + "/panel/time")
    checked(nadia)
