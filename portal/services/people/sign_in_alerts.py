"""Telling a person, at most once a day, that many attempts are being made to sign in with their address.

Called when a limit per address is spent (``portal.infra.rate_limits``): sign-in
still works for the person, in a way nobody can guess, and the person should
know that someone is trying. Only an active account is told (there is nobody
to tell otherwise); the page anyone sees is the same either way, so nothing
says whether an account exists. The audit log is both the record and the
"once a day": an alert is sent when none has been in the last
``ALERT_EVERY``. The person's row is locked first, so two requests at once
send one alert (on SQLite every writing request already holds the lock).
"""

from __future__ import annotations

import enum
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.infra.i18n import _l
from portal.models.audit import AuditAction, AuditEntry
from portal.models.base import utcnow
from portal.models.users import User
from portal.services.audit import record
from portal.services.messages.links import absolute_url
from portal.services.messages.notify import queue_email

ALERT_EVERY = timedelta(days=1)
ALERT_ACTION = AuditAction.SIGN_IN_ATTEMPTS_ALERT
ALERT_SUBJECT = _l("Many attempts to sign in with your email address")


class Hammered(enum.StrEnum):
    """Which limit per address was spent."""

    EMAILS = "Many sign-in emails asked for in a day: emails now have a link but no code"
    PASSWORDS = "Many staff passwords tried in an hour: the password now needs the authenticator code with it"


def alert_once(session: Session, *, email: str, why: Hammered) -> bool:
    """Email the person at ``email`` about ``why``, unless they were told in the last day; True if sent."""
    user = session.scalar(select(User).where(User.email == email).with_for_update())
    if user is None or not user.active:
        return False
    told = session.scalar(
        select(AuditEntry.id)
        .where(
            AuditEntry.action == ALERT_ACTION,
            AuditEntry.object_type == "User",
            AuditEntry.object_id == user.id,
            AuditEntry.created_at > utcnow() - ALERT_EVERY,
        )
        .limit(1)
    )
    if told is not None:
        return False
    queue_email(
        session,
        to=user.email,
        subject=ALERT_SUBJECT,
        template="sign_in_attempts",
        staff=why is Hammered.PASSWORDS,
        sign_in_url=absolute_url("auth.staff" if why is Hammered.PASSWORDS else "auth.start"),
    )
    record(session, None, ALERT_ACTION, user, summary=why.value)
    session.flush()
    return True
