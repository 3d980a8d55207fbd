"""Delivering the outbox (DESIGN §7).

``send_due`` is a worker, not an operation: unlike the services a request
calls, it commits. It has to, three times over: the claim must be visible to
other workers before any sending starts; no transaction may stay open while
the network is slow; and each "sent" mark must be durable the moment the
server has accepted the message, so that nothing sends it again.

How a message moves:

    pending --claim--> claimed --sent--> sent
                          |--transient error--> pending again, after a backoff
                          '--permanent error or MAX_TRIES--> failed

There is no status column. Pending means ``sent_at`` is null and ``tries`` is
below ``MAX_TRIES``; failed means ``sent_at`` is null and ``tries`` has reached
``MAX_TRIES`` (a permanent error sets it there at once). Raising MAX_TRIES
therefore puts failed messages back in the queue.

Secrets: a sign-in email's body is stored with placeholders ("[code not
kept]", "[link not kept]") and its code and link are kept encrypted beside it
in ``secrets_encrypted`` (``portal.services.messages.notify``). The worker fills them
in, in memory, just before handing the message to the transport, and clears
``secrets_encrypted`` in the same update that marks it sent (or failed for
good). So once sent, nothing stored can sign anyone in, and before that only
the keys in ``BANK_DETAILS_KEYS`` can read the secrets. A message whose
secrets no key can read fails at once rather than going out without them.

Exactly once, with one documented exception: if the process dies after the
server accepted a message and before the "sent" mark is committed, the claim
lapses and the message is sent again. Retries reuse its Message-ID (see
``portal.infra.mail.message_id``) so receiving systems can drop the copy.

Texts: a row whose ``channel`` is ``text`` goes through the text transport
(``portal.infra.sms``, chosen by ``SMS_URL``) in the same pass, with the same
claim, lease, backoff, secrets and "sent" mark; only the hand-over differs. A
worker given no text transport leaves texts for one that has it. The same
window applies: a text the provider accepted just before the worker died is
sent again, and a text message has no id a phone could use to drop the copy.
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, func, or_, select, update
from sqlalchemy.orm import Session, scoped_session

from portal.infra import encryption, sms
from portal.infra.database import writing
from portal.infra.mail import MailError, OutgoingEmail, PermanentMailError, Transport
from portal.models.base import utcnow
from portal.models.outbox import Channel, OutboxMessage
from portal.services.messages.notify import placeholder

log = logging.getLogger(__name__)

# Backoff doubles from one minute and is capped at six hours, so twelve tries
# span about twenty hours: a mail server down overnight loses nothing.
MAX_TRIES = 12
FIRST_BACKOFF = timedelta(minutes=1)
MAX_BACKOFF = timedelta(hours=6)
# A claim outlives any honest pass; a worker that died leaves rows that
# become claimable again when it runs out.
CLAIM_FOR = timedelta(minutes=5)
# A worker stops sending this long before its claim runs out, so another
# worker can never pick up a row this one is still about to send. It exceeds
# the time one slow send can take (several SMTP commands, each with a timeout).
CLAIM_MARGIN = timedelta(minutes=2)
MAX_ERROR_LENGTH = 2000
UNREADABLE_SECRETS = "Its sign-in code and link cannot be read with the keys in BANK_DETAILS_KEYS"


@dataclass(frozen=True)
class Claimed:
    """A claimed message and the attempts it had before this one."""

    email: OutgoingEmail
    tries: int
    secrets_encrypted: bytes | None = None
    channel: Channel = Channel.EMAIL


@dataclass
class SendReport:
    """What one pass did."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0
    # Claimed but handed back unsent (the claim ran short or we were asked to stop).
    released: int = 0

    def __str__(self) -> str:
        return f"Sent {self.sent}, will retry {self.retrying}, failed {self.failed}"


def is_pending() -> ColumnElement[bool]:
    return and_(OutboxMessage.sent_at.is_(None), OutboxMessage.tries < MAX_TRIES)


