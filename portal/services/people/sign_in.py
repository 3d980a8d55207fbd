"""Signing in: emailed links and codes for applicants and panellists,
passwords for staff.

An emailed sign-in is a ``SignInRequest``: a public random handle, a 6-digit
code and a link token, both stored only as keyed hashes, valid for 15
minutes, single use, and bound to the browser that asked for it (the hash of
a secret kept in that browser's cookie session). Every well-formed address
gets the same answer and a request row, so nobody learns from the response
whether an account exists; only the email that follows differs.

When an address is being hammered (a limit per address in
``portal.infra.rate_limits`` is spent), sign-in carries on in ways nobody can
guess: the emailed request has a link but no code (``hammered=True``), and
staff give their password and authenticator code together
(``sign_in_when_hammered``); the person is told once a day
(``portal.services.people.sign_in_alerts``).

A person who chose texts (``portal.services.people.contact``) gets the code
alone by text instead of the email (``text_to``), unless they ask for the email
this time (``by_email=True``) or the address is hammered (then the email with
the link alone goes, as for everyone). The page then says the text went to
the number ending in its last three digits: that tells whoever typed the
address that it belongs to someone who chose texts, a small leak the person
accepted in choosing texts, and no more of the number than that.

Operations flush and never commit (STYLE §4). Refusals raise
``SignInRefused`` after recording what must persist (a failed attempt), so
views show them with a 200 response and the request commits.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from flask import current_app, url_for
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal.infra import i18n
from portal.infra.database import rowcount
from portal.infra.i18n import _l
from portal.models.audit import AuditAction
from portal.models.base import utcnow
from portal.models.users import SignInRequest, User
from portal.services.audit import record
from portal.services.messages.notify import queue_email, queue_text, wants_texts
from portal.services.people import phones, sign_in_alerts, totp
from portal.services.people.passwords import hash_password, needs_rehash, verify_password
from portal.services.programme import settings as programme

CODE_LIFETIME = timedelta(minutes=15)
MAX_CODE_ATTEMPTS = 5
MAX_NEXT_LENGTH = 300


class Problem(enum.StrEnum):
    WRONG_CODE = "wrong_code"
    TOO_MANY_ATTEMPTS = "too_many_attempts"
    EXPIRED = "expired"
    USED = "used"
    NOT_VALID = "not_valid"
    OTHER_BROWSER = "other_browser"


class SignInRefused(Exception):
    """The code or link cannot sign anyone in; ``problem`` says why."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.value)
        self.problem = problem


@dataclass(frozen=True)
class SignedIn:
    user: User
    next_path: str | None


def normalise_email(email: str) -> str:
    return email.strip().lower()


def safe_next_path(value: str | None) -> str | None:
    """``value`` if it is a path on this site, else None.

    Only local paths pass: one leading "/", no "//" (a scheme-relative URL to
    another host), no backslash (browsers read "/\\evil" as "//evil"), no
    scheme or host, no control characters.
    """
    if not value or len(value) > MAX_NEXT_LENGTH:
        return None
    if not value.startswith("/") or value.startswith("//") or "\\" in value:
        return None
    if any(ord(char) < 32 or ord(char) == 127 for char in value):
        return None
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return None
    return value


def _digest(purpose: str, *parts: str) -> str:
    """A keyed hash: the 6-digit code has too little entropy for a plain hash."""
    key = current_app.config["SECRET_KEY"].encode()
    message = "\x00".join((purpose, *parts)).encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def _matches(stored: str, purpose: str, *parts: str) -> bool:
    return hmac.compare_digest(stored, _digest(purpose, *parts))


def new_browser_secret() -> str:
    return secrets.token_urlsafe(32)


def text_to(session: Session, email: str) -> str | None:
    """The mobile number a sign-in code for ``email`` goes to by text, or None if it goes by email."""
    user = session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None or not user.active or user.is_staff or not wants_texts(user):
        return None
    return user.phone


@dataclass(frozen=True)
class Started:
    """A sign-in request made: its handle, and the last digits of the number its code was texted to."""

    handle: str
    texted_to_ending: str | None = None


