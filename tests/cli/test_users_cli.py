"""``flask --app portal users …``."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models.audit import AuditEntry
from portal.models.users import Role, User, UserSession
from portal.services.people.passwords import verify_password
from tests.factories import make_user

PASSWORD = "river otter lantern"


def invoke(app: Flask, *args: str, stdin: str | None = None) -> object:
    return app.test_cli_runner().invoke(args=["users", *args], input=stdin)


def user(session: Session, email: str) -> User | None:
    session.rollback()
    session.expire_all()
    return session.scalar(select(User).where(User.email == email))


def test_create_officer_with_a_prompted_password(app: Flask, session: Session) -> None:
    result = invoke(
        app, "create-officer", "Sam.Officer@Example.org", "--name", "Sam Officer", stdin=f"{PASSWORD}\n" * 2
    )

    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert PASSWORD not in result.output  # type: ignore[attr-defined]  (hidden input)
    assert "deactivated" not in result.output  # type: ignore[attr-defined]
    assert f"Sign in at {app.config['PORTAL_BASE_URL']}/staff/sign-in" in result.output  # type: ignore[attr-defined]
    officer = user(session, "sam.officer@example.org")
    assert officer is not None
    assert officer.name == "Sam Officer"
    assert officer.roles == {Role.OFFICER}
    assert verify_password(officer.password_hash, PASSWORD)
    assert (
        session.scalar(select(AuditEntry.action).where(AuditEntry.object_id == officer.id)) == "officer account set up"
    )


@pytest.mark.parametrize("config_overrides", [{"REQUIRE_TOTP": True}])
def test_create_admin_from_stdin_says_a_code_will_be_needed(app: Flask, session: Session) -> None:
    result = invoke(app, "create-admin", "admin@example.org", "--password-stdin", stdin=f"{PASSWORD}\n")

    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert "you will be asked to set up a code" in result.output  # type: ignore[attr-defined]
    admin = user(session, "admin@example.org")
    assert admin is not None
    assert admin.roles == {Role.ADMIN}


def test_weak_passwords_are_refused(app: Flask, session: Session) -> None:
    for weak, message in [
        ("password1", "too common"),
        ("short", "at least 8 characters"),
        ("sam.officer", "must not be your email address"),
    ]:
        result = invoke(app, "create-officer", "sam.officer@example.org", "--password-stdin", stdin=f"{weak}\n")
        assert result.exit_code != 0  # type: ignore[attr-defined]
        assert message in result.output  # type: ignore[attr-defined]
    assert user(session, "sam.officer@example.org") is None


def test_mismatched_passwords_are_asked_again(app: Flask, session: Session) -> None:
    result = invoke(
        app, "create-officer", "sam@example.org", stdin=f"{PASSWORD}\nsomething else\n{PASSWORD}\n{PASSWORD}\n"
    )

    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    created = user(session, "sam@example.org")
    assert created is not None
    assert verify_password(created.password_hash, PASSWORD)


def test_an_existing_person_is_updated_not_duplicated(app: Flask, session: Session) -> None:
    make_user(session, email="sam@example.org", roles=(Role.PANELLIST,), active=False)
    session.commit()

    result = invoke(app, "create-officer", "sam@example.org", "--password-stdin", stdin=f"{PASSWORD}\n")

    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert "Updated" in result.output  # type: ignore[attr-defined]
    updated = user(session, "sam@example.org")
    assert updated is not None
    assert updated.roles == {Role.PANELLIST, Role.OFFICER}
    assert updated.active
    assert len(session.scalars(select(User)).all()) == 1


def test_grant_and_revoke(app: Flask, session: Session) -> None:
    make_user(session, email="pat@example.org")
    session.commit()

    granted = invoke(app, "grant", "pat@example.org", "panellist")
    officer = invoke(app, "grant", "pat@example.org", "OFFICER")

    assert granted.exit_code == 0, granted.output  # type: ignore[attr-defined]
    assert "They have no password yet" in officer.output  # type: ignore[attr-defined]
    pat = user(session, "pat@example.org")
    assert pat is not None
    assert pat.roles == {Role.PANELLIST, Role.OFFICER}

    revoked = invoke(app, "revoke", "pat@example.org", "officer")

    assert revoked.exit_code == 0, revoked.output  # type: ignore[attr-defined]
    pat = user(session, "pat@example.org")
    assert pat is not None
    assert pat.roles == {Role.PANELLIST}
    again = invoke(app, "revoke", "pat@example.org", "officer")
    assert "nothing changed" in again.output  # type: ignore[attr-defined]


def test_unknown_people_and_roles_are_errors(app: Flask) -> None:
    assert invoke(app, "grant", "nobody@example.org", "officer").exit_code != 0  # type: ignore[attr-defined]
    assert invoke(app, "deactivate", "nobody@example.org").exit_code != 0  # type: ignore[attr-defined]
    assert invoke(app, "grant", "nobody@example.org", "superuser").exit_code != 0  # type: ignore[attr-defined]


def test_deactivate_ends_their_sessions(
    app: Flask, client: FlaskClient, session: Session, sign_in_as: Callable[..., None]
) -> None:
    person = make_user(session, email="pat@example.org")
    session.commit()
    sign_in_as(client, person)

    result = invoke(app, "deactivate", "pat@example.org")

    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert "1 session(s) ended" in result.output  # type: ignore[attr-defined]
    pat = user(session, "pat@example.org")
    assert pat is not None
    assert not pat.active
    assert all(row.revoked_at is not None for row in session.scalars(select(UserSession)))
