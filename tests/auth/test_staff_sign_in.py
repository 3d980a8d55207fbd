"""Officers and admins sign in with a password and an authenticator (TOTP) code."""

from __future__ import annotations

import re
import time

import pyotp
import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models.audit import AuditEntry
from portal.models.base import utcnow
from portal.models.users import Role, User, UserSession
from portal.services.people import totp
from portal.services.people.passwords import verify_password
from tests.auth.helpers import is_signed_in, page_text, reread
from tests.factories import make_user

PASSWORD = "river otter lantern"
WRONG = "Email address or password is not right"


def make_officer(session: Session, *, secret: str | None = None, roles: tuple[Role, ...] = (Role.OFFICER,)) -> User:
    user = make_user(session, email="officer@example.org", roles=roles, password=PASSWORD, totp_secret=secret)
    session.commit()
    return user


def enter_password(client: FlaskClient, email: str = "officer@example.org", password: str = PASSWORD) -> str:
    response = client.post("/staff/sign-in", data={"email": email, "password": password})
    return response.headers.get("Location", "")


def test_password_then_authenticator_code(client: FlaskClient, session: Session) -> None:
    secret = pyotp.random_base32()
    make_officer(session, secret=secret)

    assert enter_password(client) == "/staff/sign-in/code"
    assert not is_signed_in(client)  # half-way is not signed in
    page = client.get("/staff/sign-in/code")
    assert 'autocomplete="one-time-code"' in page.get_data(as_text=True)

    response = client.post("/staff/sign-in/code", data={"code": pyotp.TOTP(secret).now()})

    assert response.status_code == 302
    assert response.headers["Location"] == "/officer/"
    assert is_signed_in(client)
    reread(session)
    user = session.scalars(select(User)).one()
    assert user.totp_last_step is not None
    assert "signed in" in set(session.scalars(select(AuditEntry.action).where(AuditEntry.actor_id == user.id)))
    with client.session_transaction() as flask_session:
        assert "staff_pending" not in flask_session


def test_an_admin_lands_on_the_admin_home_with_its_set_up_checklist(client: FlaskClient, session: Session) -> None:
    secret = pyotp.random_base32()
    make_officer(session, secret=secret, roles=(Role.ADMIN,))
    enter_password(client)

    response = client.post("/staff/sign-in/code", data={"code": pyotp.TOTP(secret).now()})

    assert response.headers["Location"] == "/admin/"


def test_finance_staff_sign_in_with_a_password_and_code_and_land_on_the_finance_home(
    client: FlaskClient, session: Session
) -> None:
    secret = pyotp.random_base32()
    make_officer(session, secret=secret, roles=(Role.FINANCE,))

    assert enter_password(client) == "/staff/sign-in/code"
    assert not is_signed_in(client)
    response = client.post("/staff/sign-in/code", data={"code": pyotp.TOTP(secret).now()})

    assert response.headers["Location"] == "/finance/"
    assert "Payments and bank details" in page_text(client.get("/finance/"))


def test_a_code_cannot_be_used_twice(client: FlaskClient, session: Session) -> None:
    secret = pyotp.random_base32()
    make_officer(session, secret=secret)
    code = pyotp.TOTP(secret).now()
    enter_password(client)
    client.post("/staff/sign-in/code", data={"code": code})
    client.post("/sign-out")

    enter_password(client)
    response = client.post("/staff/sign-in/code", data={"code": code})

    assert response.status_code == 200
    assert "The code is not right" in response.get_data(as_text=True)
    assert not is_signed_in(client)
    reread(session)
    assert session.scalars(select(User)).one().failed_sign_in_count == 1


def test_a_wrong_code_is_refused(client: FlaskClient, session: Session) -> None:
    secret = pyotp.random_base32()
    make_officer(session, secret=secret)
    enter_password(client)
    right = pyotp.TOTP(secret).now()

    response = client.post("/staff/sign-in/code", data={"code": f"{(int(right) + 1) % 1_000_000:06d}"})

    assert "The code is not right" in response.get_data(as_text=True)
    assert not is_signed_in(client)


def test_codes_from_the_next_and_previous_step_are_accepted_but_not_older_ones() -> None:
    secret = pyotp.random_base32()
    generator = pyotp.TOTP(secret)
    step = generator.timecode(utcnow())

    assert totp.matching_step(secret, generator.generate_otp(step - 1), last_step=None) == step - 1
    assert totp.matching_step(secret, generator.generate_otp(step + 1), last_step=None) == step + 1
    assert totp.matching_step(secret, generator.generate_otp(step - 2), last_step=None) is None
    assert totp.matching_step(secret, generator.generate_otp(step), last_step=step) is None
    assert totp.matching_step(secret, generator.generate_otp(step + 1), last_step=step) == step + 1


def test_wrong_password_and_unknown_address_get_the_same_answer(client: FlaskClient, session: Session) -> None:
    make_officer(session, secret=pyotp.random_base32())
    make_user(session, email="applicant@example.org", password=PASSWORD)  # not staff
    session.commit()

    answers = []
    for email, password in [
        ("officer@example.org", "not the password"),
        ("nobody@example.org", PASSWORD),
        ("applicant@example.org", PASSWORD),
    ]:
        response = client.post("/staff/sign-in", data={"email": email, "password": password})
        assert response.status_code == 200
        assert WRONG in response.get_data(as_text=True)
        assert password not in response.get_data(as_text=True)
        answers.append(page_text(response).replace(email, "ADDRESS"))

    assert len(set(answers)) == 1
    reread(session)
    officer = session.scalars(select(User).where(User.email == "officer@example.org")).one()
    assert officer.failed_sign_in_count == 1
    assert officer.active  # never locked
    assert not is_signed_in(client)


