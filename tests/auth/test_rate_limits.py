"""Sign-in attempts are limited per address and per IP, without locking accounts."""

from __future__ import annotations

from typing import Any

import pyotp
import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.auth.views import CODES_PER_STAFF_USER, EMAILS_PER_ADDRESS, PASSWORDS_PER_ADDRESS, PER_IP
from portal.models.audit import OutboxMessage
from portal.models.users import Role, User
from tests.auth.helpers import ask_for_code, page_text, reread
from tests.factories import make_user

PASSWORD = "river otter lantern"


@pytest.fixture
def config_overrides() -> dict[str, Any]:
    return {"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://"}


def allowed(limit: str) -> int:
    return int(limit.split()[0])


def from_ip(address: str) -> dict[str, Any]:
    return {"environ_base": {"REMOTE_ADDR": address}}


def test_sign_in_emails_are_limited_per_address(client: FlaskClient, session: Session) -> None:
    for number in range(allowed(EMAILS_PER_ADDRESS)):
        # Different IPs: the per-address limit holds however the attacker spreads out.
        assert ask_for_code(client, "amina@example.org", **from_ip(f"10.0.0.{number}")).status_code == 302

    limited = ask_for_code(client, "AMINA@example.org ", **from_ip("10.0.1.1"))

    assert limited.status_code == 429
    assert "Too many attempts" in page_text(limited)
    assert "Wait a few minutes" in page_text(limited)
    reread(session)
    sent = session.scalar(select(func.count()).where(OutboxMessage.to == "amina@example.org"))
    assert sent == allowed(EMAILS_PER_ADDRESS)
    # Other people are not affected.
    assert ask_for_code(client, "someone.else@example.org", **from_ip("10.0.1.1")).status_code == 302


def test_sign_in_posts_are_limited_per_ip(client: FlaskClient) -> None:
    for number in range(allowed(PER_IP)):
        assert ask_for_code(client, f"person{number}@example.org", **from_ip("192.0.2.7")).status_code == 302

    assert ask_for_code(client, "one.more@example.org", **from_ip("192.0.2.7")).status_code == 429
    assert ask_for_code(client, "one.more@example.org", **from_ip("192.0.2.8")).status_code == 302
    assert client.get("/sign-in", **from_ip("192.0.2.7")).status_code == 200  # reading is not limited


def test_code_guesses_are_limited_per_ip(client: FlaskClient) -> None:
    ask_for_code(client, "amina@example.org", **from_ip("192.0.2.9"))

    statuses = [
        client.post("/sign-in/code", data={"code": "000000"}, **from_ip("192.0.2.9")).status_code
        for _ in range(allowed(PER_IP) + 1)
    ]

    assert statuses[-1] == 429
    assert set(statuses[:-1]) == {200}


def test_staff_passwords_are_limited_per_address_without_locking_the_account(
    client: FlaskClient, session: Session
) -> None:
    make_user(session, email="officer@example.org", roles=(Role.OFFICER,), password=PASSWORD)
    session.commit()
    for number in range(allowed(PASSWORDS_PER_ADDRESS)):
        response = client.post(
            "/staff/sign-in",
            data={"email": "officer@example.org", "password": f"guess {number} guess"},
            **from_ip(f"10.0.2.{number}"),
        )
        assert response.status_code == 200

    limited = client.post(
        "/staff/sign-in", data={"email": "officer@example.org", "password": PASSWORD}, **from_ip("10.0.3.1")
    )

    assert limited.status_code == 429
    assert "Too many attempts" in page_text(limited)
    reread(session)
    officer = session.scalars(select(User)).one()
    assert officer.active
    assert officer.failed_sign_in_count == allowed(PASSWORDS_PER_ADDRESS)


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
