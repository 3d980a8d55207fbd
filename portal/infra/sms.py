"""Text message transports: how one outbox text leaves the building.

``SMS_URL`` chooses the transport:

- ``console`` (the development default) prints each text to the terminal;
- ``twilio://ACCOUNT_SID:AUTH_TOKEN@api.twilio.com?from=%2B447700900000`` sends
  through Twilio's Messages API (``from`` is the sending number, or a
  Messaging Service SID starting ``MG``). The host may name another address
  speaking the same API (the tests' fake server); ``http://`` is used only for
  a loopback host, ``https://`` otherwise.

Like mail transports, these never retry. They raise ``TransientSmsError`` when
trying again later may work (the network, a timeout, 429 Too Many Requests, a
5xx) and ``PermanentSmsError`` when it never will (any other 4xx: a number
Twilio cannot text, a refused request); the outbox worker
(``portal.services.messages.outbox``) decides what to do with each.
"""

from __future__ import annotations

import base64
import json
import logging
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

from portal.config import ConfigError

log = logging.getLogger(__name__)

HTTP_TIMEOUT_SECONDS = 10.0
TWILIO_HOST = "api.twilio.com"
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


class SmsError(Exception):
    """A text could not be handed to the provider."""


class TransientSmsError(SmsError):
    """Worth another try later: the provider is down, slow, or asked us to slow down."""


class PermanentSmsError(SmsError):
    """Never worth another try: the provider refused this text for good."""


@dataclass(frozen=True)
class OutgoingText:
    """What a transport needs from an outbox row, detached from the session."""

    id: int
    to: str
    body: str
    created_at: datetime


class Transport(Protocol):
    def send(self, text: OutgoingText) -> None:
        """Deliver ``text`` or raise an ``SmsError``."""

    def close(self) -> None:
        """Let go of anything kept open between texts."""


class ConsoleTransport:
    """Development: show the whole text where the developer is looking (as mail's console does)."""

    def send(self, text: OutgoingText) -> None:
        shown = "\n".join(
            [f"----- text {text.id} (SMS_URL=console: not sent) -----", f"To: {text.to}", "", text.body, "-----"]
        )
        log.info("%s", shown)
        print(shown, file=sys.stderr, flush=True)

    def close(self) -> None:
        """Nothing is held open."""


class TwilioTransport:
    """Twilio's Messages API: one HTTPS POST per text, with basic auth.

    POST {base}/2010-04-01/Accounts/{sid}/Messages.json with form fields To,
    From (or MessagingServiceSid) and Body. 201 means accepted.
    """

    def __init__(
        self, *, account_sid: str, auth_token: str, sender: str, base_url: str, timeout: float = HTTP_TIMEOUT_SECONDS
    ) -> None:
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.sender = sender
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    @property
    def endpoint(self) -> str:
        return f"{self.base_url}/2010-04-01/Accounts/{self.account_sid}/Messages.json"

    def send(self, text: OutgoingText) -> None:
        fields = {"To": text.to, "Body": text.body}
        fields["MessagingServiceSid" if self.sender.startswith("MG") else "From"] = self.sender
        credentials = base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        request = urllib.request.Request(  # noqa: S310  (the scheme is checked in transport_from_url)
            self.endpoint,
            data=urlencode(fields).encode(),
            method="POST",
            headers={
                "Authorization": f"Basic {credentials}",
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/json",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                response.read()
        except urllib.error.HTTPError as exc:
            raise classify(exc.code, _detail(exc)) from exc
        except (urllib.error.URLError, OSError) as exc:
            raise TransientSmsError(f"{type(exc).__name__}: {exc}") from exc

    def close(self) -> None:
        """Each text is one request: nothing is held open."""


def classify(status: int, detail: str) -> SmsError:
    """429 and 5xx may work later; any other 4xx never will (a bad number, a refused account)."""
    if status == 429 or status >= 500:
        return TransientSmsError(f"HTTP {status}: {detail}")
    return PermanentSmsError(f"HTTP {status}: {detail}")


def _detail(exc: urllib.error.HTTPError) -> str:
    """Twilio's error code and message, never the body we sent (it may hold a sign-in code)."""
    try:
        payload = json.loads(exc.read(4096) or b"{}")
    except (ValueError, OSError):
        return str(exc.reason)
    if not isinstance(payload, dict):
        return str(exc.reason)
    return f"{payload.get('code', '')} {payload.get('message', exc.reason)}".strip()


def transport_from_url(url: str) -> Transport:
    """The transport ``SMS_URL`` describes."""
    if url.strip() == "console":
        return ConsoleTransport()
    parts = urlsplit(url)
    if parts.scheme != "twilio" or not parts.hostname or not parts.username or not parts.password:
        raise ConfigError("SMS_URL must be 'console' or twilio://ACCOUNT_SID:AUTH_TOKEN@api.twilio.com?from=NUMBER.")
    sender = parse_qs(parts.query).get("from", [""])[-1].strip()
    if not sender:
        raise ConfigError("SMS_URL needs the sending number: twilio://…@api.twilio.com?from=%2B447700900000.")
    try:
        port = parts.port
    except ValueError as exc:
        raise ConfigError(f"SMS_URL has an invalid port: {exc}") from exc
    scheme = "http" if parts.hostname in LOOPBACK_HOSTS else "https"
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    return TwilioTransport(
        account_sid=unquote(parts.username),
        auth_token=unquote(parts.password),
        sender=sender,
        base_url=f"{scheme}://{host}{f':{port}' if port else ''}",
    )
