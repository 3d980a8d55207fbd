"""Mail transports: how one outbox message leaves the building.

``MAIL_URL`` chooses the transport:

- ``console`` (the development default) prints each message to the terminal;
- ``smtp://user:pass@host:port`` sends over SMTP, with STARTTLS when the URL
  says ``?starttls=1`` or the port is 587 (``?starttls=0`` turns that off);
- ``smtps://user:pass@host:port`` sends over SMTP wrapped in TLS from the start.

Transports never retry. They raise ``TransientMailError`` when trying again
later may work and ``PermanentMailError`` when it never will; the outbox
worker (``portal.services.messages.outbox``) decides what to do with each.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
import sys
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from typing import Literal, Protocol
from urllib.parse import parse_qs, unquote, urlsplit

from portal.config import ConfigError

log = logging.getLogger(__name__)

SMTP_TIMEOUT_SECONDS = 10.0
Security = Literal["none", "starttls", "tls"]


class MailError(Exception):
    """A message could not be handed to the mail server."""


class TransientMailError(MailError):
    """Worth another try later: the server is down, slow, or said 4xx."""


class PermanentMailError(MailError):
    """Never worth another try: the server refused this message for good (5xx)."""


@dataclass(frozen=True)
class OutgoingEmail:
    """What a transport needs from an outbox row, detached from the session
    so nothing touches the database while the network is slow."""

    id: int
    to: str
    subject: str
    body: str
    created_at: datetime


class Transport(Protocol):
    def send(self, email: OutgoingEmail) -> None:
        """Deliver ``email`` or raise a ``MailError``."""

    def close(self) -> None:
        """Let go of any connection kept open between messages."""


def message_id(email: OutgoingEmail, sender: str) -> str:
    """The same Message-ID on every attempt for one outbox row.

    If a send times out after the server has in fact accepted the message,
    the retry carries the same id and receiving systems can drop the
    duplicate. The creation time keeps ids unique when the row ids start
    again (a rebuilt database, or staging beside production).
    """
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    stamp = int(email.created_at.timestamp() * 1_000_000)
    return f"<outbox.{email.id}.{stamp}@{domain}>"


def build_message(email: OutgoingEmail, sender: str) -> EmailMessage:
    """A plain-text email with the headers every transport shows or sends."""
    message = EmailMessage()
    try:
        message["From"] = sender
        message["To"] = email.to
        message["Subject"] = email.subject
    except ValueError as exc:
        # A line break in an address or subject: retrying cannot fix it.
        raise PermanentMailError(f"unusable header: {exc}") from exc
    message["Date"] = format_datetime(email.created_at)
    message["Message-ID"] = message_id(email, sender)
    # RFC 3834: tells out-of-office responders not to reply to us.
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(email.body)
    return message


class ConsoleTransport:
    """Development: show the whole message where the developer is looking.

    It goes to the ``portal.infra.mail`` logger (for log collectors and tests) and
    straight to stderr, because with logging unconfigured an INFO record is
    shown nowhere and a newcomer would never see the sign-in code.
    """

    def __init__(self, *, sender: str) -> None:
        self.sender = sender

    def send(self, email: OutgoingEmail) -> None:
        text = "\n".join(
            [
                f"----- email {email.id} (MAIL_URL=console: not sent) -----",
                f"From: {self.sender}",
                f"To: {email.to}",
                f"Subject: {email.subject}",
                "",
                email.body.rstrip("\n"),
                "-----",
            ]
        )
        log.info("%s", text)
        print(text, file=sys.stderr, flush=True)

    def close(self) -> None:
        """Nothing is held open."""


class SmtpTransport:
    """Sends over SMTP, keeping one connection open across a pass of messages."""

    def __init__(
        self,
        *,
        host: str,
        port: int,
        sender: str,
        security: Security = "none",
        username: str | None = None,
        password: str | None = None,
        timeout: float = SMTP_TIMEOUT_SECONDS,
    ) -> None:
        self.host = host
        self.port = port
        self.sender = sender
        self.security = security
        self.username = username
        self.password = password
        self.timeout = timeout
        self._connection: smtplib.SMTP | None = None

    def send(self, email: OutgoingEmail) -> None:
        message = build_message(email, self.sender)
        try:
            connection = self._connect()
            connection.send_message(message)
        except (smtplib.SMTPException, OSError) as exc:
            # After any failure the conversation may be half-way through a
            # command; start the next message on a fresh connection.
            self.close()
            raise classify(exc) from exc

    def close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        try:
            connection.quit()
        except (smtplib.SMTPException, OSError):
            connection.close()

    def _connect(self) -> smtplib.SMTP:
        if self._connection is not None:
            try:
                # A server may drop an idle connection; find out before sending.
                if self._connection.noop()[0] == 250:
                    return self._connection
            except (smtplib.SMTPException, OSError):
                pass
            self.close()
        context = ssl.create_default_context()
        connection: smtplib.SMTP
        if self.security == "tls":
            connection = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
        else:
            connection = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        try:
            if self.security == "starttls":
                connection.starttls(context=context)
            if self.username:
                connection.login(self.username, self.password or "")
        except BaseException:
            connection.close()
            raise
        self._connection = connection
        return connection


def classify(exc: BaseException) -> MailError:
    """Transient or permanent, from what went wrong.

    Only a 5xx reply about this message (its recipient or its content) is
    permanent. Refused logins, a refused sender or a server without STARTTLS
    are the operator's to fix and affect every message alike, so they stay
    transient: the messages wait, with backoff, instead of all failing at once.
    """
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _reply in exc.recipients.values()]
        detail = "; ".join(f"{code} {_text(reply)}" for code, reply in exc.recipients.values())
        if codes and all(500 <= code < 600 for code in codes):
            return PermanentMailError(f"recipient refused: {detail}")
        return TransientMailError(f"recipient deferred: {detail}")
    if isinstance(exc, smtplib.SMTPDataError) and 500 <= exc.smtp_code < 600:
        return PermanentMailError(f"message refused: {exc.smtp_code} {_text(exc.smtp_error)}")
    if isinstance(exc, smtplib.SMTPResponseException):
        return TransientMailError(f"{type(exc).__name__}: {exc.smtp_code} {_text(exc.smtp_error)}")
    return TransientMailError(f"{type(exc).__name__}: {exc}")


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


def transport_from_url(url: str, *, sender: str) -> Transport:
    """The transport ``MAIL_URL`` describes; ``sender`` is ``MAIL_FROM``."""
    if url.strip() == "console":
        return ConsoleTransport(sender=sender)
    parts = urlsplit(url)
    if parts.scheme not in {"smtp", "smtps"} or not parts.hostname:
        raise ConfigError("MAIL_URL must be 'console', smtp://user:pass@host:port or smtps://user:pass@host:port.")
    try:
        port = parts.port or (465 if parts.scheme == "smtps" else 25)
    except ValueError as exc:
        raise ConfigError(f"MAIL_URL has an invalid port: {exc}") from exc
    query = parse_qs(parts.query)
    starttls_flag = query.get("starttls", [""])[-1].strip().lower()
    security: Security
    if parts.scheme == "smtps":
        security = "tls"
    elif starttls_flag:
        security = "starttls" if starttls_flag in {"1", "true", "yes", "on"} else "none"
    else:
        security = "starttls" if port == 587 else "none"
    return SmtpTransport(
        host=parts.hostname,
        port=port,
        sender=sender,
        security=security,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
    )
