"""Sessions keep the strength they signed in with: staff pages need a staff sign-in (step-up, not
inheritance), and changing a person's roles or deactivating them ends their sessions."""

from __future__ import annotations

from typing import Any

import pyotp
import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models.applications import ApplicationStatus
from portal.models.audit import AuditEntry
from portal.models.events import EventStatus
from portal.models.users import Role, SignInMethod, User, UserSession
from portal.storage import get_storage
from tests.auth.helpers import is_signed_in, page_text, reread
from tests.conftest import another_browser
from tests.factories import make_application, make_event, make_evidence, make_organisation, make_round, make_user

PASSWORD = "river otter lantern"
SECRET = pyotp.random_base32()


def sent_to_staff_sign_in(response: Any, next_path: str) -> bool:
    location = response.headers.get("Location", "")
    return response.status_code == 302 and location.startswith("/staff/sign-in") and next_path in location


def ended_sessions(session: Session, user: User) -> list[str]:
    reread(session)
    entries = session.scalars(
        select(AuditEntry.summary).where(AuditEntry.action == "sessions ended", AuditEntry.object_id == user.id)
    )
    return list(entries)


# A person made staff while signed in by email does not get staff pages with that cookie.


def test_an_applicant_made_an_officer_in_the_browser_is_signed_out(
    app: Flask, session: Session, sign_in_as: Any
) -> None:
    person = make_user(session, email="amina@example.org")
    admin = make_user(session, email="admin@example.org", roles=(Role.ADMIN,))
    session.commit()
    theirs, admins = another_browser(app), another_browser(app)
    sign_in_as(theirs, person, SignInMethod.EMAIL)
    sign_in_as(admins, admin)
    assert theirs.get("/dashboard").status_code == 200

    saved = admins.post(f"/admin/users/{person.id}", data={"action": "roles", "roles": ["officer"]})

    assert saved.status_code == 302
    assert "They have been signed out everywhere" in page_text(admins.get(saved.headers["Location"]))
    assert sent_to_staff_sign_in(theirs.get("/officer/"), "/officer/")
    assert not is_signed_in(theirs)
    assert ended_sessions(session, person) == ["1 session(s) of amina@example.org ended: their roles changed"]


@pytest.mark.parametrize(
    "command",
    [
        ["users", "create-officer", "amina@example.org", "--password-stdin"],
        ["users", "create-admin", "amina@example.org", "--password-stdin"],
        ["users", "grant", "amina@example.org", "officer"],
        ["users", "grant", "amina@example.org", "panellist"],
    ],
)
def test_roles_given_from_the_command_line_end_the_sessions(
    app: Flask, session: Session, sign_in_as: Any, command: list[str]
) -> None:
    person = make_user(session, email="amina@example.org")
    session.commit()
    theirs = another_browser(app)
    sign_in_as(theirs, person, SignInMethod.EMAIL)

    result = app.test_cli_runner().invoke(args=command, input=f"{PASSWORD}\n")

    assert result.exit_code == 0, result.output
    assert not is_signed_in(theirs)
    assert theirs.get("/officer/").status_code == 302
    assert len(ended_sessions(session, person)) == 1


def test_taking_a_role_away_ends_the_sessions(app: Flask, session: Session, sign_in_as: Any) -> None:
    person = make_user(session, email="pat@example.org", roles=(Role.PANELLIST,))
    session.commit()
    theirs = another_browser(app)
    sign_in_as(theirs, person, SignInMethod.EMAIL)

    app.test_cli_runner().invoke(args=["users", "revoke", "pat@example.org", "panellist"])

    assert not is_signed_in(theirs)
    assert len(ended_sessions(session, person)) == 1


def test_inviting_someone_to_a_panel_ends_their_sessions(app: Flask, session: Session, sign_in_as: Any) -> None:
    from portal.services.panels.membership import create_panel, invite_member

    person = make_user(session, email="pat@example.org")
    officer = make_user(session, roles=(Role.OFFICER,))
    session.commit()
    theirs = another_browser(app)
    sign_in_as(theirs, person, SignInMethod.EMAIL)

    panel = create_panel(session, make_round(session), by=officer, name="Panel", reviews_due_at=None)
    invite_member(session, panel, by=officer, email="pat@example.org", name="Pat")
    session.commit()

    assert not is_signed_in(theirs)
    assert ended_sessions(session, person) == ["1 session(s) of pat@example.org ended: made a panel member"]