def test_staff_form_messages(client: FlaskClient) -> None:
    response = client.post("/staff/sign-in", data={"email": "", "password": ""})
    page = response.get_data(as_text=True)

    assert "Enter your email address" in page
    assert "Enter your password" in page
    assert 'autocomplete="current-password"' in client.get("/staff/sign-in").get_data(as_text=True)


def test_a_password_with_old_parameters_is_rehashed(client: FlaskClient, session: Session) -> None:
    from argon2 import PasswordHasher

    user = make_officer(session, secret=pyotp.random_base32())
    user.password_hash = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1).hash(PASSWORD)
    session.commit()
    old = user.password_hash

    enter_password(client)

    reread(session)
    new = session.scalars(select(User)).one().password_hash
    assert new != old
    assert verify_password(new, PASSWORD)


def test_the_half_signed_in_state_lapses(client: FlaskClient, session: Session) -> None:
    secret = pyotp.random_base32()
    make_officer(session, secret=secret)
    enter_password(client)
    with client.session_transaction() as flask_session:
        flask_session["staff_pending"] = {**flask_session["staff_pending"], "until": int(time.time()) - 1}

    response = client.post("/staff/sign-in/code", data={"code": pyotp.TOTP(secret).now()})

    assert response.status_code == 302
    assert response.headers["Location"] == "/staff/sign-in"
    assert not is_signed_in(client)
    assert client.get("/staff/sign-in/code").headers["Location"] == "/staff/sign-in"


def test_the_code_page_needs_the_password_first(client: FlaskClient) -> None:
    assert client.get("/staff/sign-in/code").headers["Location"] == "/staff/sign-in"
    assert client.get("/staff/set-up-code").headers["Location"] == "/staff/sign-in"


def test_staff_keep_a_safe_next_path(client: FlaskClient, session: Session) -> None:
    secret = pyotp.random_base32()
    make_officer(session, secret=secret)
    client.post("/staff/sign-in", data={"email": "officer@example.org", "password": PASSWORD, "next": "/officer/x"})

    response = client.post("/staff/sign-in/code", data={"code": pyotp.TOTP(secret).now()})

    assert response.headers["Location"] == "/officer/x"


def test_without_a_code_in_development_staff_are_signed_in_and_invited_to_set_one_up(
    client: FlaskClient, session: Session
) -> None:
    make_officer(session)

    assert enter_password(client) == "/officer/"
    assert is_signed_in(client)
    with client.session_transaction() as flask_session:
        messages = [message for _, message in flask_session.get("_flashes", [])]
    assert any("Set up an authenticator app" in message for message in messages)

    page = client.get("/staff/set-up-code")  # open to a signed-in officer without a code
    assert page.status_code == 200
    secret = secret_on(page.get_data(as_text=True))
    response = client.post("/staff/set-up-code", data={"code": pyotp.TOTP(secret).now()})

    assert response.headers["Location"] == "/officer/"
    reread(session)
    assert totp.secret_of(session.scalars(select(User)).one()) == secret


def secret_on(page: str) -> str:
    found = re.search(r"<code>([A-Z2-7 ]+)</code>", page)
    assert found, page
    return found.group(1).replace(" ", "")


@pytest.mark.parametrize("config_overrides", [{"REQUIRE_TOTP": True}])
def test_when_codes_are_required_staff_set_one_up_before_signing_in(client: FlaskClient, session: Session) -> None:
    make_officer(session)

    assert enter_password(client) == "/staff/set-up-code"
    assert not is_signed_in(client)
    page = client.get("/staff/set-up-code").get_data(as_text=True)
    assert "<svg" in page
    assert "style=" not in page  # the CSP forbids inline styles
    secret = secret_on(page)
    with client.session_transaction() as flask_session:
        assert secret not in str(dict(flask_session))  # the cookie names the secret, never holds it

    wrong = client.post("/staff/set-up-code", data={"code": "000000" if pyotp.TOTP(secret).now() != "000000" else "1"})
    assert wrong.status_code == 200
    reread(session)
    assert not session.scalars(select(User)).one().has_authenticator
    assert client.get("/staff/set-up-code").get_data(as_text=True).count(secret[:4]) >= 1  # same secret offered

    response = client.post("/staff/set-up-code", data={"code": pyotp.TOTP(secret).now()})

    assert response.headers["Location"] == "/officer/"
    assert is_signed_in(client)
    reread(session)
    user = session.scalars(select(User)).one()
    assert totp.secret_of(user) == secret
    assert session.scalars(select(UserSession)).one().user_id == user.id


@pytest.mark.parametrize("config_overrides", [{"REQUIRE_TOTP": True}])
def test_a_deactivated_officer_cannot_sign_in(client: FlaskClient, session: Session) -> None:
    user = make_officer(session, secret=pyotp.random_base32())
    user.active = False
    session.commit()

    response = client.post("/staff/sign-in", data={"email": "officer@example.org", "password": PASSWORD})

    assert WRONG in response.get_data(as_text=True)


def test_the_provisioning_uri_names_the_service() -> None:
    uri = totp.provisioning_uri("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", "officer@example.org")

    assert uri.startswith("otpauth://totp/Anchor%20Offer%20grants:officer%40example.org?")
    assert "issuer=Anchor%20Offer%20grants" in uri
