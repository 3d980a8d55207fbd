"""Signed-in sessions as a rule: how strong a session must be for its person, and ending them all.

Step-up, not inheritance. A session keeps how it signed in
(``UserSession.signed_in_with``); on every request it may act for the
person only if that is enough for the roles they hold now
(``strong_enough``). Staff (officers and admins) need a password and an
authenticator code, or, only where ``REQUIRE_TOTP`` is off (development), a
password alone; an emailed link or code is never enough for them. So a
session that signed in by email before its person was made an officer does
not become an officer's session: the person signs in again as staff.

On top of that, changing a person's roles or deactivating them ends every
session they have (``end_all_sessions``), so nobody carries on in a session
that signed in as someone with other powers.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session, joinedload

from portal.infra.database import rowcount
from portal.models.audit import AuditAction
from portal.models.base import utcnow
from portal.models.users import SignInMethod, User, UserSession
from portal.services.audit import record
from portal.services.programme import content


def token_hash(token: str) -> str:
    """What the database keeps of a cookie's token: its hash, so a copy of the table signs nobody in."""
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(
    session: Session, user: User, *, token: str, user_agent: str, signed_in_with: SignInMethod, now: datetime
) -> UserSession:
    row = UserSession(
        user_id=user.id,
        token_hash=token_hash(token),
        created_at=now,
        last_seen_at=now,
        user_agent=user_agent[:200],
        signed_in_with=signed_in_with,
    )
    session.add(row)
    return row


def revoke_token(session: Session, token: str) -> None:
    """End the session behind ``token``, if it is still open."""
    session.execute(
        update(UserSession)
        .where(UserSession.token_hash == token_hash(token), UserSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def session_and_person(session: Session, token: str) -> tuple[UserSession, User] | None:
    """The session behind ``token`` and its person with their roles, in one query: every signed-in page pays for it.

    The same query reads the version of what officers edit (``content.remember``), so the page's caches of
    it are checked at no extra cost.
    """
    found = (
        session.execute(
            select(UserSession, User, content.version_column())
            .join(User, User.id == UserSession.user_id)
            .where(UserSession.token_hash == token_hash(token))
            .options(joinedload(User.role_grants))
        )
        .unique()
        .one_or_none()
    )
    if found is None:
        return None
    content.remember(found[2])
    return found[0], found[1]


def strong_enough(user: User, signed_in_with: SignInMethod, *, authenticator_required: bool) -> bool:
    """Whether a session that signed in with ``signed_in_with`` may act for ``user`` as they are now."""
    if not user.is_staff:
        return True
    if signed_in_with is SignInMethod.PASSWORD_AND_AUTHENTICATOR:
        return True
    return signed_in_with is SignInMethod.PASSWORD and not authenticator_required


def revoke_all(session: Session, user: User) -> int:
    """End every session ``user`` has now and return how many; the caller's audit entry says so."""
    ended = rowcount(
        session.execute(
            update(UserSession)
            .where(UserSession.user_id == user.id, UserSession.revoked_at.is_(None))
            .values(revoked_at=utcnow())
            .execution_options(synchronize_session=False)
        )
    )
    return int(ended or 0)


def end_all_sessions(session: Session, user: User, *, by: User | None, reason: str) -> int:
    """End every session ``user`` has now, recording why when there were any; return how many."""
    ended = revoke_all(session, user)
    if ended:
        record(
            session, by, AuditAction.SESSIONS_ENDED, user, summary=f"{ended} session(s) of {user.email} ended: {reason}"
        )
    session.flush()
    return ended
