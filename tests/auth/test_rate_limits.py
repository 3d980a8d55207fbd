"""Sign-in attempts are limited per address and IP together, and per IP, without letting anyone
shut a person out; beyond a limit per address alone, only what nobody can guess signs in."""

from __future__ import annotations

from typing import Any

import pyotp
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.infra.rate_limits import (
    CODES_PER_STAFF_USER,
    EMAILS_PER_ADDRESS_AND_IP,
    PASSWORDS_PER_ADDRESS_AND_IP,
    SIGN_IN_PER_IP,
)
from portal.models.outbox import OutboxMessage
from portal.models.users import Role, User
from tests.auth.helpers import ask_for_code, code_in, latest_email, page_text, reread
from tests.conftest import another_browser
from tests.factories import make_user

PASSWORD = "river otter lantern"


@pytest.fixture
def config_overrides() -> dict[str, Any]:
    return {"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://"}


def allowed(limit: str) -> int:
    return int(limit.split()[0])


def from_ip(address: str) -> dict[str, Any]:
    return {"environ_base": {"REMOTE_ADDR": address}}


def test_sign_in_emails_are_limited_per_address_and_ip(client: FlaskClient, session: Session) -> None:
    for _ in range(allowed(EMAILS_PER_ADDRESS_AND_IP)):
        assert ask_for_code(client, "amina@example.org", **from_ip("10.0.0.1")).status_code == 302

    limited = ask_for_code(client, "AMINA@example.org ", **from_ip("10.0.0.1"))

    assert limited.status_code == 429
    assert "Too many attempts" in page_text(limited)
    assert "Wait a few minutes" in page_text(limited)
    reread(session)
    sent = session.scalar(select(func.count()).where(OutboxMessage.to == "amina@example.org"))
    assert sent == allowed(EMAILS_PER_ADDRESS_AND_IP)
    # Other people on the same connection are not affected.
    assert ask_for_code(client, "someone.else@example.org", **from_ip("10.0.0.1")).status_code == 302


def test_a_strangers_requests_do_not_stop_the_persons_own(app: Flask, session: Session) -> None:
    stranger, person = another_browser(app), another_browser(app)
    for _ in range(allowed(EMAILS_PER_ADDRESS_AND_IP)):
        ask_for_code(stranger, "amina@example.org", **from_ip("203.0.113.66"))
    assert ask_for_code(stranger, "amina@example.org", **from_ip("203.0.113.66")).status_code == 429

    own = ask_for_code(person, "amina@example.org", **from_ip("192.0.2.10"))

    assert own.status_code == 302
    response = person.post(
        "/sign-in/code", data={"code": code_in(latest_email(session, "amina@example.org"))}, **from_ip("192.0.2.10")
    )
    assert response.headers["Location"] == "/dashboard"


def test_sign_in_posts_are_limited_per_ip(client: FlaskClient) -> None:
    for number in range(allowed(SIGN_IN_PER_IP)):
        assert ask_for_code(client, f"person{number}@example.org", **from_ip("192.0.2.7")).status_code == 302

    assert ask_for_code(client, "one.more@example.org", **from_ip("192.0.2.7")).status_code == 429
    assert ask_for_code(client, "one.more@example.org", **from_ip("192.0.2.8")).status_code == 302
    assert client.get("/sign-in", **from_ip("192.0.2.7")).status_code == 200  # reading is not limited


def test_code_guesses_are_limited_per_ip(client: FlaskClient) -> None:
    ask_for_code(client, "amina@example.org", **from_ip("192.0.2.9"))

    statuses = [
        client.post("/sign-in/code", data={"code": "000000"}, **from_ip("192.0.2.9")).status_code
        for _ in range(allowed(SIGN_IN_PER_IP) + 1)
    ]

    assert statuses[-1] == 429
    assert set(statuses[:-1]) == {200}


def test_staff_passwords_are_limited_per_address_and_ip_without_locking_the_account(
    client: FlaskClient, session: Session
) -> None:
    make_user(session, email="officer@example.org", roles=(Role.OFFICER,), password=PASSWORD)
    session.commit()
    for number in range(allowed(PASSWORDS_PER_ADDRESS_AND_IP)):
        response = client.post(
            "/staff/sign-in",
            data={"email": "officer@example.org", "password": f"guess {number} guess"},
            **from_ip("10.0.2.1"),
        )
        assert response.status_code == 200

    limited = client.post(
        "/staff/sign-in", data={"email": "officer@example.org", "password": PASSWORD}, **from_ip("10.0.2.1")
    )

    assert limited.status_code == 429
    assert "Too many attempts" in page_text(limited)
    reread(session)
    officer = session.scalars(select(User)).one()
    assert officer.active
    assert officer.failed_sign_in_count == allowed(PASSWORDS_PER_ADDRESS_AND_IP)


def test_a_strangers_wrong_passwords_do_not_stop_the_officers_own(app: Flask, session: Session) -> None:
    secret = pyotp.random_base32()
    make_user(session, email="officer@example.org", roles=(Role.OFFICER,), password=PASSWORD, totp_secret=secret)
    session.commit()
    stranger, officer = another_browser(app), another_browser(app)
    for number in range(allowed(PASSWORDS_PER_ADDRESS_AND_IP)):
        stranger.post(
            "/staff/sign-in",
            data={"email": "officer@example.org", "password": f"guess {number} guess"},
            **from_ip("203.0.113.66"),
        )

    own = officer.post(
        "/staff/sign-in", data={"email": "officer@example.org", "password": PASSWORD}, **from_ip("192.0.2.10")
    )

    assert own.headers["Location"] == "/staff/sign-in/code"
    signed_in = officer.post("/staff/sign-in/code", data={"code": pyotp.TOTP(secret).now()}, **from_ip("192.0.2.10"))
    assert signed_in.headers["Location"] == "/officer/"


def test_staff_code_guesses_are_limited_per_person(client: FlaskClient, session: Session) -> None:
    secret = pyotp.random_base32()
    make_user(session, email="officer@example.org", roles=(Role.OFFICER,), password=PASSWORD, totp_secret=secret)
    session.commit()
    client.post("/staff/sign-in", data={"email": "officer@example.org", "password": PASSWORD})
    wrong = f"{(int(pyotp.TOTP(secret).now()) + 1) % 1_000_000:06d}"

    statuses = [
        client.post("/staff/sign-in/code", data={"code": wrong}, **from_ip(f"10.0.4.{number}")).status_code
        for number in range(allowed(CODES_PER_STAFF_USER) + 1)
    ]

    assert statuses[-1] == 429
    assert set(statuses[:-1]) == {200}
