"""``flask --app portal outbox …``: deliver and inspect queued email and text messages.

Run ``outbox send --loop`` as a long-lived worker beside the web processes;
any number of them may run at once (see ``portal.services.messages.outbox``).
It sends texts too, through ``SMS_URL`` (unset: texts wait, and none are queued).
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from types import FrameType

import click
from flask import current_app
from flask.cli import AppGroup

from portal.extensions import db
from portal.infra import sms
from portal.infra.mail import Transport, transport_from_url
from portal.models.base import utcnow
from portal.models.outbox import OutboxMessage
from portal.services.messages import outbox
from portal.services.messages.outbox import MAX_TRIES, SendReport, send_due

log = logging.getLogger(__name__)

group = AppGroup("outbox", help="Deliver and inspect queued email and text messages.")


def app_transport() -> Transport:
    return transport_from_url(current_app.config["MAIL_URL"], sender=current_app.config["MAIL_FROM"])


def app_text_transport() -> sms.Transport | None:
    url = current_app.config.get("SMS_URL") or ""
    return sms.transport_from_url(url) if url else None


@group.command("send")
@click.option("--loop", is_flag=True, help="Keep sending until stopped (SIGTERM or Ctrl-C).")
@click.option(
    "--interval",
    type=click.FloatRange(min=0.1),
    default=5.0,
    show_default=True,
    help="Seconds between passes with --loop.",
)
@click.option("--batch", type=click.IntRange(min=1), default=50, show_default=True, help="Messages per pass.")
def send_command(loop: bool, interval: float, batch: int) -> None:
    """Send the email and text messages that are due: once, or repeatedly with --loop."""
    transport = app_transport()
    texts = app_text_transport()
    if not loop:
        report = _one_pass(transport, texts, batch=batch, stop=None)
        click.echo(str(report))
        return
    with _stop_on_signals() as stopping:
        click.echo(f"Sending email{' and texts' if texts else ''} every {interval:g} s; stop with Ctrl-C or SIGTERM.")
        while not stopping.is_set():
            try:
                report = _one_pass(transport, texts, batch=batch, stop=stopping.is_set)
            except Exception:
                # A database or network hiccup must not end the worker; the
                # next pass starts from a fresh session.
                log.exception("Outbox pass failed; trying again in %g s", interval)
            else:
                if report.sent or report.retrying or report.failed:
                    click.echo(str(report))
                if report.sent + report.retrying + report.failed + report.released >= batch:
                    continue  # a full batch: more may be waiting, so no pause
            stopping.wait(interval)
        click.echo("Stopped.")


def _one_pass(
    transport: Transport, texts: sms.Transport | None, *, batch: int, stop: Callable[[], bool] | None
) -> SendReport:
    try:
        return send_due(db.session, transport, batch=batch, stop=stop, texts=texts)
    finally:
        # Hand the connection back to the pool: a sleeping worker holds none.
        db.remove()


@contextmanager
def _stop_on_signals() -> Iterator[threading.Event]:
    """An Event set by SIGTERM or SIGINT; the previous handlers come back after."""
    stopping = threading.Event()

    def _handler(signum: int, _frame: FrameType | None) -> None:
        stopping.set()

    previous = {sig: signal.signal(sig, _handler) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield stopping
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@group.command("list")
@click.option("--limit", type=click.IntRange(min=0), default=10, show_default=True, help="Newest messages to show.")
def list_command(limit: int) -> None:
    """Count pending and failed email and texts and show the newest messages.

    Bodies are never shown: they hold sign-in codes and links.
    """
    now = utcnow()
    total = outbox.counts(db.session, now)
    click.echo(f"Pending {total.pending} (due now {total.due}), failed {total.failed}, sent {total.sent}")
    for row in outbox.newest(db.session, limit):
        click.echo(
            f"#{row.id}  {row.created_at:%Y-%m-%d %H:%M}  {_status(row, now):<24}  "
            f"{row.channel.value:<5} to {row.to}  {row.subject!r}"
        )
        if row.last_error and row.sent_at is None:
            click.echo(f"      last error: {_shorten(row.last_error, 100)}")


def _status(row: OutboxMessage, now: datetime) -> str:
    if row.sent_at is not None:
        return f"sent {row.sent_at:%Y-%m-%d %H:%M}"
    if row.tries >= MAX_TRIES:
        return "failed"
    if row.claimed_until is not None and row.claimed_until > now:
        return "sending"
    if row.next_attempt_at > now:
        return f"retry at {row.next_attempt_at:%H:%M} ({row.tries})"
    return "due" if row.tries == 0 else f"due ({row.tries} tries)"


def _shorten(text: str, length: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"