def test_admins_who_change_their_own_roles_sign_in_again(app: Flask, session: Session, sign_in_as: Any) -> None:
    admin = make_user(session, email="admin@example.org", roles=(Role.ADMIN,))
    session.commit()
    admins = another_browser(app)
    sign_in_as(admins, admin)

    response = admins.post(f"/admin/users/{admin.id}", data={"action": "roles", "roles": ["admin", "officer"]})

    assert sent_to_staff_sign_in(response, f"/admin/users/{admin.id}")
    assert "you have been signed out" in page_text(admins.get(response.headers["Location"]))
    assert not is_signed_in(admins)


# A session weaker than its person's roles need is sent to the staff sign-in.


@pytest.fixture
def officer(session: Session) -> User:
    person = make_user(
        session, email="officer@example.org", roles=(Role.OFFICER,), password=PASSWORD, totp_secret=SECRET
    )
    session.commit()
    return person


def test_an_officers_emailed_session_never_reaches_staff_pages(
    app: Flask, session: Session, sign_in_as: Any, officer: User
) -> None:
    weak = another_browser(app)
    sign_in_as(weak, officer, SignInMethod.EMAIL)

    response = weak.get("/officer/audit")

    assert sent_to_staff_sign_in(response, "/officer/audit")
    assert "To use the staff pages, sign in with your email address, password and the code" in page_text(
        weak.get(response.headers["Location"])
    )
    # Nor any other signed-in page: the session signs nobody in.
    assert sent_to_staff_sign_in(weak.get("/account/your-data"), "/account/your-data")


def test_nor_staff_only_data_on_other_pages(app: Flask, session: Session, sign_in_as: Any, officer: User) -> None:
    group = make_organisation(session)
    application = make_application(
        session, grant_round=make_round(session), organisation=group, status=ApplicationStatus.SUBMITTED
    )
    evidence = make_evidence(session, get_storage(), application_id=application.id)
    draft_event = make_event(session, status=EventStatus.DRAFT)
    session.commit()
    weak = another_browser(app)
    sign_in_as(weak, officer, SignInMethod.EMAIL)

    file = weak.get(f"/evidence/{evidence.id}")
    event = weak.get(f"/events/{draft_event.id}")

    assert sent_to_staff_sign_in(file, f"/evidence/{evidence.id}")
    assert sent_to_staff_sign_in(event, f"/events/{draft_event.id}")


@pytest.mark.parametrize(
    ("signed_in_with", "require_totp", "staff_pages"),
    [
        (SignInMethod.EMAIL, False, False),
        (SignInMethod.EMAIL, True, False),
        (SignInMethod.PASSWORD, False, True),
        (SignInMethod.PASSWORD, True, False),
        (SignInMethod.PASSWORD_AND_AUTHENTICATOR, True, True),
    ],
)
def test_which_sessions_are_staff_sessions(
    app: Flask,
    session: Session,
    sign_in_as: Any,
    officer: User,
    signed_in_with: SignInMethod,
    require_totp: bool,
    staff_pages: bool,
) -> None:
    app.config["REQUIRE_TOTP"] = require_totp
    client = another_browser(app)
    sign_in_as(client, officer, signed_in_with)

    response = client.get("/officer/")

    assert (response.status_code == 200) is staff_pages
    assert sent_to_staff_sign_in(response, "/officer/") is not staff_pages


def test_applicants_and_panellists_are_fine_with_an_emailed_sign_in(
    app: Flask, session: Session, sign_in_as: Any
) -> None:
    panellist = make_user(session, roles=(Role.PANELLIST,))
    session.commit()
    client = another_browser(app)
    sign_in_as(client, panellist, SignInMethod.EMAIL)

    assert client.get("/panel/").status_code == 200


def test_stepping_up_gives_a_staff_session_and_ends_the_weak_one(
    app: Flask, session: Session, sign_in_as: Any, officer: User
) -> None:
    client = another_browser(app)
    sign_in_as(client, officer, SignInMethod.EMAIL)
    location = client.get("/officer/").headers["Location"]
    client.get(location)

    client.post("/staff/sign-in", data={"email": "officer@example.org", "password": PASSWORD, "next": "/officer/"})
    response = client.post("/staff/sign-in/code", data={"code": pyotp.TOTP(SECRET).now()})

    assert response.headers["Location"] == "/officer/"
    assert client.get("/officer/").status_code == 200
    reread(session)
    rows = session.scalars(select(UserSession).order_by(UserSession.id)).all()
    assert [(row.signed_in_with, row.revoked_at is None) for row in rows] == [
        (SignInMethod.EMAIL, False),
        (SignInMethod.PASSWORD_AND_AUTHENTICATOR, True),
    ]
