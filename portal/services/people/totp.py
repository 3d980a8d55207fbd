"""Time-based one-time codes (TOTP) for staff: secrets, QR codes and checks.

A code is accepted for the current 30-second step and one step either side
(clocks drift), and never twice: the step used is stored in
``User.totp_last_step`` and only later steps are accepted after it.

A person's secret is stored only encrypted (``User.totp_secret_encrypted``,
``portal.infra.encryption``), as bank details are. A secret set up before
that, still in ``User.totp_secret_unencrypted``, is encrypted by ``flask
--app portal users encrypt-secrets`` or at the person's next successful
code, which also re-encrypts one made with a key that is no longer first.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import logging

import pyotp
import segno
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.infra import encryption
from portal.models.audit import AuditAction
from portal.models.base import utcnow
from portal.models.users import User
from portal.services.audit import record

log = logging.getLogger(__name__)

ISSUER = "Anchor Offer grants"
VALID_WINDOW = 1


def offer_setup(user: User) -> bool:
    """Staff who sign in with a password alone (possible in development): offer them the set-up page."""
    return user.is_staff and not user.has_authenticator


def secret_of(user: User) -> str | None:
    """The person's secret in clear, for checking a code; never stored or shown.

    Raises ``encryption.CannotDecrypt`` when no key in ``BANK_DETAILS_KEYS`` reads it.
    """
    if user.totp_secret_encrypted:
        return encryption.decrypt(user.totp_secret_encrypted).decode()
    return user.totp_secret_unencrypted


def store_secret(user: User, secret: str | None) -> None:
    """Keep ``secret`` (None: none) as the person's, encrypted with the first key."""
    user.totp_secret_encrypted = encryption.encrypt(secret.encode()) if secret else None
    user.totp_secret_unencrypted = None


def needs_encrypting(user: User) -> bool:
    """Whether the stored secret is in clear or made with a key that is no longer first."""
    if user.totp_secret_unencrypted:
        return True
    secret = user.totp_secret_encrypted
    return bool(secret) and secret is not None and not encryption.uses_first_key(secret)


def encrypt_stored_secret(user: User) -> bool:
    """Encrypt the person's stored secret with the first key if it is not already; True if it changed."""
    if not needs_encrypting(user):
        return False
    store_secret(user, secret_of(user))
    return True


def encrypt_all(session: Session, *, by: User | None) -> tuple[int, int]:
    """Encrypt every stored secret with the first key; return (changed, unreadable).

    An unreadable secret was made with a key no longer in ``BANK_DETAILS_KEYS``;
    it is left as it is (put the key back and run it again).
    Running it again changes nothing.
    """
    changed = unreadable = 0
    query = select(User).where((User.totp_secret_unencrypted.is_not(None)) | (User.totp_secret_encrypted.is_not(None)))
    for user in session.scalars(query.order_by(User.id).with_for_update()):
        try:
            was_clear = bool(user.totp_secret_unencrypted)
            if encrypt_stored_secret(user):
                changed += 1
                how = "was stored in clear" if was_clear else "was encrypted with an older key"
                record(session, by, AuditAction.AUTHENTICATOR_SECRET_ENCRYPTED, user, summary=f"It {how}")
        except encryption.CannotDecrypt:
            unreadable += 1
    session.flush()
    return changed, unreadable


def setup_secret(key: str, user_id: int, nonce: str) -> str:
    """The secret offered while a person sets up their code.

    It is derived from the app's secret key and a nonce kept in the person's
    cookie session, so the secret itself is never stored in the cookie or in
    the database before the person has proved their app holds it.
    """
    digest = hmac.new(key.encode(), f"totp-setup:{user_id}:{nonce}".encode(), hashlib.sha256).digest()
    return base64.b32encode(digest[:20]).decode()


def provisioning_uri(secret: str, email: str, *, issuer: str = ISSUER) -> str:
    """What the authenticator app reads from the QR code: it lists the code under ``issuer`` (the programme's name)."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=issuer)


def qr_svg(uri: str) -> Markup:
    """The QR code for ``uri`` as inline SVG with no style attributes (the CSP forbids them)."""
    out = io.BytesIO()
    segno.make(uri, error="m").save(
        out,
        kind="svg",
        scale=5,
        border=4,
        dark="#000",
        light="#fff",
        xmldecl=False,
        svgns=True,
        svgclass="qr-code",
        lineclass=None,
        title="QR code for your authenticator app",
    )
    return Markup(out.getvalue().decode())  # noqa: S704  (our own SVG, built from our own URI)


def grouped(secret: str) -> str:
    """The secret in groups of four letters, easier to type."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def matching_step(secret: str, code: str, *, last_step: int | None) -> int | None:
    """The time step ``code`` belongs to, if it is valid and later than ``last_step``."""
    code = "".join(code.split())
    if len(code) != 6 or not code.isdigit():
        return None
    try:
        totp = pyotp.TOTP(secret)
    except ValueError:
        # A secret too short for the library (under 112 bits) matches no code; an admin resets it.
        return None
    now_step = totp.timecode(utcnow())
    for step in range(now_step - VALID_WINDOW, now_step + VALID_WINDOW + 1):
        if last_step is not None and step <= last_step:
            continue
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def verify(session: Session, user: User, code: str) -> bool:
    """Check ``code`` against the user's secret, refusing a replayed code.

    The user's row is locked first, so two requests with the same code
    cannot both pass on PostgreSQL (SQLite serialises writing requests).
    """
    query = select(User).where(User.id == user.id).with_for_update().execution_options(populate_existing=True)
    locked = session.scalar(query)
    if locked is None:
        return False
    try:
        secret = secret_of(locked)
    except encryption.CannotDecrypt:
        log.error("The authenticator secret of person %d cannot be read with BANK_DETAILS_KEYS", locked.id)
        return False
    if not secret:
        return False
    step = matching_step(secret, code, last_step=locked.totp_last_step)
    if step is None:
        return False
    locked.totp_last_step = step
    # The person has just shown the secret works: the moment to encrypt one kept from before.
    encrypt_stored_secret(locked)
    session.flush()
    return True


def confirm_setup(session: Session, user: User, secret: str, code: str) -> bool:
    """Save ``secret`` as the user's if ``code`` shows their app holds it."""
    step = matching_step(secret, code, last_step=None)
    if step is None:
        return False
    store_secret(user, secret)
    user.totp_last_step = step
    session.flush()
    return True
