"""Applicants and panellists sign in with an emailed link or 6-digit code."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.models.audit import AuditEntry
from portal.models.base import utcnow
from portal.models.outbox import OutboxMessage
from portal.models.users import Role, SignInRequest, User, UserSession
from portal.services.people.sign_in import MAX_CODE_ATTEMPTS, safe_next_path
from tests.auth.helpers import (
    ask_for_code,
    code_in,
    is_signed_in,
    latest_email,
    latest_request,
    link_in,
    page_text,
    reread,
)
from tests.factories import make_user


def count(session: Session, model: type) -> int:
    reread(session)
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_a_new_applicant_signs_up_with_the_emailed_code(client: FlaskClient, session: Session) -> None:
    response = ask_for_code(client, "  New.Person@Example.org ")

    assert response.status_code == 302
    assert response.headers["Location"] == "/sign-in/check-your-email"
    page = client.get(response.headers["Location"])
    assert "new.person@example.org" in page_text(page)
    assert count(session, User) == 0  # the account is made only when the code is used

    message = latest_email(session, "new.person@example.org")
    assert "15 minutes" in message.body
    assert "If it was not you" in message.body
    row = latest_request(session, "new.person@example.org")
    assert code_in(message) not in (row.code_hash, row.link_hash)

    response = client.post("/sign-in/code", data={"code": code_in(message)})

    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard"
    reread(session)
    user = session.scalars(select(User)).one()
    assert user.email == "new.person@example.org"
    assert user.last_sign_in_at is not None
    actions = set(session.scalars(select(AuditEntry.action).where(AuditEntry.actor_id == user.id)))
    assert {"account created", "signed in"} <= actions
    assert latest_request(session, user.email).used_at is not None
    assert is_signed_in(client)


def test_the_code_may_be_typed_with_spaces(client: FlaskClient, session: Session) -> None:
    make_user(session, email="amina@example.org")
    session.commit()
    ask_for_code(client, "amina@example.org")
    code = code_in(latest_email(session, "amina@example.org"))

    response = client.post("/sign-in/code", data={"code": f" {code[:3]} {code[3:]} "})

    assert response.headers["Location"] == "/dashboard"


@pytest.mark.parametrize(
    ("roles", "home"),
    [((Role.PANELLIST,), "/panel/"), ((), "/dashboard")],
)
def test_people_land_on_their_role_home(
    client: FlaskClient, session: Session, roles: tuple[Role, ...], home: str
) -> None:
    make_user(session, email="person@example.org", roles=roles)
    session.commit()
    ask_for_code(client, "person@example.org")

    response = client.post("/sign-in/code", data={"code": code_in(latest_email(session, "person@example.org"))})

    assert response.headers["Location"] == home


def test_code_form_messages(client: FlaskClient, session: Session) -> None:
    ask_for_code(client, "amina@example.org")

    empty = client.post("/sign-in/code", data={"code": ""})
    short = client.post("/sign-in/code", data={"code": "12345"})

    assert empty.status_code == 200
    assert "Enter the 6-digit code from the email" in empty.get_data(as_text=True)
    assert "The code must be 6 digits, like 123456" in short.get_data(as_text=True)
    assert 'autocomplete="one-time-code"' in empty.get_data(as_text=True)
    assert 'inputmode="numeric"' in empty.get_data(as_text=True)


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("", "Enter your email address"),
        ("not-an-address", "Enter an email address in the correct format, like name@example.com"),
    ],
)
def test_email_form_messages(client: FlaskClient, session: Session, email: str, message: str) -> None:
    response = ask_for_code(client, email)

    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert count(session, OutboxMessage) == 0


def test_a_wrong_code_counts_and_five_end_the_request(client: FlaskClient, session: Session) -> None:
    ask_for_code(client, "amina@example.org")
    code = code_in(latest_email(session, "amina@example.org"))
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"

    response = client.post("/sign-in/code", data={"code": wrong})

    assert response.status_code == 200
    assert "The code is not right" in response.get_data(as_text=True)
    assert latest_request(session, "amina@example.org").failed_attempts == 1

    for _ in range(MAX_CODE_ATTEMPTS - 1):
        response = client.post("/sign-in/code", data={"code": wrong})
    assert "You need a new code" in page_text(response)
    assert "Request a new code" in page_text(response)

    response = client.post("/sign-in/code", data={"code": code})

    assert response.status_code == 200
    assert "You need a new code" in page_text(response)
    assert not is_signed_in(client)
    assert count(session, User) == 0


def test_an_expired_code_says_so(client: FlaskClient, session: Session) -> None:
    ask_for_code(client, "amina@example.org")
    code = code_in(latest_email(session, "amina@example.org"))
    row = latest_request(session, "amina@example.org")
    row.expires_at = utcnow() - timedelta(seconds=1)
    session.commit()

    response = client.post("/sign-in/code", data={"code": code})

    assert "This code has expired" in page_text(response)
    assert "Start again" in page_text(response)
    assert not is_signed_in(client)


def test_an_expired_link_says_so(client: FlaskClient, session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    ask_for_code(client, "amina@example.org")
    path = link_in(latest_email(session, "amina@example.org"))
    later = utcnow() + timedelta(minutes=16)
    monkeypatch.setattr("portal.services.people.sign_in.utcnow", lambda: later)

    response = client.post(path)

    assert "This link has expired" in page_text(response)


def test_the_link_page_changes_nothing_and_its_button_signs_in(client: FlaskClient, session: Session) -> None:
    make_user(session, email="amina@example.org")
    session.commit()
    ask_for_code(client, "amina@example.org")
    path = link_in(latest_email(session, "amina@example.org"))

    for _ in range(3):  # a mail scanner, then the person
        page = client.get(path)
        assert page.status_code == 200
        assert "Sign in" in page_text(page)
    assert latest_request(session, "amina@example.org").used_at is None
    assert count(session, UserSession) == 0

    response = client.post(path)

    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard"
    assert latest_request(session, "amina@example.org").used_at is not None
    assert is_signed_in(client)


def test_a_double_tap_on_the_link_signs_in_once(client: FlaskClient, session: Session) -> None:
    ask_for_code(client, "amina@example.org")
    path = link_in(latest_email(session, "amina@example.org"))
    with client.session_transaction() as flask_session:
        before = dict(flask_session)

    first = client.post(path)
    with client.session_transaction() as flask_session:  # the second tap carries the old cookie
        flask_session.clear()
        flask_session.update(before)
    second = client.post(path)

    assert first.status_code == 302
    assert second.status_code == 200
    assert "This link has already been used" in page_text(second)
    assert count(session, UserSession) == 1


def test_a_used_code_cannot_be_used_again(client: FlaskClient, session: Session) -> None:
    ask_for_code(client, "amina@example.org")
    code = code_in(latest_email(session, "amina@example.org"))
    with client.session_transaction() as flask_session:
        before = dict(flask_session)
    client.post("/sign-in/code", data={"code": code})
    with client.session_transaction() as flask_session:
        flask_session.clear()
        flask_session.update(before)

    response = client.post("/sign-in/code", data={"code": code})

    assert "This code has already been used" in page_text(response)
    assert count(session, UserSession) == 1


def test_a_newer_sign_in_retires_older_links(client: FlaskClient, session: Session) -> None:
    ask_for_code(client, "amina@example.org")
    old_link = link_in(latest_email(session, "amina@example.org"))
    ask_for_code(client, "amina@example.org")
    client.post("/sign-in/code", data={"code": code_in(latest_email(session, "amina@example.org"))})
    client.post("/sign-out")
    ask_for_code(client, "amina@example.org")  # the browser secret again

    response = client.post(old_link)

    assert "already been used" in page_text(response)


def test_the_link_works_only_in_the_browser_that_asked(app: Flask, client: FlaskClient, session: Session) -> None:
    ask_for_code(client, "amina@example.org")
    path = link_in(latest_email(session, "amina@example.org"))
    other_browser = app.test_client()

    page = other_browser.get(path)
    response = other_browser.post(path, data={"csrf_token": csrf_token_for(other_browser, app)})

    for shown in (page, response):
        assert shown.status_code == 200
        assert "Open the link where you asked for it" in page_text(shown)
        assert "6-digit code" in page_text(shown)
    assert latest_request(session, "amina@example.org").used_at is None
    assert count(session, UserSession) == 0
    assert client.post(path).headers["Location"] == "/dashboard"  # still fine where it was asked for


def csrf_token_for(client: FlaskClient, app: Flask) -> str:
    from tests.conftest import CsrfClient

    return CsrfClient.csrf_token(client)  # type: ignore[arg-type]


def test_a_made_up_link_does_not_work(client: FlaskClient, session: Session) -> None:
    ask_for_code(client, "amina@example.org")
    path = link_in(latest_email(session, "amina@example.org"))
    handle = path.split("/")[3]

    for wrong in (f"/sign-in/link/{handle}/not-the-token", "/sign-in/link/nothing/at-all"):
        assert "This link does not work" in page_text(client.get(wrong))
        assert "This link does not work" in page_text(client.post(wrong))
    assert count(session, UserSession) == 0


def test_the_answer_is_the_same_whether_or_not_an_account_exists(client: FlaskClient, session: Session) -> None:
    make_user(session, email="applicant@example.org")
    make_user(session, email="officer@example.org", roles=(Role.OFFICER,), password="river otter lantern")
    make_user(session, email="gone@example.org", active=False)
    session.commit()

    pages = {}
    for email in ("applicant@example.org", "officer@example.org", "gone@example.org", "nobody@example.org"):
        response = ask_for_code(client, email)
        assert response.status_code == 302
        assert response.headers["Location"] == "/sign-in/check-your-email"
        with client.session_transaction() as flask_session:
            assert set(flask_session) >= {"sign_in", "sign_in_browser"}
        pages[email] = page_text(client.get("/sign-in/check-your-email")).replace(email, "ADDRESS")

    assert len(set(pages.values())) == 1
    assert "Check your email" in pages["nobody@example.org"]
    assert "Your code is" in latest_email(session, "applicant@example.org").body
    assert "Your code is" in latest_email(session, "nobody@example.org").body
    reread(session)
    hint = latest_email(session, "officer@example.org")
    assert "Your code is" not in hint.body
    assert f"{client.application.config['PORTAL_BASE_URL']}/staff/sign-in" in hint.body
    assert session.scalar(select(func.count()).where(OutboxMessage.to == "gone@example.org")) == 0


def test_staff_and_deactivated_people_cannot_sign_in_by_email(client: FlaskClient, session: Session) -> None:
    make_user(session, email="officer@example.org", roles=(Role.OFFICER,))
    session.commit()
    ask_for_code(client, "officer@example.org")

    for attempt in ("000000", "123456", "999999"):
        response = client.post("/sign-in/code", data={"code": attempt})
        assert "The code is not right" in response.get_data(as_text=True)
    assert count(session, UserSession) == 0


@pytest.mark.parametrize(
    ("next_path", "location"),
    [
        ("/rounds/spring", "/rounds/spring"),
        ("/apply/1/budget?step=2", "/apply/1/budget?step=2"),
        ("//evil.example", "/dashboard"),
        ("https://evil.example", "/dashboard"),
        ("/\\evil.example", "/dashboard"),
        ("javascript:alert(1)", "/dashboard"),
        ("", "/dashboard"),
    ],
)
def test_only_local_next_paths_are_followed(
    client: FlaskClient, session: Session, next_path: str, location: str
) -> None:
    ask_for_code(client, "amina@example.org", next_path=next_path)

    response = client.post("/sign-in/code", data={"code": code_in(latest_email(session, "amina@example.org"))})

    assert response.headers["Location"] == location


def test_the_sign_in_page_keeps_a_safe_next_path(client: FlaskClient) -> None:
    safe = client.get("/sign-in?next=/rounds/spring").get_data(as_text=True)
    unsafe = client.get("/sign-in?next=//evil.example").get_data(as_text=True)

    assert 'value="/rounds/spring"' in safe
    assert "evil.example" not in unsafe
    assert 'autocomplete="email"' in safe


@pytest.mark.parametrize(
    "value",
    ["//evil.example", "https://evil.example", "/\\evil", "\\\\evil", "evil", "/ok\n", "/" + "a" * 300, None, ""],
)
def test_safe_next_path_refuses_anything_but_a_local_path(value: str | None) -> None:
    assert safe_next_path(value) is None


def test_signing_in_gives_a_new_session(client: FlaskClient, session: Session) -> None:
    with client.session_transaction() as flask_session:
        flask_session["planted"] = "by someone else"
    ask_for_code(client, "amina@example.org")
    before = client.get_cookie("session")
    assert before is not None

    client.post("/sign-in/code", data={"code": code_in(latest_email(session, "amina@example.org"))})

    after = client.get_cookie("session")
    assert after is not None
    assert after.value != before.value
    with client.session_transaction() as flask_session:
        assert "planted" not in flask_session
        assert "sign_in" not in flask_session
        assert "sid" in flask_session


def test_signing_out_ends_the_session_even_for_a_copied_cookie(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    ask_for_code(client, "amina@example.org")
    client.post("/sign-in/code", data={"code": code_in(latest_email(session, "amina@example.org"))})
    cookie = client.get_cookie("session")
    assert cookie is not None

    response = client.post("/sign-out")

    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    with client.session_transaction() as flask_session:
        assert ("success", "You have signed out") in flask_session["_flashes"]
    assert not is_signed_in(client)
    reread(session)
    assert session.scalars(select(UserSession)).one().revoked_at is not None
    copy = app.test_client()
    copy.set_cookie("session", cookie.value)
    assert not is_signed_in(copy)


def test_the_code_page_without_a_request_goes_back_to_the_start(client: FlaskClient) -> None:
    assert client.get("/sign-in/code").headers["Location"] == "/sign-in"
    assert client.post("/sign-in/code", data={"code": "123456"}).headers["Location"] == "/sign-in"
    assert client.get("/sign-in/check-your-email").headers["Location"] == "/sign-in"


def test_posts_need_a_csrf_token(client: FlaskClient, session: Session) -> None:
    response = client.post("/sign-in", data={"email": "amina@example.org"}, csrf=False)

    assert response.status_code == 400
    assert count(session, SignInRequest) == 0


def test_rate_limits_are_off_when_disabled(client: FlaskClient) -> None:
    for _ in range(25):
        assert ask_for_code(client, "amina@example.org").status_code == 302
