"""Rate limits: sign-in, uploads and exports.

**Sign-in** (used by ``portal.auth.views``). Guessing must stay impossible
without letting a stranger shut a person out, so no limit that answers "wait"
(429) is keyed on an email address alone:

- every sign-in post: ``SIGN_IN_PER_IP`` per IP address;
- sign-in emails: ``EMAILS_PER_ADDRESS_AND_IP`` per email address *and* IP
  together, so a stranger's requests spend the stranger's allowance, never
  the person's own;
- staff passwords: ``PASSWORDS_PER_ADDRESS_AND_IP`` per email address and IP;
- authenticator codes: ``CODES_PER_STAFF_USER`` per person, counted only
  after the right password, so only someone who has it can spend them.

Beyond that, the limits per address alone (``within_address_limit``) never
refuse anyone; they change what signs in to things nobody can guess. After
``CODES_PER_ADDRESS`` sign-in emails to one address in a day, from anywhere,
further emails carry the link (a 256-bit token, bound to the browser that
asked) but no 6-digit code; after ``PASSWORDS_PER_ADDRESS`` staff passwords
in an hour, the password is only checked together with an authenticator
code. Either way the person is emailed, at most once a day
(``portal.services.people.sign_in_alerts``). So at one address, however many
machines try: at most 100 guesses at 6-digit codes in any 24 hours (20
codes, 5 tries each), and 30 guesses at the password in any hour on its own.

**Uploads and exports** protect the expensive pages: every upload is read,
checked and stored, and every export reads a whole round. The per-account
limit is the tight one, so one person (or one stolen session) cannot hog the
portal; the per-address limit is looser, so people sharing a community
centre's connection do not stop each other. Only someone signed in as that
person can spend it.

Nothing here locks an account. The counts live where
``RATELIMIT_STORAGE_URI`` says (``redis://…`` for several servers, so a limit
cannot be dodged by landing on another one).

**When Redis stops answering**, pages are still served and every limit still
holds, counted by each process on its own in memory
(``RATELIMIT_IN_MEMORY_FALLBACK_ENABLED``, and ``_fallback_storage`` here for
the per-address counts), until Redis answers again. Turning limits off
instead (Flask-Limiter's ``swallow_errors``) would let anyone who can stop
Redis guess sign-in codes freely; refusing every sign-in would shut everyone
out. With N processes the allowance is at most N times the one above while
Redis is down: still far from guessing a 6-digit code.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar, cast

from flask import request
from flask_limiter.util import get_remote_address
from flask_login import current_user
from limits import parse
from limits.storage import MemoryStorage, Storage
from limits.strategies import MovingWindowRateLimiter
from redis.exceptions import RedisError

from portal.extensions import limiter
from portal.services.people.sign_in import normalise_email

SIGN_IN_PER_IP = "20 per minute"
EMAILS_PER_ADDRESS_AND_IP = "5 per 15 minutes"
CODES_PER_ADDRESS = "20 per day"
PASSWORDS_PER_ADDRESS_AND_IP = "10 per 15 minutes"
PASSWORDS_PER_ADDRESS = "30 per hour"
CODES_PER_STAFF_USER = "10 per 15 minutes"

UPLOADS_PER_ACCOUNT = "30 per 10 minutes"
UPLOADS_PER_IP = "120 per 10 minutes"
# A recording is checked with ffprobe in the request: counted only when one is sent.
RECORDINGS_PER_ACCOUNT = "10 per 10 minutes"
RECORDINGS_PER_IP = "60 per 10 minutes"
EXPORTS_PER_ACCOUNT = "20 per 10 minutes"
EXPORTS_PER_IP = "60 per 10 minutes"
# A group's confirmation code is 6 digits: guessing must stay hopeless within its 14 days.
CONFIRMATION_CODES_PER_ACCOUNT = "10 per 15 minutes"
CONFIRMATION_CODES_PER_IP = "30 per 15 minutes"

View = TypeVar("View", bound=Callable[..., Any])

log = logging.getLogger(__name__)


def _account_key() -> str:
    return f"user:{current_user.get_id() or 'anonymous'}"


def address_and_ip_key() -> str:
    """The posted email address and the asking IP, together (a limiter key)."""
    return f"email:{normalise_email(request.form.get('email', ''))}|ip:{get_remote_address()}"


def no_address_posted() -> bool:
    """No email address was posted: the per-address limit has nothing to count (the form refuses it)."""
    return not request.form.get("email", "").strip()


def within_address_limit(limit: str, scope: str, address: str) -> bool:
    """Count one attempt at ``address`` against ``limit``; False once the limit is spent.

    It refuses nothing itself: the caller switches to a way of signing in that
    cannot be guessed. The window moves (any 24 hours, any hour), so the
    bounds hold across the edges of fixed windows. Always True when rate
    limiting is off.
    """
    return _count(limit, scope, normalise_email(address))


def recording_allowed() -> bool:
    """Count one recording sent by this person from this address; False once either limit is spent.

    Counted when a recording is actually sent, not on every save of a section
    that could take one: typed answers are never limited, so groups sharing a
    community centre's connection can all save their forms in the last hour.
    """
    return _count(RECORDINGS_PER_ACCOUNT, "recordings-account", _account_key()) and _count(
        RECORDINGS_PER_IP, "recordings-ip", get_remote_address()
    )


def _count(limit: str, scope: str, key: str) -> bool:
    if not limiter.enabled:
        return True
    try:
        return _hit(limiter.storage, limit, scope, key)
    except RedisError:
        log.warning("Rate limit storage unreachable: counting %s in this process", scope)
        return _hit(_fallback_storage, limit, scope, key)


# This process's own counts for ``_count`` while the shared storage is down.
_fallback_storage = MemoryStorage()


def _hit(storage: Storage, limit: str, scope: str, key: str) -> bool:
    return MovingWindowRateLimiter(storage).hit(parse(limit), scope, key)


def _limited(scope: str, per_account: str, per_ip: str, methods: list[str]) -> Callable[[View], View]:
    account = limiter.shared_limit(per_account, scope=f"{scope}-account", key_func=_account_key, methods=methods)
    address = limiter.shared_limit(per_ip, scope=f"{scope}-ip", methods=methods)

    def decorate(view: View) -> View:
        # Flask-Limiter's decorators return the view wrapped, with its signature.
        return cast(View, address(account(view)))

    return decorate


def uploads(view: View) -> View:
    """Limit posting files to ``view``, shared by every upload page."""
    return _limited("uploads", UPLOADS_PER_ACCOUNT, UPLOADS_PER_IP, ["POST"])(view)


def exports(view: View) -> View:
    """Limit downloading ``view``'s export, shared by every export."""
    return _limited("exports", EXPORTS_PER_ACCOUNT, EXPORTS_PER_IP, ["GET"])(view)


def confirmation_codes(view: View) -> View:
    """Limit typing a group's confirmation code (``apply.confirm_code``)."""
    return _limited("confirmation-codes", CONFIRMATION_CODES_PER_ACCOUNT, CONFIRMATION_CODES_PER_IP, ["POST"])(view)
