"""Authenticator (TOTP) secrets are stored only encrypted, with the bank-details keys and their rotation."""

from __future__ import annotations

import pyotp
from cryptography.fernet import Fernet
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from portal.infra import encryption
from portal.models.users import Role, User
from portal.services.people import totp
from tests.factories import make_user
from tests.fixtures.databases import reread

PASSWORD = "river otter lantern"
EMAIL = "officer@example.org"


def stored_row(session: Session) -> str:
    """Every column of the officer's row, as text."""
    reread(session)
    row = session.execute(text("SELECT * FROM users WHERE email = :email"), {"email": EMAIL}).one()
    return " ".join(str(bytes(value)) if isinstance(value, bytes | memoryview) else str(value) for value in row)


def sign_in(client: FlaskClient, secret: str) -> str:
    client.post("/staff/sign-in", data={"email": EMAIL, "password": PASSWORD})
    response = client.post("/staff/sign-in/code", data={"code": pyotp.TOTP(secret).now()})
    return str(response.headers.get("Location", ""))


def officer(session: Session) -> User:
    person = make_user(session, email=EMAIL, roles=(Role.OFFICER,), password=PASSWORD)
    session.commit()
    return person


def test_a_secret_set_up_is_stored_only_encrypted(session: Session) -> None:
    person = officer(session)
    secret = pyotp.random_base32()

    assert totp.confirm_setup(session, person, secret, pyotp.TOTP(secret).now())
    session.commit()

    assert secret not in stored_row(session)
    assert totp.secret_of(session.get(User, person.id)) == secret  # type: ignore[arg-type]


def test_the_keys_can_be_rotated(app: Flask, client: FlaskClient, session: Session) -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    app.config["BANK_DETAILS_KEYS"] = [old]
    secret = pyotp.random_base32()
    make_user(session, email=EMAIL, roles=(Role.OFFICER,), password=PASSWORD, totp_secret=secret)
    session.commit()

    app.config["BANK_DETAILS_KEYS"] = [new, old]  # a new key first; the old one still decrypts
    assert sign_in(client, secret) == "/officer/"

    # Signing in re-encrypted the secret with the new key, so the old key can go.
    app.config["BANK_DETAILS_KEYS"] = [new]
    reread(session)
    stored = session.execute(text("SELECT totp_secret_encrypted FROM users")).scalar_one()
    assert encryption.decrypt(stored) == secret.encode()


def test_a_clear_secret_from_before_is_encrypted_at_the_next_sign_in(client: FlaskClient, session: Session) -> None:
    officer(session)
    secret = pyotp.random_base32()
    session.execute(text("UPDATE users SET totp_secret_unencrypted = :secret"), {"secret": secret})
    session.commit()

    assert sign_in(client, secret) == "/officer/"

    assert secret not in stored_row(session)
    reread(session)
    assert totp.secret_of(session.scalars(select(User)).one()) == secret


def test_a_secret_no_key_can_read_refuses_the_code_without_an_error(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    secret = pyotp.random_base32()
    make_user(session, email=EMAIL, roles=(Role.OFFICER,), password=PASSWORD, totp_secret=secret)
    session.commit()
    app.config["BANK_DETAILS_KEYS"] = [Fernet.generate_key().decode()]

    client.post("/staff/sign-in", data={"email": EMAIL, "password": PASSWORD})
    response = client.post("/staff/sign-in/code", data={"code": pyotp.TOTP(secret).now()})

    assert response.status_code == 200
    assert "The code is not right" in response.get_data(as_text=True)


def test_a_secret_too_short_for_the_library_matches_no_code() -> None:
    # 80 bits: pyotp refuses to use it, and a wrong or right-looking code must not become a 500.
    assert totp.matching_step("JBSWY3DPEHPK3PXP", "123456", last_step=None) is None
