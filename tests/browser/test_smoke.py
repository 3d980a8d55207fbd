"""A first walk through the portal in Chromium: the public pages and the
demo applicant signing in with the emailed code, checked by axe-core at
phone and laptop widths."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.demo import programme as demo
from portal.models.outbox import OutboxMessage
from portal.services.messages.outbox import body_to_send
from tests.browser.conftest import LAPTOP, PHONE, assert_accessible
from tests.fixtures.databases import reread

APPLICANT = "amina@example.org"


@pytest.fixture
def demo_loaded(session: Session) -> None:
    demo.load(session)
    session.commit()


def emailed_code(session: Session, to: str) -> str:
    reread(session)
    message = session.scalars(
        select(OutboxMessage).where(OutboxMessage.to == to).order_by(OutboxMessage.id.desc())
    ).first()
    assert message is not None, f"no email to {to}"
    body = body_to_send(message)  # the stored body holds a placeholder for the code
    found = re.search(r"\b(\d{6})\b", body)
    assert found, body
    return found.group(1)


def no_sideways_scroll(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), page.url


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["390px", "1280px"])
def test_public_pages_are_accessible(
    live_server: str, new_page: Callable[..., Any], demo_loaded: None, viewport: dict[str, int]
) -> None:
    page = new_page(viewport)
    page.goto(live_server + "/")
    assert page.get_by_role("heading", level=1).is_visible()
    assert page.get_by_role("link", name=re.compile("Community grants 2026")).is_visible()
    assert_accessible(page)
    no_sideways_scroll(page)

    page.get_by_role("link", name=re.compile("Community grants 2026")).click()
    assert page.get_by_role("heading", level=1).inner_text() == "Community grants 2026"
    assert_accessible(page)
    no_sideways_scroll(page)

    page.goto(live_server + "/sign-in")
    assert_accessible(page)
    no_sideways_scroll(page)

    # The error state is a page too.
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    assert page.get_by_role("alert").is_visible()
    assert_accessible(page)


def test_demo_applicant_signs_in_with_the_emailed_code(
    live_server: str, new_page: Callable[..., Any], demo_loaded: None, session: Session
) -> None:
    page = new_page(PHONE)
    page.goto(live_server + "/sign-in")
    page.get_by_label("Email address").fill(APPLICANT)
    page.get_by_role("button", name="Continue").click()

    assert "Check your email" in page.get_by_role("heading", level=1).inner_text()
    assert_accessible(page)

    page.get_by_role("link", name=re.compile("code", re.IGNORECASE)).first.click()
    page.get_by_label(re.compile("code", re.IGNORECASE)).fill(emailed_code(session, APPLICANT))
    page.get_by_role("button", name="Sign in").click()

    assert page.url == live_server + "/dashboard"
    assert page.get_by_text("Oxhey Pantry Volunteers").first.is_visible()
    assert page.get_by_role("button", name="Sign out").is_visible()
    assert_accessible(page)
    no_sideways_scroll(page)

    page.get_by_role("button", name="Sign out").click()
    assert page.get_by_role("link", name="Sign in").first.is_visible()
