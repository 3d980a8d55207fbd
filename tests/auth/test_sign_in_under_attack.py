"""When an address is being hammered from many places, guessing stays impossible and the person still
gets in: beyond the limits per address, emails carry a link but no code, staff give their password
and authenticator code together, and the person is told once a day."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pyotp
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from portal.infra.rate_limits import CODES_PER_ADDRESS, PASSWORDS_PER_ADDRESS
from portal.models.audit import AuditEntry
from portal.models.base import utcnow
from portal.models.outbox import OutboxMessage
from portal.models.users import Role
from portal.services.messages.outbox import body_to_send
from portal.services.people.sign_in_alerts import ALERT_ACTION, ALERT_SUBJECT
from tests.auth.helpers import ask_for_code, code_in, is_signed_in, link_in, page_text, reread
from tests.conftest import another_browser
from tests.factories import make_user

EMAIL = "amina@example.org"
OFFICER = "officer@example.org"
PASSWORD = "river otter lantern"
SECRET = pyotp.random_base32()


@pytest.fixture
def config_overrides() -> dict[str, Any]:
    return {"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://"}


def allowed(limit: str) -> int:
    return int(limit.split()[0])


def from_ip(number: int) -> dict[str, Any]:
    """A different address for each attempt: the attacker spreads out as far as it likes."""
    return {"environ_base": {"REMOTE_ADDR": f"10.{number // 250}.{number % 250}.9"}}


OWN = {"environ_base": {"REMOTE_ADDR": "192.0.2.10"}}


def hammer_emails(client: FlaskClient, count: int, *, start: int = 0) -> None:
    for number in range(start, start + count):
        assert ask_for_code(client, EMAIL, **from_ip(number)).status_code == 302


def alerts(session: Session, to: str) -> int:
    reread(session)
    sent = select(func.count()).where(OutboxMessage.to == to, OutboxMessage.subject == str(ALERT_SUBJECT))
    return session.scalar(sent) or 0


def sign_in_email(session: Session) -> OutboxMessage:
    reread(session)
    query = select(OutboxMessage).where(OutboxMessage.to == EMAIL, OutboxMessage.subject != str(ALERT_SUBJECT))
    return session.scalars(query.order_by(OutboxMessage.id.desc())).first()  # type: ignore[return-value]


# Emailed sign-in.


def test_beyond_the_daily_limit_the_email_has_a_link_and_no_code(app: Flask, session: Session) -> None:
    make_user(session, email=EMAIL)
    session.commit()
    hammer_emails(another_browser(app), allowed(CODES_PER_ADDRESS))
    person = another_browser(app)

    response = ask_for_code(person, EMAIL, **OWN)

    assert response.status_code == 302
    page = page_text(person.get(response.headers["Location"], **OWN))
    assert "a link to sign in" in page
    assert "Enter the code" not in page
    email = sign_in_email(session)
    assert email.subject == "Sign in to Anchor Offer grants"
    assert "Your code is" not in body_to_send(email)
    link = link_in(email)
    person.get(link, **OWN)
    assert person.post(link, **OWN).headers["Location"] == "/dashboard"


def test_a_code_already_emailed_still_works_while_the_address_is_hammered(app: Flask, session: Session) -> None:
    make_user(session, email=EMAIL)
    session.commit()
    person = another_browser(app)
    ask_for_code(person, EMAIL, **OWN)
    code = code_in(sign_in_email(session))

    hammer_emails(another_browser(app), allowed(CODES_PER_ADDRESS) + 3)

    assert person.post("/sign-in/code", data={"code": code}, **OWN).headers["Location"] == "/dashboard"


def test_the_person_is_told_once_a_day(app: Flask, session: Session) -> None:
    person = make_user(session, email=EMAIL)
    session.commit()
    stranger = another_browser(app)
    hammer_emails(stranger, allowed(CODES_PER_ADDRESS))
    assert alerts(session, EMAIL) == 0

    hammer_emails(stranger, 3, start=100)

    assert alerts(session, EMAIL) == 1
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == ALERT_ACTION)).one()
    assert (entry.object_type, entry.object_id) == ("User", person.id)
    # A day later, still being hammered: told again.
    session.execute(update(AuditEntry).values(created_at=utcnow() - timedelta(hours=25)))
    session.commit()
    hammer_emails(stranger, 1, start=200)
    assert alerts(session, EMAIL) == 2


def test_nobody_is_emailed_about_an_address_without_an_account(app: Flask, session: Session) -> None:
    hammer_emails(another_browser(app), allowed(CODES_PER_ADDRESS) + 2)

    assert alerts(session, EMAIL) == 0


# Staff sign-in.


def hammer_passwords(client: FlaskClient, count: int) -> None:
    for number in range(count):
        response = client.post(
            "/staff/sign-in", data={"email": OFFICER, "password": f"guess {number}"}, **from_ip(number)
        )
        assert response.status_code == 200


@pytest.fixture
def hammered_officer(app: Flask, session: Session) -> None:
    make_user(session, email=OFFICER, roles=(Role.OFFICER,), password=PASSWORD, totp_secret=SECRET)
    session.commit()
    hammer_passwords(another_browser(app), allowed(PASSWORDS_PER_ADDRESS))


def staff_sign_in(client: FlaskClient, password: str, code: str | None = None) -> Any:
    data = {"email": OFFICER, "password": password} | ({"code": code} if code is not None else {})
    return client.post("/staff/sign-in", data=data, **OWN)


def test_beyond_the_limit_the_right_password_alone_asks_for_the_code_too(
    app: Flask, session: Session, hammered_officer: None
) -> None:
    officer = another_browser(app)

    response = staff_sign_in(officer, PASSWORD)

    assert response.status_code == 200
    text = page_text(response)
    assert "enter your password and the code from your authenticator app together" in text
    assert "is not right" not in text  # the password was not even checked
    assert 'name="code"' in response.get_data(as_text=True)
    assert not is_signed_in(officer)


def test_beyond_the_limit_the_password_and_code_together_sign_in(
    app: Flask, session: Session, hammered_officer: None
) -> None:
    officer = another_browser(app)

    response = staff_sign_in(officer, PASSWORD, pyotp.TOTP(SECRET).now())

    assert response.headers["Location"] == "/officer/"
    assert officer.get("/officer/").status_code == 200
    assert alerts(session, OFFICER) == 1


@pytest.mark.parametrize("right_password", [True, False])
def test_beyond_the_limit_a_wrong_half_gives_one_answer(
    app: Flask, session: Session, hammered_officer: None, right_password: bool
) -> None:
    right_code = pyotp.TOTP(SECRET).now()
    wrong_code = f"{(int(right_code) + 1) % 1_000_000:06d}"

    response = staff_sign_in(
        another_browser(app),
        PASSWORD if right_password else "not the password",
        wrong_code if right_password else right_code,
    )

    assert response.status_code == 200
    assert "Email address, password or code is not right" in page_text(response)
