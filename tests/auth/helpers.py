"""Helpers for the sign-in tests."""

from __future__ import annotations

import re

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from portal.models.outbox import OutboxMessage
from portal.models.users import SignInRequest
from portal.services.messages.outbox import body_to_send
from tests.fixtures.databases import reread


def ask_for_code(client: FlaskClient, email: str, next_path: str = "", **kwargs: object) -> TestResponse:
    return client.post("/sign-in", data={"email": email, "next": next_path}, **kwargs)


def latest_email(session: Session, to: str) -> OutboxMessage:
    reread(session)
    query = select(OutboxMessage).where(OutboxMessage.to == to).order_by(OutboxMessage.id.desc())
    message = session.scalars(query).first()
    assert message is not None, f"no email to {to}"
    return message


def code_in(message: OutboxMessage) -> str:
    """The code as the email will carry it (the stored body holds only a placeholder)."""
    body = body_to_send(message)
    found = re.search(r"Your code is: (\d{6})", body)
    assert found, body
    return found.group(1)


def link_in(message: OutboxMessage) -> str:
    """The path of the sign-in link (the email has the full address)."""
    body = body_to_send(message)
    found = re.search(r"https?://[^/\s]+(/sign-in/link/\S+)", body)
    assert found, body
    return found.group(1)


def latest_request(session: Session, email: str) -> SignInRequest:
    reread(session)
    query = select(SignInRequest).where(SignInRequest.email == email).order_by(SignInRequest.id.desc())
    row = session.scalars(query).first()
    assert row is not None
    return row


def is_signed_in(client: FlaskClient) -> bool:
    """Whether the client's cookie still signs it in (the loader drops it if not)."""
    client.get("/healthz")
    with client.session_transaction() as flask_session:
        return "sid" in flask_session


def page_text(response: TestResponse) -> str:
    """The visible words of the page's main content, without tags or the CSRF token."""
    html = response.get_data(as_text=True)
    main = html.split("<main", 1)[-1].split(">", 1)[-1].split("</main>", 1)[0]
    return " ".join(re.sub(r"<[^>]+>", " ", main).split())
