"""Texts through the outbox, sent to a fake Twilio server over HTTP on loopback (tests/fixtures/sms.py)."""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from portal.config import ConfigError
from portal.infra import sms
from portal.infra.mail import Transport
from portal.models.base import utcnow
from portal.models.outbox import Channel, OutboxMessage
from portal.plain_text import is_one_line
from portal.services.messages.notify import MAX_TEXT_LENGTH, placeholder, queue_text
from portal.services.messages.outbox import MAX_TRIES, send_due
from tests.fixtures.sms import ACCOUNT_SID, AUTH_TOKEN, SENDER, FakeTwilio
from tests.services.messages.test_email_subjects import BIDI_AND_EMOJI, CONTROLS, INJECTION, LONGEST
from tests.services.messages.test_outbox import SmtpServer, fresh

MOBILE = "+447700900123"


def twilio(fake: FakeTwilio) -> sms.Transport:
    return sms.transport_from_url(fake.url)


def queue_sign_in_text(session: Session, code: str = "123456") -> int:
    message = queue_text(
        session, to="07700 900123", about="Sign-in code", template="sign_in", secrets={"code": code}, minutes=15
    )
    session.commit()
    return message.id


def test_a_text_is_sent_once_with_its_code_filled_in_only_at_sending(
    app: Flask, session: Session, fake_twilio: FakeTwilio, smtp_server: SmtpServer
) -> None:
    message_id = queue_sign_in_text(session)
    stored = fresh(session, message_id)
    assert (stored.channel, stored.to) == (Channel.TEXT, MOBILE)
    assert placeholder("code") in stored.body
    assert "123456" not in stored.body
    assert stored.secrets_encrypted is not None

    report = send_due(session, smtp_server.transport(), texts=twilio(fake_twilio))
    again = send_due(session, smtp_server.transport(), texts=twilio(fake_twilio))

    assert (report.sent, again.sent) == (1, 0)
    [text] = fake_twilio.accepted
    assert (text.to, text.sender) == (MOBILE, SENDER)
    assert text.body.startswith("Your Anchor Offer grants sign-in code is 123456")
    assert smtp_server.messages == []  # a text is never emailed
    sent = fresh(session, message_id)
    assert (sent.sent_at is not None, sent.secrets_encrypted) == (True, None)
    assert "123456" not in sent.body


@pytest.mark.parametrize("status", [500, 503, 429])
def test_a_text_the_provider_cannot_take_now_is_retried_later_and_sent_once(
    app: Flask, session: Session, fake_twilio: FakeTwilio, smtp_server: SmtpServer, status: int
) -> None:
    message_id = queue_sign_in_text(session)
    fake_twilio.fail_next(status)

    first = send_due(session, smtp_server.transport(), texts=twilio(fake_twilio))
    waiting = fresh(session, message_id)
    assert (first.retrying, waiting.tries, waiting.sent_at) == (1, 1, None)
    assert f"HTTP {status}" in (waiting.last_error or "")
    assert waiting.secrets_encrypted is not None  # kept for the retry
    # Not due again until its backoff has passed.
    assert send_due(session, smtp_server.transport(), texts=twilio(fake_twilio)).sent == 0

    later = send_due(session, smtp_server.transport(), texts=twilio(fake_twilio), now=utcnow() + timedelta(hours=1))

    assert later.sent == 1
    assert fake_twilio.requests == 2
    assert [text.body.split("\n")[0] for text in fake_twilio.accepted] == [
        "Your Anchor Offer grants sign-in code is 123456"
    ]
    assert fresh(session, message_id).sent_at is not None


