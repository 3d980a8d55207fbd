"""Time-based one-time codes (TOTP) for staff: secrets, QR codes and checks.

A code is accepted for the current 30-second step and one step either side
(clocks drift), and never twice: the step used is stored in
``User.totp_last_step`` and only later steps are accepted after it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import io

import pyotp
import segno
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models.base import utcnow
from portal.models.users import User

ISSUER = "Anchor Offer grants"
VALID_WINDOW = 1


def offer_setup(user: User) -> bool:
    """Staff who sign in with a password alone (possible in development): offer them the set-up page."""
    return user.is_staff and not user.totp_secret


def new_secret() -> str:
    return pyotp.random_base32()


def setup_secret(key: str, user_id: int, nonce: str) -> str:
    """The secret offered while a person sets up their code.

    It is derived from the app's secret key and a nonce kept in the person's
    cookie session, so the secret itself is never stored in the cookie or in
    the database before the person has proved their app holds it.
    """
    digest = hmac.new(key.encode(), f"totp-setup:{user_id}:{nonce}".encode(), hashlib.sha256).digest()
    return base64.b32encode(digest[:20]).decode()


def provisioning_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


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
    totp = pyotp.TOTP(secret)
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
    if locked is None or not locked.totp_secret:
        return False
    step = matching_step(locked.totp_secret, code, last_step=locked.totp_last_step)
    if step is None:
        return False
    locked.totp_last_step = step
    session.flush()
    return True


def confirm_setup(session: Session, user: User, secret: str, code: str) -> bool:
    """Save ``secret`` as the user's if ``code`` shows their app holds it."""
    step = matching_step(secret, code, last_step=None)
    if step is None:
        return False
    user.totp_secret = secret
    user.totp_last_step = step
    session.flush()
    return True
