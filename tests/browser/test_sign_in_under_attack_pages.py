"""The sign-in pages as a person sees them while their address is hammered, and the staff sign-in a
weaker session is sent to, checked by axe-core at phone and laptop widths (states ``test_every_page``
cannot reach: they need rate limits on)."""

from __future__ import annotations

import re
from typing import Any

import pyotp
import pytest
from flask import Flask
from playwright.sync_api import expect
from sqlalchemy.orm import Session

from portal.infra.rate_limits import CODES_PER_ADDRESS, PASSWORDS_PER_ADDRESS
from portal.models.users import Role, SignInMethod
from tests.browser.test_every_page import check_at_every_width, submit
from tests.browser.test_pages_part_way import STAFF_PASSWORD
from tests.conftest import CsrfClient
from tests.factories import make_user

EMAIL = "hammered@example.org"
OFFICER = "hammered.officer@example.org"


@pytest.fixture
def config_overrides() -> dict[str, Any]:
    return {"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://"}


def from_ip(number: int) -> dict[str, Any]:
    return {"environ_base": {"REMOTE_ADDR": f"10.{number // 250}.{number % 250}.9"}}


def hammer(app: Flask, path: str, data: dict[str, str], count: int) -> None:
    app.test_client_class = CsrfClient
    stranger = app.test_client()
    for number in range(count):
        assert stranger.post(path, data=data, **from_ip(number)).status_code < 400


def test_hammered_sign_in_pages_have_no_accessibility_findings(
    app: Flask, live_server: str, new_page: Any, session: Session
) -> None:
    make_user(session, email=EMAIL)
    make_user(session, email=OFFICER, roles=(Role.OFFICER,), password=STAFF_PASSWORD, totp_secret=pyotp.random_base32())
    session.commit()
    hammer(app, "/sign-in", {"email": EMAIL}, int(CODES_PER_ADDRESS.split()[0]))
    hammer(app, "/staff/sign-in", {"email": OFFICER, "password": "a guess"}, int(PASSWORDS_PER_ADDRESS.split()[0]))
    found: list[str] = []

    page = new_page()
    page.goto(live_server + "/sign-in")
    page.get_by_label("Email address").fill(EMAIL)
    submit(page, "Continue")
    assert "no code this time" in page.content()
    check_at_every_width(page, found)

    page = new_page()
    page.goto(live_server + "/staff/sign-in")
    page.get_by_label("Email address").fill(OFFICER)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    submit(page, "Continue")
    assert page.get_by_label("Code from your authenticator app").is_visible()
    check_at_every_width(page, found)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_label("Code from your authenticator app").fill("000000")
    submit(page, "Sign in")
    expect(page).to_have_title(re.compile(r"^Error: "))
    check_at_every_width(page, found)
    assert found == [], "\n".join(found)


def test_the_step_up_message_has_no_accessibility_findings(
    app: Flask, live_server: str, new_page: Any, session: Session, sign_in_as: Any
) -> None:
    officer = make_user(session, email=OFFICER, roles=(Role.OFFICER,), password=STAFF_PASSWORD)
    session.commit()
    client = app.test_client()
    sign_in_as(client, officer, SignInMethod.EMAIL)
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    assert cookie is not None
    page = new_page()
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server}])
    found: list[str] = []

    page.goto(live_server + "/officer/")

    assert "/staff/sign-in" in page.url
    assert "To use the staff pages, sign in" in page.content()
    check_at_every_width(page, found)
    assert found == [], "\n".join(found)
