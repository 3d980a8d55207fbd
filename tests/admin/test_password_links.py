"""An admin adds staff in the browser and emails them a link to set their own password,
so nobody but the first admin needs the command line."""

from __future__ import annotations

import re
from typing import Any

import pyotp
import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models.audit import AuditAction, AuditEntry
from portal.models.outbox import OutboxMessage
from portal.models.users import Role, User
from portal.services.messages.outbox import body_to_send
from tests.auth.helpers import is_signed_in, latest_email
from tests.auth.test_staff_sign_in import secret_on
from tests.factories import make_user
from tests.fixtures.databases import reread
from tests.fixtures.pages import error_summary_problems, page_text

NEW_PASSWORD = "heron willow teapot"


def link_in(message: OutboxMessage) -> str:
    found = re.search(r"https?://[^/\s]+(/staff/set-password/\S+)", body_to_send(message))
    assert found, message.body
    return found.group(1)


def add_officer(admin_client: FlaskClient, session: Session) -> User:
    admin_client.post("/admin/users/new", data={"name": "Olu Officer", "email": "olu@example.org", "role": "officer"})
    reread(session)
    return session.scalars(select(User).where(User.email == "olu@example.org")).one()


@pytest.mark.parametrize("config_overrides", [{"REQUIRE_TOTP": True}])
def test_an_officer_added_in_the_browser_sets_a_password_and_signs_in(
    admin_client: FlaskClient, session: Session, admin: User, app: Any
) -> None:
    officer = add_officer(admin_client, session)
    first_link = link_in(latest_email(session, "olu@example.org"))  # sent when the account was made
    page = admin_client.get(f"/admin/users/{officer.id}")
    assert "Email a link to set a password" in page_text(page)

    # Lost it? The admin sends another; either works until one is used.
    response = admin_client.post(f"/admin/users/{officer.id}/password-link")
    assert response.headers["Location"] == f"/admin/users/{officer.id}"
    assert "We have emailed olu@example.org a link" in page_text(admin_client.get(response.headers["Location"]))
    email = latest_email(session, "olu@example.org")
    assert email.subject == "Set your password for Anchor Offer grants"
    link = link_in(email)

    # The officer, in a browser of their own.
    officer_browser = app.test_client()
    form = officer_browser.get(link)
    assert form.status_code == 200
    assert 'autocomplete="new-password"' in form.get_data(as_text=True)
    response = officer_browser.post(link, data={"password": NEW_PASSWORD, "again": NEW_PASSWORD})
    assert response.headers["Location"] == "/staff/sign-in"
    assert officer_browser.get(link).status_code == 404, "the link works once"
    assert officer_browser.get(first_link).status_code == 404, "and the earlier link no longer works"

    # Signing in: password, then (as production requires) an authenticator code set up there and then.
    response = officer_browser.post("/staff/sign-in", data={"email": "olu@example.org", "password": NEW_PASSWORD})
    assert response.headers["Location"] == "/staff/set-up-code"
    secret = secret_on(officer_browser.get("/staff/set-up-code").get_data(as_text=True))
    response = officer_browser.post("/staff/set-up-code", data={"code": pyotp.TOTP(secret).now()})
    assert response.headers["Location"] == "/officer/"
    assert is_signed_in(officer_browser)

    reread(session)
    actions = session.scalars(
        select(AuditEntry.action).where(AuditEntry.object_type == "User", AuditEntry.object_id == officer.id)
    ).all()
    assert AuditAction.PASSWORD_LINK_SENT.value in actions
    assert AuditAction.PASSWORD_SET.value in actions


def test_mistakes_on_the_password_page_are_shown_and_change_nothing(
    admin_client: FlaskClient, session: Session, app: Any
) -> None:
    officer = add_officer(admin_client, session)
    admin_client.post(f"/admin/users/{officer.id}/password-link")
    link = link_in(latest_email(session, "olu@example.org"))
    browser = app.test_client()

    for data, message in [
        ({"password": "", "again": ""}, "Enter a password"),
        ({"password": NEW_PASSWORD, "again": "something else"}, "The two passwords are not the same"),
        ({"password": "short", "again": "short"}, "at least 8 characters"),
    ]:
        response = browser.post(link, data=data)
        assert response.status_code == 200
        assert message in page_text(response)
        assert error_summary_problems(response.get_data(as_text=True)) == []
        assert NEW_PASSWORD not in response.get_data(as_text=True), "passwords are never sent back"
    reread(session)
    assert session.get(User, officer.id).password_hash is None  # type: ignore[union-attr]
    assert browser.get(link).status_code == 200, "the link still works"


def test_a_made_up_or_damaged_link_says_what_to_do(client: FlaskClient) -> None:
    response = client.get("/staff/set-password/made-up")
    assert response.status_code == 404
    assert "Ask an administrator to email you a new one" in page_text(response)
    assert client.post("/staff/set-password/made-up", data={"password": NEW_PASSWORD}).status_code == 404


def test_links_are_not_offered_for_people_who_do_not_sign_in_with_a_password(
    admin_client: FlaskClient, session: Session
) -> None:
    panellist = make_user(session, roles=(Role.PANELLIST,))
    session.commit()
    assert "Email a link" not in page_text(admin_client.get(f"/admin/users/{panellist.id}"))

    response = admin_client.post(f"/admin/users/{panellist.id}/password-link")
    assert "Only grants officers and administrators" in page_text(admin_client.get(response.headers["Location"]))
    reread(session)
    assert session.scalars(select(OutboxMessage).where(OutboxMessage.to == panellist.email)).all() == []


def test_an_officer_who_forgot_their_password_can_be_sent_a_new_link(
    admin_client: FlaskClient, session: Session
) -> None:
    officer = make_user(session, email="sam@example.org", roles=(Role.OFFICER,), password="old password here")
    session.commit()
    page = page_text(admin_client.get(f"/admin/users/{officer.id}"))
    assert "cannot sign in yet" not in page
    assert "Email a link to set a new password" in page


def test_sending_a_link_needs_the_csrf_token(admin_client: FlaskClient, session: Session) -> None:
    officer = make_user(session, roles=(Role.OFFICER,))
    session.commit()
    assert admin_client.post(f"/admin/users/{officer.id}/password-link", csrf=False).status_code == 400
    reread(session)
    assert session.scalars(select(OutboxMessage)).all() == []
