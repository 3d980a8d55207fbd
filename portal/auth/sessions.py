"""Signed-in sessions: a random token in the signed cookie, its hash in the
database, so signing out (or an officer revoking a session) ends it at once.

Flask-Login's ``request_loader`` finds the person behind the token on each
request and applies the idle and absolute timeouts, and the rule of
``portal.services.people.sessions.strong_enough``: a session that signed in
more weakly than its person's roles now need signs nobody in (the pages send
the browser to the staff sign-in, ``portal.access.sign_in_redirect``).
``last_seen_at`` is only written when it is more than ``TOUCH_EVERY`` old, so
reading pages does not mean a database write per request.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask import Flask, current_app, request, session
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from portal.access import mark_staff_sign_in_needed
from portal.extensions import db, login_manager
from portal.models.base import utcnow
from portal.models.users import SignInMethod, User, UserSession
from portal.services.people import sessions

SESSION_KEY = "sid"
TOUCH_EVERY = timedelta(minutes=5)


def start_session(db_session: Session, user: User, *, signed_in_with: SignInMethod) -> str:
    """Sign ``user`` in to this browser: a fresh cookie session and a new token.

    ``signed_in_with`` is kept with the session: it decides whether the
    session may act for the roles the person holds (see ``_load_from_request``).

    Clearing the cookie first means nothing from before sign-in (a planted
    value, an old CSRF token) carries over: the equivalent of a new session id.
    """
    previous = session.get(SESSION_KEY)
    if previous:
        # Signing in again (stepping up to a staff sign-in, say) ends the session it replaces.
        sessions.revoke_token(db_session, previous)
    token = secrets.token_urlsafe(32)
    now = utcnow()
    sessions.open_session(
        db_session,
        user,
        token=token,
        user_agent=request.user_agent.string or "",
        signed_in_with=signed_in_with,
        now=now,
    )
    user.last_sign_in_at = now
    user.failed_sign_in_count = 0
    db_session.flush()
    session.clear()
    session[SESSION_KEY] = token
    session.permanent = True
    return token


def end_session(db_session: Session) -> None:
    """Sign out: revoke the token so a copied cookie is useless, then forget it."""
    token = session.get(SESSION_KEY)
    if token:
        sessions.revoke_token(db_session, token)
    session.clear()


def expired(row: UserSession, *, idle: timedelta, absolute: timedelta) -> bool:
    now = utcnow()
    return row.revoked_at is not None or now - row.last_seen_at > idle or now - row.created_at > absolute


def _load_from_request(_request: object) -> User | None:
    token = session.get(SESSION_KEY)
    if not token:
        return None
    db_session = db.session
    found = sessions.session_and_person(db_session, token)
    config = current_app.config
    if found is None or expired(
        found[0],
        idle=timedelta(minutes=config["SESSION_IDLE_MINUTES"]),
        absolute=timedelta(hours=config["SESSION_ABSOLUTE_HOURS"]),
    ):
        session.pop(SESSION_KEY, None)
        return None
    row, user = found
    if not user.active:
        session.pop(SESSION_KEY, None)
        return None
    if not sessions.strong_enough(user, row.signed_in_with, authenticator_required=config["REQUIRE_TOTP"]):
        # The token stays in the cookie, so every page this browser asks for can say why it must sign in again.
        mark_staff_sign_in_needed()
        return None
    if utcnow() - row.last_seen_at > TOUCH_EVERY:
        row.last_seen_at = utcnow()
        # Commit the touch on its own: the request may end in an error page
        # (which rolls back) and the person is still active. It is best
        # effort: a busy database must not turn a page view into an error.
        try:
            db_session.commit()
        except OperationalError:
            db_session.rollback()
            return db_session.get(User, row.user_id)
    return user


def init_login(app: Flask) -> None:
    login_manager.request_loader(_load_from_request)
    login_manager.login_view = "auth.start"
    login_manager.session_protection = None  # the token row is the protection
