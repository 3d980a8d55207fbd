"""A sign-in email's code and link are delivered but never kept in what is stored or exported."""

from __future__ import annotations

import io
import json
import re
import zipfile

from cryptography.fernet import Fernet
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text
from sqlalchemy.orm import Session

from portal.extensions import db
from portal.infra.mail import OutgoingEmail
from portal.services.messages.outbox import send_due
from tests.auth.helpers import ask_for_code
from tests.conftest import CsrfClient
from tests.factories import make_user
from tests.fixtures.databases import reread

EMAIL = "amina@example.org"


class Recorder:
    """A transport that keeps what it is given."""

    def __init__(self) -> None:
        self.sent: list[OutgoingEmail] = []

    def send(self, email: OutgoingEmail) -> None:
        self.sent.append(email)

    def close(self) -> None:
        pass


def deliver(session: Session) -> list[OutgoingEmail]:
    reread(session)
    recorder = Recorder()
    send_due(db.session, recorder)
    return recorder.sent


def secrets_in(email: OutgoingEmail) -> tuple[str, str]:
    code = re.search(r"Your code is: (\d{6})", email.body)
    link = re.search(r"/sign-in/link/([^/\s]+)/(\S+)", email.body)
    assert code, email.body
    assert link, email.body
    return code.group(1), link.group(2)


def stored_text(session: Session) -> str:
    """Every column of every stored email, as text."""
    reread(session)
    rows = session.execute(text("SELECT * FROM outbox_messages")).all()
    return " ".join(str(value) for row in rows for value in row)


def test_the_stored_email_never_holds_the_code_or_the_link(client: FlaskClient, session: Session) -> None:
    ask_for_code(client, EMAIL)
    before_sending = stored_text(session)

    [delivered] = deliver(session)

    code, token = secrets_in(delivered)
    for stored in (before_sending, stored_text(session)):
        assert code not in stored
        assert token not in stored
    assert "[code not kept]" in stored_text(session)


def test_a_sent_email_keeps_no_encrypted_copy_of_its_secrets(client: FlaskClient, session: Session) -> None:
    ask_for_code(client, EMAIL)
    reread(session)
    assert session.execute(text("SELECT secrets_encrypted FROM outbox_messages")).scalar_one() is not None

    deliver(session)

    reread(session)
    assert session.execute(text("SELECT secrets_encrypted FROM outbox_messages")).scalar_one() is None


def test_the_code_signs_in_after_the_email_is_sent(client: FlaskClient, session: Session) -> None:
    ask_for_code(client, EMAIL)
    [delivered] = deliver(session)
    code, _token = secrets_in(delivered)

    response = client.post("/sign-in/code", data={"code": code})

    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard"


def test_an_email_whose_secrets_cannot_be_read_fails_rather_than_going_without_them(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    ask_for_code(client, EMAIL)
    app.config["BANK_DETAILS_KEYS"] = [Fernet.generate_key().decode()]

    assert deliver(session) == []

    reread(session)
    row = session.execute(text("SELECT sent_at, last_error, secrets_encrypted FROM outbox_messages")).one()
    assert row.sent_at is None
    assert "cannot be read" in row.last_error
    assert row.secrets_encrypted is None


def test_the_your_data_zip_holds_no_code_or_link(app: Flask, session: Session) -> None:
    make_user(session, email=EMAIL)
    session.commit()
    app.test_client_class = CsrfClient
    person, other_browser = app.test_client(), app.test_client()
    ask_for_code(person, EMAIL)
    [sent] = deliver(session)
    code, token = secrets_in(sent)
    person.post("/sign-in/code", data={"code": code})
    ask_for_code(other_browser, EMAIL)  # still waiting to be sent

    response = person.post("/account/your-data")

    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.get_data())) as archive:
        data = archive.read("data.json").decode()
    response.close()
    assert len(json.loads(data)["emails_sent_to_you"]) == 2
    assert code not in data
    assert token not in data
    assert "/sign-in/link/" not in data
