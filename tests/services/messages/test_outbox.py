"""Outbox delivery against a real SMTP server on loopback (aiosmtpd)."""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Iterator
from datetime import timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.config import ConfigError
from portal.extensions import db
from portal.infra.mail import (
    ConsoleTransport,
    OutgoingEmail,
    SmtpTransport,
    Transport,
    build_message,
    message_id,
    transport_from_url,
)
from portal.models.base import utcnow
from portal.models.outbox import OutboxMessage
from portal.services.messages.notify import queue_email
from portal.services.messages.outbox import MAX_TRIES, backoff, send_due
from tests.fixtures.databases import reread

SENDER = "Anchor Offer grants <grants@anchor.example>"


class Collector:
    """An aiosmtpd handler that keeps what it accepts and refuses on request."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refuse: dict[str, str] = {}  # recipient -> reply for RCPT
        self.defer_data: int = 0  # answer DATA with 451 this many times
        self.deferred_ids: list[str] = []
        self.lock = threading.Lock()

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        with self.lock:
            if self.defer_data:
                self.defer_data -= 1
                self.deferred_ids.append(str(message["Message-ID"]))
                return "451 4.3.0 Try again later"
            self.messages.append(message)
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class SmtpServer:
    def __init__(self, port: int, *, credentials: tuple[str, str] | None = None) -> None:
        self.port = port
        self.credentials = credentials
        self.handler = Collector()
        self.controller: Controller | None = None

    def start(self) -> None:
        options: dict[str, Any] = {}
        if self.credentials is not None:
            # AUTH offered without TLS: acceptable on loopback in a test only.
            options = {"authenticator": self._authenticate, "auth_require_tls": False}
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port, **options)
        self.controller.start()

    def _authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        given = (data.login.decode(), data.password.decode()) if isinstance(data, LoginPassword) else None
        # handled=False: aiosmtpd answers (235 or 535) itself.
        return AuthResult(success=given == self.credentials, handled=False)

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def transport(self) -> SmtpTransport:
        transport = transport_from_url(f"smtp://127.0.0.1:{self.port}", sender=SENDER)
        assert isinstance(transport, SmtpTransport)
        return transport

    @property
    def messages(self) -> list[EmailMessage]:
        return self.handler.messages


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer(free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def smtp_down() -> Iterator[SmtpServer]:
    """A port with nothing listening; ``start()`` brings the server up there."""
    server = SmtpServer(free_port())
    yield server
    server.stop()


def make_message(session: Session, *, to: str = "amina@example.org", **fields: Any) -> int:
    fields.setdefault("subject", "Your code to sign in")
    fields.setdefault("body", "Your code is: 123456\n")
    message = OutboxMessage(to=to, **fields)
    session.add(message)
    session.commit()
    return message.id


def fresh(session: Session, message_id: int) -> OutboxMessage:
    """The row as the database has it now, leaving no transaction open (as
    send_due requires; the session does not expire objects on commit)."""
    session.rollback()
    message = session.get(OutboxMessage, message_id, populate_existing=True)
    assert message is not None
    session.commit()
    return message


def outbox_count(session: Session) -> int:
    session.rollback()
    count = session.scalar(select(func.count()).select_from(OutboxMessage)) or 0
    session.rollback()
    return count


def test_a_queued_message_is_delivered_once_with_its_headers_and_body(
    session: Session, smtp_server: SmtpServer
) -> None:
    message_id_ = make_message(
        session, subject="Your £500 grant — next steps", body="Hello Amina,\n\nCafé opening: 3 May.\n"
    )

    report = send_due(session, smtp_server.transport())

    assert (report.sent, report.retrying, report.failed) == (1, 0, 0)
    [received] = smtp_server.messages
    row = fresh(session, message_id_)
    assert received["From"] == SENDER
    assert received["To"] == "amina@example.org"
    assert received["Subject"] == "Your £500 grant — next steps"
    assert received["Message-ID"] == message_id(
        OutgoingEmail(id=row.id, to=row.to, subject=row.subject, body=row.body, created_at=row.created_at), SENDER
    )
    assert received["Message-ID"].endswith("@anchor.example>")
    assert received["Date"] is not None
    assert received["Auto-Submitted"] == "auto-generated"
    assert received.get_content().replace("\r\n", "\n") == "Hello Amina,\n\nCafé opening: 3 May.\n"
    assert row.sent_at is not None
    assert row.tries == 0
    assert row.claimed_until is None

    again = send_due(session, smtp_server.transport(), now=utcnow() + timedelta(days=2))

    assert (again.sent, again.retrying, again.failed) == (0, 0, 0)
    assert len(smtp_server.messages) == 1


def test_when_smtp_is_down_the_message_waits_and_is_delivered_later(session: Session, smtp_down: SmtpServer) -> None:
    message_id_ = make_message(session)
    before = utcnow()

    report = send_due(session, smtp_down.transport())

    assert (report.sent, report.retrying, report.failed) == (0, 1, 0)
    row = fresh(session, message_id_)
    assert row.sent_at is None
    assert row.tries == 1
    assert row.claimed_until is None
    assert "ConnectionRefused" in (row.last_error or "")
    assert before + timedelta(seconds=59) < row.next_attempt_at < utcnow() + timedelta(minutes=2)

    smtp_down.start()
    # Not yet due: the server being back does not matter before the backoff ends.
    assert send_due(session, smtp_down.transport()).sent == 0
    assert smtp_down.messages == []

    report = send_due(session, smtp_down.transport(), now=utcnow() + timedelta(minutes=3))

    assert report.sent == 1
    assert len(smtp_down.messages) == 1
    row = fresh(session, message_id_)
    assert row.sent_at is not None
    assert row.tries == 1  # the failed attempt stays on record


def test_a_permanent_refusal_fails_the_message_without_retrying(
    session: Session, smtp_server: SmtpServer, caplog: pytest.LogCaptureFixture
) -> None:
    smtp_server.handler.refuse["nobody@example.org"] = "550 5.1.1 No such mailbox"
    message_id_ = make_message(session, to="nobody@example.org")

    with caplog.at_level(logging.ERROR, logger="portal.services.messages.outbox"):
        report = send_due(session, smtp_server.transport())

    assert (report.sent, report.retrying, report.failed) == (0, 0, 1)
    row = fresh(session, message_id_)
    assert row.sent_at is None
    assert row.tries == MAX_TRIES
    assert "550" in (row.last_error or "")
    assert "PermanentMailError" in (row.last_error or "")
    assert [r.levelno for r in caplog.records] == [logging.ERROR]
    assert f"Email {message_id_} failed" in caplog.text

    later = send_due(session, smtp_server.transport(), now=utcnow() + timedelta(days=30))

    assert (later.sent, later.retrying, later.failed) == (0, 0, 0)
    assert smtp_server.messages == []


def test_a_temporary_refusal_is_retried_with_the_same_message_id(session: Session, smtp_server: SmtpServer) -> None:
    smtp_server.handler.defer_data = 1
    make_message(session)

    first = send_due(session, smtp_server.transport())
    second = send_due(session, smtp_server.transport(), now=utcnow() + timedelta(minutes=5))

    assert (first.retrying, second.sent) == (1, 1)
    [received] = smtp_server.messages
    assert smtp_server.handler.deferred_ids == [received["Message-ID"]]


@pytest.mark.parametrize(("password", "sent"), [("s3cret/pw", 1), ("wrong", 0)])
def test_the_transport_signs_in_with_the_credentials_in_mail_url(session: Session, password: str, sent: int) -> None:
    server = SmtpServer(free_port(), credentials=("grants@anchor.example", "s3cret/pw"))
    server.start()
    try:
        message_id_ = make_message(session)
        url = f"smtp://grants%40anchor.example:{password.replace('/', '%2F')}@127.0.0.1:{server.port}"

        report = send_due(session, transport_from_url(url, sender=SENDER))

        assert report.sent == len(server.messages) == sent
        # A refused login is the operator's to fix: the message waits rather than failing.
        assert report.retrying == 1 - sent
        assert fresh(session, message_id_).tries == 1 - sent
    finally:
        server.stop()


def test_a_greylisted_recipient_is_retried(session: Session, smtp_server: SmtpServer) -> None:
    smtp_server.handler.refuse["amina@example.org"] = "450 4.2.0 Greylisted, come back later"
    message_id_ = make_message(session)

    report = send_due(session, smtp_server.transport())

    assert (report.retrying, report.failed) == (1, 0)
    assert fresh(session, message_id_).tries == 1


def test_a_message_fails_after_max_tries(session: Session, smtp_down: SmtpServer) -> None:
    message_id_ = make_message(session, tries=MAX_TRIES - 1)

    report = send_due(session, smtp_down.transport())

    assert (report.retrying, report.failed) == (0, 1)
    row = fresh(session, message_id_)
    assert (row.tries, row.sent_at) == (MAX_TRIES, None)
    assert send_due(session, smtp_down.transport(), now=utcnow() + timedelta(days=30)).failed == 0


def test_messages_claimed_by_another_worker_are_left_alone_until_the_claim_lapses(
    session: Session, smtp_server: SmtpServer
) -> None:
    make_message(session, claimed_until=utcnow() + timedelta(minutes=5))

    assert send_due(session, smtp_server.transport()).sent == 0
    assert send_due(session, smtp_server.transport(), now=utcnow() + timedelta(minutes=6)).sent == 1


def test_a_worker_asked_to_stop_hands_its_claim_back(session: Session, smtp_server: SmtpServer) -> None:
    ids = [make_message(session) for _ in range(3)]

    report = send_due(session, smtp_server.transport(), stop=lambda: True)

    assert (report.sent, report.released) == (0, 3)
    assert all(fresh(session, i).claimed_until is None for i in ids)
    assert smtp_server.messages == []


def test_send_due_refuses_to_commit_the_callers_unfinished_work(session: Session, smtp_server: SmtpServer) -> None:
    session.add(OutboxMessage(to="amina@example.org", subject="Hello", body="Hi"))
    session.flush()

    with pytest.raises(RuntimeError, match="commit or roll back"):
        send_due(session, smtp_server.transport())


def test_backoff_doubles_from_a_minute_and_is_capped_at_six_hours() -> None:
    assert timedelta(minutes=1) <= backoff(1) <= timedelta(minutes=1.1)
    assert timedelta(minutes=8) <= backoff(4) <= timedelta(minutes=8.8)
    assert timedelta(hours=6) <= backoff(30) <= timedelta(hours=6.6)


def test_queue_email_belongs_to_the_callers_transaction(app: Flask, session: Session) -> None:
    context = {"code": "654321", "link": "http://127.0.0.1:5000/sign-in/abc", "minutes": 15}
    with app.test_request_context():
        queue_email(session, to="amina@example.org", subject="Your code", template="sign_in", **context)
        session.rollback()
    assert outbox_count(session) == 0

    with app.test_request_context():
        message = queue_email(session, to=" amina@example.org ", subject="Your code", template="sign_in", **context)
        session.commit()
    assert outbox_count(session) == 1
    assert message.to == "amina@example.org"
    assert "654321" in message.body


@pytest.mark.parametrize(
    ("to", "subject"),
    [
        ("amina@example.org\r\nBcc: x@example.org", "Hello"),
        ("", "Hi"),
        ("amina@example.org", " \r\n "),
    ],
)
def test_queue_email_refuses_header_injection_and_blank_addresses(
    app: Flask, session: Session, to: str, subject: str
) -> None:
    with app.test_request_context(), pytest.raises(ValueError, match="email"):
        queue_email(session, to=to, subject=subject, template="sign_in")


def test_a_subject_is_folded_onto_one_line_and_shortened_to_fit(app: Flask, session: Session) -> None:
    with app.test_request_context():
        injected = queue_email(
            session, to="amina@example.org", subject="Hello\r\nBcc: x@example.org", template="sign_in", code="1"
        )
        long = queue_email(session, to="amina@example.org", subject="Cancelled: " + "Café ☕ " * 40, template="sign_in")
    session.commit()
    reread(session)
    assert injected.subject == "Hello Bcc: x@example.org"
    assert len(long.subject) <= 200
    assert long.subject.endswith("Café ☕…")
    message = build_message(
        OutgoingEmail(id=1, to=injected.to, subject=injected.subject, body="", created_at=injected.created_at), SENDER
    )
    assert "Bcc" not in message


def test_the_console_transport_shows_the_whole_message(
    session: Session, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    message_id_ = make_message(session, subject="Your code to sign in", body="Your code is: 246810\nOpen the link.\n")
    transport = transport_from_url("console", sender=SENDER)
    assert isinstance(transport, ConsoleTransport)

    with caplog.at_level(logging.INFO, logger="portal.infra.mail"):
        report = send_due(session, transport)

    assert report.sent == 1
    stderr = capsys.readouterr().err
    for text in (stderr, caplog.text):
        assert f"From: {SENDER}" in text
        assert "To: amina@example.org" in text
        assert "Subject: Your code to sign in" in text
        assert "Your code is: 246810\nOpen the link." in text
    assert fresh(session, message_id_).sent_at is not None


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://127.0.0.1:2525", ("127.0.0.1", 2525, "none", None, None)),
        ("smtp://mail.example.org", ("mail.example.org", 25, "none", None, None)),
        ("smtp://u%40x:p%2Fw@mail.example.org:587", ("mail.example.org", 587, "starttls", "u@x", "p/w")),
        ("smtp://mail.example.org:2525?starttls=1", ("mail.example.org", 2525, "starttls", None, None)),
        ("smtp://mail.example.org:587?starttls=0", ("mail.example.org", 587, "none", None, None)),
        ("smtps://u:p@mail.example.org", ("mail.example.org", 465, "tls", "u", "p")),
    ],
)
def test_transport_from_url_reads_host_port_security_and_login(url: str, expected: tuple[Any, ...]) -> None:
    transport = transport_from_url(url, sender=SENDER)

    assert isinstance(transport, SmtpTransport)
    assert (transport.host, transport.port, transport.security, transport.username, transport.password) == expected
    assert transport.timeout == 10


@pytest.mark.parametrize("url", ["http://mail.example.org", "smtp://", "smtp://host:notaport", "sendmail"])
def test_transport_from_url_rejects_what_it_cannot_use(url: str) -> None:
    with pytest.raises(ConfigError, match="MAIL_URL"):
        transport_from_url(url, sender=SENDER)


@pytest.mark.postgres_only
def test_several_workers_deliver_every_message_exactly_once(
    app: Flask, session: Session, smtp_server: SmtpServer
) -> None:
    for number in range(30):
        session.add(OutboxMessage(to=f"person{number}@example.org", subject=f"Message {number}", body="Hello\n"))
    session.commit()
    start = threading.Barrier(3)
    errors: list[BaseException] = []
    sent_by_worker: list[int] = []

    def worker() -> None:
        transport: Transport = smtp_server.transport()
        sent = 0
        try:
            with app.app_context():
                start.wait()
                while True:
                    # Small batches, so the workers' claims interleave.
                    report = send_due(db.session, transport, batch=4)
                    sent += report.sent
                    if report.sent + report.retrying + report.failed + report.released == 0:
                        break
        except BaseException as exc:  # reported to the test thread below
            errors.append(exc)
        sent_by_worker.append(sent)

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert sum(sent_by_worker) == 30
    subjects = sorted(str(m["Subject"]) for m in smtp_server.messages)
    assert subjects == sorted(f"Message {number}" for number in range(30))
    assert len({m["Message-ID"] for m in smtp_server.messages}) == 30
    session.rollback()
    assert session.scalar(select(func.count()).where(OutboxMessage.sent_at.is_(None))) == 0