def request_sign_in(
    session: Session,
    *,
    email: str,
    browser_secret: str,
    next_path: str | None = None,
    hammered: bool = False,
    by_email: bool = False,
) -> Started:
    """Start an emailed (or texted) sign-in for ``email`` from this browser.

    Active applicants and panellists, and new people (the account is made when
    the code or link is used), get a link and a code. Officers and admins get
    a pointer to the staff sign-in page, and a deactivated account gets
    nothing; their requests hold hashes of secrets nobody was sent, so no code
    or link can ever match them. When the address is ``hammered`` the email
    has the link alone (its code is such a secret), and the person is told.
    Someone who chose texts gets the code by text instead (see ``text_to``),
    unless ``by_email`` or ``hammered``.
    """
    email = normalise_email(email)
    user = session.scalar(select(User).where(User.email == email))
    can_use_email = user is None or (user.active and not user.is_staff)
    handle = secrets.token_urlsafe(16)
    with_code = can_use_email and not hammered
    code = f"{secrets.randbelow(1_000_000):06d}" if with_code else secrets.token_hex(16)
    token = secrets.token_urlsafe(32)
    session.add(
        SignInRequest(
            handle=handle,
            email=email,
            code_hash=_digest("code", handle, code),
            link_hash=_digest("link", handle, token),
            browser_hash=_digest("browser", browser_secret),
            expires_at=utcnow() + CODE_LIFETIME,
            next_path=safe_next_path(next_path),
        )
    )
    session.flush()
    base_url = current_app.config["PORTAL_BASE_URL"]
    minutes = int(CODE_LIFETIME.total_seconds() // 60)
    service = programme.current(session).name
    link = base_url + url_for("auth.link", handle=handle, token=token)
    number = None if (by_email or not with_code) else text_to(session, email)
    # Someone new reads the code in the language of the page they asked on.
    language = user.language if user is not None and user.language else i18n.request_language()
    if number is not None:
        queue_text(
            session,
            to=number,
            about="Sign-in code",
            template="sign_in",
            secrets={"code": code},
            language=language,
            minutes=minutes,
        )
    elif can_use_email:
        queue_email(
            session,
            to=email,
            subject=_l("Your code to sign in to %(service)s", service=service)
            if with_code
            else _l("Sign in to %(service)s", service=service),
            template="sign_in",
            secrets={"code": code, "link": link} if with_code else {"link": link},
            language=language,
            minutes=minutes,
        )
    elif user is not None and user.active:
        queue_email(
            session,
            to=email,
            subject=_l("Signing in to %(service)s", service=service),
            template="staff_sign_in_hint",
            staff_url=base_url + url_for("auth.staff"),
        )
    if hammered:
        sign_in_alerts.alert_once(session, email=email, why=sign_in_alerts.Hammered.EMAILS)
    return Started(handle=handle, texted_to_ending=phones.masked(number) if number else None)


def _request(session: Session, handle: str, *, lock: bool) -> SignInRequest | None:
    query = select(SignInRequest).where(SignInRequest.handle == handle)
    if lock:
        # Serialises attempts on one request on PostgreSQL; on SQLite every
        # writing request already holds the write lock (BEGIN IMMEDIATE).
        query = query.with_for_update().execution_options(populate_existing=True)
    return session.scalar(query)


def _check_alive(row: SignInRequest) -> None:
    if row.used_at is not None:
        raise SignInRefused(Problem.USED)
    if row.failed_attempts >= MAX_CODE_ATTEMPTS:
        raise SignInRefused(Problem.TOO_MANY_ATTEMPTS)
    if row.expires_at <= utcnow():
        raise SignInRefused(Problem.EXPIRED)


def sign_in_with_code(session: Session, *, handle: str, browser_secret: str | None, code: str) -> SignedIn:
    """Use the 6-digit ``code`` of the request this browser made."""
    row = _request(session, handle, lock=True)
    if row is None or not browser_secret or not _matches(row.browser_hash, "browser", browser_secret):
        raise SignInRefused(Problem.NOT_VALID)
    _check_alive(row)
    if not _matches(row.code_hash, "code", handle, "".join(code.split())):
        row.failed_attempts += 1
        record(
            session,
            None,
            AuditAction.SIGN_IN_CODE_REFUSED,
            row,
            summary=f"Attempt {row.failed_attempts} for {row.email}",
        )
        session.flush()
        if row.failed_attempts >= MAX_CODE_ATTEMPTS:
            raise SignInRefused(Problem.TOO_MANY_ATTEMPTS)
        raise SignInRefused(Problem.WRONG_CODE)
    return _complete(session, row, how="code")


def _link_request(session: Session, handle: str, token: str, *, lock: bool) -> SignInRequest:
    row = _request(session, handle, lock=lock)
    if row is None or not _matches(row.link_hash, "link", handle, token):
        raise SignInRefused(Problem.NOT_VALID)
    _check_alive(row)
    return row


def check_link(session: Session, *, handle: str, token: str, browser_secret: str | None) -> None:
    """Raise ``SignInRefused`` if the link could not sign in here. Changes nothing."""
    row = _link_request(session, handle, token, lock=False)
    if not browser_secret or not _matches(row.browser_hash, "browser", browser_secret):
        raise SignInRefused(Problem.OTHER_BROWSER)


def sign_in_with_link(session: Session, *, handle: str, token: str, browser_secret: str | None) -> SignedIn:
    """Use an emailed link; it works only in the browser that asked for it."""
    row = _link_request(session, handle, token, lock=True)
    if not browser_secret or not _matches(row.browser_hash, "browser", browser_secret):
        raise SignInRefused(Problem.OTHER_BROWSER)
    return _complete(session, row, how="link")


def _complete(session: Session, row: SignInRequest, *, how: str) -> SignedIn:
    now = utcnow()
    # Single use even when two requests race: only one UPDATE finds it unused.
    claimed = session.execute(
        update(SignInRequest)
        .where(SignInRequest.id == row.id, SignInRequest.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if rowcount(claimed) != 1:
        raise SignInRefused(Problem.USED)
    # Older codes and links for the same address stop working too.
    session.execute(
        update(SignInRequest)
        .where(SignInRequest.email == row.email, SignInRequest.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    session.expire(row)
    user, created = _user_for(session, row.email)
    if not user.active or user.is_staff:
        raise SignInRefused(Problem.NOT_VALID)
    if created:
        record(session, user, AuditAction.ACCOUNT_CREATED, user, summary="Signed in by email for the first time")
    record(session, user, AuditAction.SIGNED_IN, user, summary=f"With an emailed {how}")
    session.flush()
    return SignedIn(user=user, next_path=row.next_path)


def _user_for(session: Session, email: str) -> tuple[User, bool]:
    """The account for ``email``, made now if this is the person's first sign-in."""
    user = session.scalar(select(User).where(User.email == email))
    if user is not None:
        return user, False
    try:
        with session.begin_nested():
            user = User(email=email)
            session.add(user)
            session.flush()
    except IntegrityError:
        # The same person finished two sign-ins at once: use the other's account.
        return session.scalars(select(User).where(User.email == email)).one(), False
    return user, True


def check_staff_password(session: Session, *, email: str, password: str) -> User | None:
    """The officer or admin with this email and password, or None.

    Unknown addresses cost the same time as known ones. A wrong password
    counts in ``failed_sign_in_count`` but never locks the account: rate
    limits per address and per IP slow guessing instead, so an attacker
    cannot lock staff out.
    """
    user = session.scalar(select(User).where(User.email == normalise_email(email)))
    correct = verify_password(user.password_hash if user is not None else None, password)
    if user is None:
        return None
    if not correct:
        user.failed_sign_in_count += 1
        record(session, None, AuditAction.STAFF_SIGN_IN_REFUSED, user, summary="Wrong password")
        session.flush()
        return None
    if not user.active or not user.is_staff:
        return None
    if user.password_hash and needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    session.flush()
    return user


def sign_in_when_hammered(session: Session, *, email: str, password: str, code: str | None) -> User | None:
    """The officer or admin with this email, password and authenticator ``code``, checked together, or None.

    For an address whose staff password limit is spent: a password alone
    says nothing (without a ``code`` it is not even checked), so guessing it
    needs a current authenticator code too. Tells the person, once a day.
    """
    sign_in_alerts.alert_once(session, email=normalise_email(email), why=sign_in_alerts.Hammered.PASSWORDS)
    if not code:
        return None
    user = check_staff_password(session, email=email, password=password)
    if user is None:
        return None
    if not totp.verify(session, user, code):
        staff_code_refused(session, user)
        return None
    staff_signed_in(session, user, how="With a password and an authenticator code together (the address was hammered)")
    return user


def staff_code_refused(session: Session, user: User) -> None:
    user.failed_sign_in_count += 1
    record(session, None, AuditAction.STAFF_SIGN_IN_REFUSED, user, summary="Wrong authenticator code")
    session.flush()


def staff_signed_in(session: Session, user: User, *, how: str) -> None:
    record(session, user, AuditAction.SIGNED_IN, user, summary=how)
    session.flush()
