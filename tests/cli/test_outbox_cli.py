"""``flask --app portal outbox send|list``."""

from __future__ import annotations

import os
import signal
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from portal.cli import outbox as outbox_cli
from portal.models.base import utcnow
from portal.models.outbox import OutboxMessage
from portal.services.messages.outbox import MAX_TRIES, SendReport


@pytest.fixture
def config_overrides() -> dict[str, Any]:
    # Development's transport: delivery works with no mail server at all.
    return {"MAIL_URL": "console"}


def queue(session: Session, *, to: str = "amina@example.org", **fields: Any) -> int:
    fields.setdefault("subject", "Your code to sign in")
    fields.setdefault("body", "Your code is: 135790\n")
    message = OutboxMessage(to=to, **fields)
    session.add(message)
    session.commit()
    return message.id


def reload(session: Session, message_id: int) -> OutboxMessage:
    session.rollback()
    message = session.get(OutboxMessage, message_id, populate_existing=True)
    assert message is not None
    session.commit()
    return message


def test_outbox_send_delivers_what_is_due_and_reports_it(app: Flask, session: Session) -> None:
    message_id = queue(session)
    queue(session, next_attempt_at=utcnow() + timedelta(hours=1))

    result = app.test_cli_runner().invoke(args=["outbox", "send"])

    assert result.exit_code == 0, result.output
    assert "Sent 1, will retry 0, failed 0" in result.stdout
    assert "Your code is: 135790" in result.stderr  # the console transport
    assert reload(session, message_id).sent_at is not None

    again = app.test_cli_runner().invoke(args=["outbox", "send"])

    assert "Sent 0, will retry 0, failed 0" in again.stdout


def test_outbox_send_counts_retries_when_the_mail_server_is_down(app: Flask, session: Session) -> None:
    app.config["MAIL_URL"] = "smtp://127.0.0.1:9"  # nothing listens there
    message_id = queue(session)

    result = app.test_cli_runner().invoke(args=["outbox", "send"])

    assert result.exit_code == 0, result.output
    assert "Sent 0, will retry 1, failed 0" in result.stdout
    row = reload(session, message_id)
    assert (row.sent_at, row.tries) == (None, 1)


def test_outbox_send_loop_stops_cleanly_on_sigterm(
    app: Flask, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    message_id = queue(session)
    real_send_due = outbox_cli.send_due
    passes: list[SendReport] = []

    def send_then_sigterm(*args: Any, **kwargs: Any) -> SendReport:
        report = real_send_due(*args, **kwargs)
        passes.append(report)
        os.kill(os.getpid(), signal.SIGTERM)  # as a process manager stopping the worker would
        return report

    monkeypatch.setattr(outbox_cli, "send_due", send_then_sigterm)
    handler_before = signal.getsignal(signal.SIGTERM)

    result = app.test_cli_runner().invoke(args=["outbox", "send", "--loop", "--interval", "0.1"])

    assert result.exit_code == 0, result.output
    assert len(passes) == 1
    assert "Sent 1, will retry 0, failed 0" in result.stdout
    assert result.stdout.rstrip().endswith("Stopped.")
    assert signal.getsignal(signal.SIGTERM) is handler_before
    assert reload(session, message_id).sent_at is not None


def test_outbox_list_counts_messages_and_never_shows_bodies(app: Flask, session: Session) -> None:
    queue(session, to="due@example.org", body="Secret code 111111\n")
    queue(session, to="sent@example.org", body="Secret code 222222\n", sent_at=utcnow())
    queue(
        session,
        to="failed@example.org",
        body="Secret code 333333\n",
        tries=MAX_TRIES,
        last_error="PermanentMailError: recipient refused: 550 No such mailbox",
    )

    result = app.test_cli_runner().invoke(args=["outbox", "list"])

    assert result.exit_code == 0, result.output
    assert "Pending 1 (due now 1), failed 1, sent 1" in result.stdout
    for address in ("due@example.org", "sent@example.org", "failed@example.org"):
        assert address in result.stdout
    assert "550 No such mailbox" in result.stdout
    assert "Secret code" not in result.output
