"""``flask --app portal outbox send|list`` with texts: one worker sends both, through SMS_URL."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from portal.models.outbox import Channel, OutboxMessage
from tests.fixtures.sms import FakeTwilio


@pytest.fixture
def config_overrides(fake_twilio: FakeTwilio) -> dict[str, Any]:
    return {"MAIL_URL": "console", "SMS_URL": fake_twilio.url}


def test_one_worker_sends_email_and_texts(app: Flask, session: Session, fake_twilio: FakeTwilio) -> None:
    session.add(OutboxMessage(to="amina@example.org", subject="Hello", body="Hello\n"))
    session.add(OutboxMessage(channel=Channel.TEXT, to="+447700900123", subject="Reminder", body="Reminder text"))
    session.commit()
    runner = app.test_cli_runner()

    sent = runner.invoke(args=["outbox", "send"])
    listed = runner.invoke(args=["outbox", "list"])

    assert sent.exit_code == 0, sent.output
    assert "Sent 2, will retry 0, failed 0" in sent.output
    assert fake_twilio.bodies == ["Reminder text"]
    assert "text  to +447700900123" in listed.output
    assert "email to amina@example.org" in listed.output
    assert "Reminder text" not in listed.output  # bodies are never listed


@pytest.mark.parametrize("config_overrides", [{"MAIL_URL": "console", "SMS_URL": ""}])
def test_without_sms_url_texts_wait_and_email_goes(app: Flask, session: Session) -> None:
    session.add(OutboxMessage(to="amina@example.org", subject="Hello", body="Hello\n"))
    session.add(OutboxMessage(channel=Channel.TEXT, to="+447700900123", subject="Reminder", body="Reminder text"))
    session.commit()
    sent = app.test_cli_runner().invoke(args=["outbox", "send"])
    assert "Sent 1, will retry 0, failed 0" in sent.output