def is_failed() -> ColumnElement[bool]:
    return and_(OutboxMessage.sent_at.is_(None), OutboxMessage.tries >= MAX_TRIES)


def is_due(now: datetime) -> ColumnElement[bool]:
    unclaimed = or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until <= now)
    return and_(is_pending(), OutboxMessage.next_attempt_at <= now, unclaimed)


@dataclass(frozen=True)
class OutboxCounts:
    pending: int
    due: int
    failed: int
    sent: int


def counts(session: Session, now: datetime) -> OutboxCounts:
    def count(condition: ColumnElement[bool]) -> int:
        return session.scalar(select(func.count()).select_from(OutboxMessage).where(condition)) or 0

    return OutboxCounts(
        pending=count(is_pending()),
        due=count(is_due(now)),
        failed=count(is_failed()),
        sent=count(OutboxMessage.sent_at.is_not(None)),
    )


def newest(session: Session, limit: int) -> list[OutboxMessage]:
    return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)))


def fill_in_secrets(body: str, secrets_encrypted: bytes | None) -> str:
    """``body`` with its secrets in place of their placeholders, as the recipient gets it.

    Raises ``encryption.CannotDecrypt`` when no key reads the secrets.
    """
    if not secrets_encrypted:
        return body
    for name, value in json.loads(encryption.decrypt(secrets_encrypted)).items():
        body = body.replace(placeholder(name), value)
    return body


def body_to_send(message: OutboxMessage) -> str:
    """The body ``message`` would be sent with now (its secrets filled in while it keeps them)."""
    return fill_in_secrets(message.body, message.secrets_encrypted)


def backoff(tries: int) -> timedelta:
    """How long to wait after the ``tries``-th failed attempt: 1, 2, 4 … minutes,
    at most six hours, plus up to 10% so workers that failed together spread out."""
    delay: timedelta = min(FIRST_BACKOFF * 2 ** max(tries - 1, 0), MAX_BACKOFF)
    return delay * (1 + random.uniform(0, 0.1))  # noqa: S311 (spreading retries, not a secret)


def send_due(
    session: Session,
    transport: Transport,
    *,
    batch: int = 50,
    now: datetime | None = None,
    stop: Callable[[], bool] | None = None,
    texts: sms.Transport | None = None,
) -> SendReport:
    """Claim up to ``batch`` due messages, send each and record the outcome.

    Emails go through ``transport`` and texts through ``texts``; without
    ``texts``, texts are not claimed at all. ``now`` is for tests (it decides what is due and when retries fall due);
    ``stop`` is checked between messages so a worker asked to shut down hands
    back the rest of its claim instead of finishing the batch.
    """
    # db.session is a scoped_session at run time, which does not pass in_transaction() on.
    current = session() if isinstance(session, scoped_session) else session
    if current.in_transaction():
        # The claim must start its own transaction (BEGIN IMMEDIATE on SQLite),
        # and we must not commit work the caller has not finished.
        raise RuntimeError("send_due commits as it goes: commit or roll back the session first")
    now = now or utcnow()
    report = SendReport()
    channels = [Channel.EMAIL, Channel.TEXT] if texts is not None else [Channel.EMAIL]
    claimed = _claim(session, batch=batch, now=now, channels=channels)
    started = time.monotonic()
    budget = (CLAIM_FOR - CLAIM_MARGIN).total_seconds()
    try:
        for position, item in enumerate(claimed):
            if (stop is not None and stop()) or time.monotonic() - started > budget:
                rest = [c.email.id for c in claimed[position:]]
                _release(session, rest)
                report.released += len(rest)
                log.info("Handed back %d claimed message(s) unsent", len(rest))
                break
            _send_one(session, transport, texts, item, now=now, report=report)
    finally:
        transport.close()
        if texts is not None:
            texts.close()
    return report


