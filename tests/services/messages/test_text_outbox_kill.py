"""SMS outbox exactly-once with a worker killed mid-send, on PostgreSQL.

A real worker process (``flask --app portal outbox send``) claims three texts
and sends them to the fake Twilio server, which holds the second request
open; the worker is then killed with SIGKILL, as the kernel's OOM killer or a
lost machine would. Another worker, once the dead one's claim has lapsed,
sends what was not sent and never sends again what was marked sent.

Killed before the provider accepted the second text: each text arrives once.
Killed after the provider accepted it but before the "sent" mark: that one
text arrives twice. This is the window the outbox documents
(``portal.services.messages.outbox``); the test pins it down so it can never
widen unnoticed.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.infra import sms
from portal.models.base import utcnow
from portal.models.outbox import Channel, OutboxMessage
from portal.services.messages.outbox import CLAIM_FOR, send_due
from tests.fixtures.apps import TEST_BANK_KEY, TEST_SECRET_KEY
from tests.fixtures.databases import reread
from tests.fixtures.sms import FakeTwilio, HangWhen
from tests.services.messages.test_outbox import SmtpServer

ROOT = Path(__file__).resolve().parents[3]
BODIES = ["First text", "Second text", "Third text"]


def start_worker(db_url: str, fake: FakeTwilio, folder: Path) -> subprocess.Popen[bytes]:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PORTAL_ENV": "development",
        "DATABASE_URL": db_url,
        "SECRET_KEY": TEST_SECRET_KEY,
        "BANK_DETAILS_KEYS": TEST_BANK_KEY,
        "STORAGE_URL": f"file://{folder}",
        "MAIL_URL": "smtp://127.0.0.1:9",
        "SMS_URL": fake.url,
    }
    command = [sys.executable, "-m", "flask", "--app", "portal", "outbox", "send", "--batch", "10"]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@pytest.mark.postgres_only
@pytest.mark.parametrize(
    ("killed", "expected"), [("before_accepting", BODIES), ("after_accepting", [*BODIES, BODIES[1]])]
)
def test_a_worker_killed_mid_send_loses_nothing_and_repeats_only_the_documented_window(
    app: Flask,
    session: Session,
    db_url: str,
    tmp_path: Path,
    fake_twilio: FakeTwilio,
    smtp_server: SmtpServer,
    killed: HangWhen,
    expected: list[str],
) -> None:
    for body in BODIES:
        session.add(OutboxMessage(channel=Channel.TEXT, to="+447700900123", subject="Reminder", body=body))
        session.commit()  # one by one, so they are claimed in this order
    fake_twilio.hang(killed, from_request=2)

    worker = start_worker(db_url, fake_twilio, tmp_path)
    try:
        assert fake_twilio.hanging.wait(timeout=30), "the worker never reached the second text"
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()
    fake_twilio.release()

    reread(session)
    rows = {row.body: row for row in session.scalars(select(OutboxMessage))}
    assert rows["First text"].sent_at is not None  # marked before the kill: never sent again
    assert all(rows[body].sent_at is None and rows[body].claimed_until for body in BODIES[1:])
    session.rollback()

    # Another worker, before the dead one's claim lapses, leaves its texts alone ...
    texts = sms.transport_from_url(fake_twilio.url)
    assert send_due(session, smtp_server.transport(), texts=texts).sent == 0
    # ... and sends them once it has.
    report = send_due(session, smtp_server.transport(), texts=texts, now=utcnow() + CLAIM_FOR)
    again = send_due(session, smtp_server.transport(), texts=texts, now=utcnow() + CLAIM_FOR * 2)

    assert (report.sent, again.sent) == (2, 0)
    assert sorted(fake_twilio.bodies) == sorted(expected)
    reread(session)
    assert session.scalars(select(OutboxMessage).where(OutboxMessage.sent_at.is_(None))).all() == []