@pytest.mark.parametrize("status", [400, 401, 404])
def test_a_text_the_provider_refuses_fails_at_once_and_is_never_retried(
    app: Flask, session: Session, fake_twilio: FakeTwilio, smtp_server: SmtpServer, status: int
) -> None:
    message_id = queue_sign_in_text(session)
    fake_twilio.fail_next(status)

    report = send_due(session, smtp_server.transport(), texts=twilio(fake_twilio))
    later = send_due(session, smtp_server.transport(), texts=twilio(fake_twilio), now=utcnow() + timedelta(days=2))

    failed = fresh(session, message_id)
    assert (report.failed, later.sent, fake_twilio.requests) == (1, 0, 1)
    assert (failed.tries, failed.sent_at, failed.secrets_encrypted) == (MAX_TRIES, None, None)
    assert f"HTTP {status}" in (failed.last_error or "")
    assert "123456" not in (failed.last_error or "")


def test_wrong_credentials_are_refused_for_good(app: Flask, session: Session, fake_twilio: FakeTwilio) -> None:
    queue_sign_in_text(session)
    wrong = sms.transport_from_url(fake_twilio.url.replace(AUTH_TOKEN, "not-the-token"))
    report = send_due(session, _no_email(), texts=wrong)
    assert (report.failed, fake_twilio.accepted) == (1, [])


def test_with_the_provider_unreachable_the_text_waits(app: Flask, session: Session) -> None:
    message_id = queue_sign_in_text(session)
    unreachable = sms.transport_from_url(f"twilio://{ACCOUNT_SID}:{AUTH_TOKEN}@127.0.0.1:9?from=%2B447700900000")
    report = send_due(session, _no_email(), texts=unreachable)
    assert report.retrying == 1
    assert fresh(session, message_id).tries == 1


def test_a_worker_without_a_text_transport_leaves_texts_for_one_that_has_it(
    app: Flask, session: Session, fake_twilio: FakeTwilio, smtp_server: SmtpServer
) -> None:
    message_id = queue_sign_in_text(session)
    session.add(OutboxMessage(to="amina@example.org", subject="Hello", body="Hello\n"))
    session.commit()

    emails_only = send_due(session, smtp_server.transport())
    untouched = fresh(session, message_id)

    assert (emails_only.sent, len(smtp_server.messages)) == (1, 1)
    assert (untouched.tries, untouched.claimed_until, untouched.sent_at) == (0, None, None)
    assert send_due(session, smtp_server.transport(), texts=twilio(fake_twilio)).sent == 1
    assert len(fake_twilio.accepted) == 1


def test_the_console_transport_prints_the_text(
    app: Flask, session: Session, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    queue_sign_in_text(session, code="654321")
    with caplog.at_level(logging.INFO, logger="portal.infra.sms"):
        report = send_due(session, _no_email(), texts=sms.transport_from_url("console"))
    assert report.sent == 1
    shown = capsys.readouterr().err
    assert f"To: {MOBILE}" in shown
    assert "sign-in code is 654321" in shown


@pytest.mark.parametrize("number", ["0161 496 0000", "07000 000000", "07600 900123", "12345", "ring me"])
def test_queue_text_refuses_what_is_not_a_uk_mobile(app: Flask, session: Session, number: str) -> None:
    with app.test_request_context(), pytest.raises(ValueError, match="UK mobile"):
        queue_text(session, to=number, about="Sign-in code", template="sign_in", secrets={"code": "1"}, minutes=15)


def test_a_long_text_is_cut_to_fit(app: Flask, session: Session) -> None:
    with app.test_request_context():
        message = queue_text(
            session,
            to=MOBILE,
            about="x",
            template="event_reminder",
            event=_Event(title="Gardening " * 200, starts_at=utcnow()),
            names=["A"],
            event_url="https://example.org/e/1",
        )
    first, link = message.body.split("\n")
    assert len(message.body) <= MAX_TEXT_LENGTH
    assert first.endswith("…")
    assert link == "Details, or cancel a place: https://example.org/e/1"


def test_twilio_url_names_account_sender_and_endpoint() -> None:
    transport = sms.transport_from_url("twilio://AC123:s%2Fecret@api.twilio.com?from=%2B447700900000")
    assert isinstance(transport, sms.TwilioTransport)
    assert (transport.account_sid, transport.auth_token, transport.sender) == ("AC123", "s/ecret", "+447700900000")
    assert transport.endpoint == "https://api.twilio.com/2010-04-01/Accounts/AC123/Messages.json"
    local = sms.transport_from_url("twilio://AC1:t@127.0.0.1:8081?from=MG123")
    assert isinstance(local, sms.TwilioTransport)
    assert local.endpoint == "http://127.0.0.1:8081/2010-04-01/Accounts/AC1/Messages.json"


@pytest.mark.parametrize(
    "url",
    [
        "twilio://api.twilio.com?from=%2B447700900000",  # no credentials
        "twilio://AC1:t@api.twilio.com",  # no sender
        "https://AC1:t@api.twilio.com?from=1",
        "twilio://AC1:t@api.twilio.com:notaport?from=1",
        "sms",
    ],
)
def test_transport_from_url_rejects_what_it_cannot_use(url: str) -> None:
    with pytest.raises(ConfigError, match="SMS_URL"):
        sms.transport_from_url(url)


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (400, sms.PermanentSmsError),
        (404, sms.PermanentSmsError),
        (429, sms.TransientSmsError),
        (500, sms.TransientSmsError),
    ],
)
def test_classify_treats_4xx_as_permanent_except_429(status: int, kind: type[sms.SmsError]) -> None:
    assert isinstance(sms.classify(status, "x"), kind)