def _claim(session: Session, *, batch: int, now: datetime, channels: list[Channel]) -> list[Claimed]:
    """Mark due rows as ours until now + CLAIM_FOR, and commit that.

    PostgreSQL: rows another worker has locked are skipped, not waited for,
    and a row claimed while we waited no longer matches (PostgreSQL re-checks
    the condition on the locked row). SQLite: writing() makes the transaction
    BEGIN IMMEDIATE, so claims are simply taken one worker at a time.
    """
    query = select(OutboxMessage).where(is_due(now), OutboxMessage.channel.in_(channels))
    query = query.order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
    query = query.limit(batch).execution_options(populate_existing=True)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    with writing():
        try:
            rows = list(session.scalars(query))
            claimed = [
                Claimed(
                    email=OutgoingEmail(
                        id=row.id, to=row.to, subject=row.subject, body=row.body, created_at=row.created_at
                    ),
                    tries=row.tries,
                    secrets_encrypted=row.secrets_encrypted,
                    channel=row.channel,
                )
                for row in rows
            ]
            if claimed:
                session.execute(
                    update(OutboxMessage)
                    .where(OutboxMessage.id.in_([row.id for row in rows]))
                    .values(claimed_until=now + CLAIM_FOR)
                )
            session.commit()
        except BaseException:
            session.rollback()
            raise
    return claimed


def _send_one(
    session: Session,
    transport: Transport,
    texts: sms.Transport | None,
    item: Claimed,
    *,
    now: datetime,
    report: SendReport,
) -> None:
    try:
        email = replace(item.email, body=fill_in_secrets(item.email.body, item.secrets_encrypted))
    except encryption.CannotDecrypt:
        _commit(
            session,
            item.email.id,
            tries=MAX_TRIES,
            claimed_until=None,
            last_error=UNREADABLE_SECRETS,
            secrets_encrypted=None,
        )
        report.failed += 1
        log.error("Email %d will not be sent: %s", item.email.id, UNREADABLE_SECRETS)
        return
    # Outside any transaction: the network may take seconds.
    try:
        if item.channel is Channel.TEXT and texts is not None:
            texts.send(sms.OutgoingText(id=email.id, to=email.to, body=email.body, created_at=email.created_at))
        else:
            transport.send(email)
    except (MailError, sms.SmsError) as exc:
        _record_failure(session, item, exc, now=now, report=report)
        return
    # Straight after the server said yes: from here on this row is never sent
    # again. A crash before this commit is the one window for a duplicate.
    _commit(session, email.id, sent_at=_clock(now), claimed_until=None, last_error=None, secrets_encrypted=None)
    report.sent += 1


def _record_failure(
    session: Session, item: Claimed, exc: MailError | sms.SmsError, *, now: datetime, report: SendReport
) -> None:
    email = item.email
    error = f"{type(exc).__name__}: {exc}"[:MAX_ERROR_LENGTH]
    # Our claim keeps other workers off this row, so the count read at claim time is current.
    tries = item.tries + 1
    if isinstance(exc, PermanentMailError | sms.PermanentSmsError) or tries >= MAX_TRIES:
        _commit(
            session, email.id, tries=max(tries, MAX_TRIES), claimed_until=None, last_error=error, secrets_encrypted=None
        )
        report.failed += 1
        log.error("Email %d failed after %d attempt(s) and will not be retried: %s", email.id, tries, error)
        return
    next_attempt_at = _clock(now) + backoff(tries)
    _commit(session, email.id, tries=tries, next_attempt_at=next_attempt_at, claimed_until=None, last_error=error)
    report.retrying += 1
    log.warning("Email %d not sent (attempt %d), retrying at %s: %s", email.id, tries, next_attempt_at, error)


def _clock(now: datetime) -> datetime:
    # A pass can last minutes, so marks use the wall clock; a test's "now"
    # set in the future still wins, so tests can step time forward.
    return max(now, utcnow())


def _release(session: Session, ids: list[int]) -> None:
    if not ids:
        return
    with writing():
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids), OutboxMessage.sent_at.is_(None))
            .values(claimed_until=None)
        )
        session.commit()


def _commit(session: Session, message_id: int, **values: object) -> None:
    with writing():
        try:
            session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id).values(**values))
            session.commit()
        except BaseException:
            session.rollback()
            raise
