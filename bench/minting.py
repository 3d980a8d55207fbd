"""Signed-in session cookies for benchmarks, made the way the portal makes them.

A ``UserSession`` row holds the hash of a random token; the Flask session
cookie (signed with ``SECRET_KEY``) carries the token. That is exactly what
``portal.auth.sessions.start_session`` leaves behind after a sign-in, so a
benchmark can skip the emailed code (applicants, panellists) and the
password and TOTP (staff) without the portal knowing the difference.
"""

from __future__ import annotations

import secrets

from flask import Flask
from sqlalchemy.orm import Session

from portal.auth.sessions import SESSION_KEY
from portal.models.base import utcnow
from portal.models.users import SignInMethod, UserSession
from portal.services.people.sessions import token_hash


def session_cookie(app: Flask, db_session: Session, user_id: int) -> str:
    """A ``name=value`` cookie that signs ``user_id`` in; the caller commits."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    # The strongest sign-in, so the same cookie serves applicants, panellists and staff.
    db_session.add(
        UserSession(
            user_id=user_id,
            token_hash=token_hash(token),
            created_at=now,
            last_seen_at=now,
            user_agent="bench",
            signed_in_with=SignInMethod.PASSWORD_AND_AUTHENTICATOR,
        )
    )
    serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    assert serializer is not None, "SECRET_KEY must be set"
    value = serializer.dumps({SESSION_KEY: token, "_permanent": True})
    return f"{app.config['SESSION_COOKIE_NAME']}={value}"
