"""``users encrypt-secrets`` encrypts authenticator secrets kept from before, and re-encrypts after a new key."""

from __future__ import annotations

import pyotp
from cryptography.fernet import Fernet
from flask import Flask
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from portal.infra import encryption
from portal.models.audit import AuditEntry
from portal.models.users import Role, User
from portal.services.people import totp
from tests.factories import make_user
from tests.fixtures.databases import reread


def test_clear_secrets_are_encrypted_once(app: Flask, session: Session) -> None:
    secrets = {f"officer{n}@example.org": pyotp.random_base32() for n in range(2)}
    for email, secret in secrets.items():
        make_user(session, email=email, roles=(Role.OFFICER,)).totp_secret_unencrypted = secret
    make_user(session, email="already@example.org", roles=(Role.OFFICER,), totp_secret=pyotp.random_base32())
    session.commit()

    result = app.test_cli_runner().invoke(args=["users", "encrypt-secrets"])

    assert result.exit_code == 0, result.output
    assert "Encrypted 2 authenticator secret(s)" in result.output
    reread(session)
    assert session.execute(text("SELECT count(*) FROM users WHERE totp_secret_unencrypted IS NOT NULL")).scalar() == 0
    for email, secret in secrets.items():
        assert totp.secret_of(session.scalars(select(User).where(User.email == email)).one()) == secret
    actions = session.scalars(select(AuditEntry.action)).all()
    assert actions == ["authenticator secret encrypted"] * 2
    again = app.test_cli_runner().invoke(args=["users", "encrypt-secrets"])
    assert "Encrypted 0 authenticator secret(s)" in again.output


def test_after_a_new_key_is_put_first_the_old_one_can_be_removed(app: Flask, session: Session) -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    app.config["BANK_DETAILS_KEYS"] = [old]
    secret = pyotp.random_base32()
    make_user(session, email="officer@example.org", roles=(Role.OFFICER,), totp_secret=secret)
    session.commit()
    app.config["BANK_DETAILS_KEYS"] = [new, old]

    result = app.test_cli_runner().invoke(args=["users", "encrypt-secrets"])

    assert "Encrypted 1 authenticator secret(s)" in result.output
    app.config["BANK_DETAILS_KEYS"] = [new]
    reread(session)
    assert encryption.decrypt(session.scalars(select(User.totp_secret_encrypted)).one()) == secret.encode()  # type: ignore[arg-type]


def test_a_secret_no_key_reads_is_reported(app: Flask, session: Session) -> None:
    make_user(session, email="officer@example.org", roles=(Role.OFFICER,), totp_secret=pyotp.random_base32())
    session.commit()
    app.config["BANK_DETAILS_KEYS"] = [Fernet.generate_key().decode()]

    result = app.test_cli_runner().invoke(args=["users", "encrypt-secrets"])

    assert result.exit_code == 1
    assert "1 secret(s) cannot be read" in result.output