class _Event:
    def __init__(self, *, title: str, starts_at: object) -> None:
        self.title = title
        self.starts_at = starts_at


class _NoEmail:
    """For passes that hold only texts: any email handed to it is a test failure."""

    def send(self, email: object) -> None:
        raise AssertionError("no email was expected")

    def close(self) -> None:
        """Nothing to close."""


def _no_email() -> Transport:
    return _NoEmail()  # type: ignore[return-value]


@pytest.mark.parametrize("hostile", [LONGEST, INJECTION, BIDI_AND_EMOJI, CONTROLS])
def test_hostile_titles_keep_a_text_to_its_lines_and_length(app: Flask, session: Session, hostile: str) -> None:
    with app.test_request_context():
        message = queue_text(
            session,
            to=MOBILE,
            about=hostile,
            template="draft_reminder",
            round_title=hostile,
            closes_at=utcnow(),
            missing=[hostile, "Budget"],
            application_url="https://example.org/applications/1",
        )
    lines = message.body.split("\n")
    assert len(message.body) <= MAX_TEXT_LENGTH
    assert len(lines) == 3
    assert all(is_one_line(line) for line in lines)
    assert lines[-1] == "Sign in to finish it: https://example.org/applications/1"
    assert is_one_line(message.subject)


@pytest.mark.parametrize("hostile", [LONGEST, INJECTION, BIDI_AND_EMOJI, CONTROLS])
def test_a_hostile_event_title_keeps_the_link_on_its_own_line(app: Flask, session: Session, hostile: str) -> None:
    with app.test_request_context():
        message = queue_text(
            session,
            to=MOBILE,
            about=hostile,
            template="event_reminder",
            event=_Event(title=hostile, starts_at=utcnow()),
            names=[hostile],
            event_url="https://example.org/events/1",
        )
    lines = message.body.split("\n")
    assert len(lines) == 2
    assert all(is_one_line(line) for line in lines)
    assert lines[-1] == "Details, or cancel a place: https://example.org/events/1"


def test_every_text_is_a_sign_in_code_or_has_the_email_it_stands_for() -> None:
    templates = Path(__file__).parents[3] / "templates"
    texts = {path.stem for path in (templates / "texts").glob("*.txt")}
    emails = {path.stem for path in (templates / "emails").glob("*.txt")}
    assert texts == {"sign_in", "draft_reminder", "report_reminder", "report_overdue", "event_reminder"}
    assert texts <= emails  # queue_reminder sends one or the other
