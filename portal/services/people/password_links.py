"""Staff set their own password from an emailed link, so an admin can add officers and
admins in the browser (the command line stays for the first admin).

The link carries a token signed with the app's secret key that names the person
and a fingerprint of their password hash as it was when the link was made, so
it works once (setting a password changes the hash), for ``LIFETIME``, and only
while the account is active and staff. Nothing is stored: a new link does not
end an older one, but the first one used ends them all.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy.orm import Session

from portal.errors import DomainError
from portal.infra.i18n import _l, gettext
from portal.models.audit import AuditAction
from portal.models.users import User
from portal.services.audit import record
from portal.services.messages.notify import queue_email
from portal.services.people.passwords import hash_password, password_problem
from portal.services.people.sessions import end_all_sessions
from portal.services.programme import settings as programme

LIFETIME = timedelta(days=3)
_SALT = "set-staff-password"


def _serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=_SALT)


def _fingerprint(user: User) -> str:
    return hashlib.sha256(f"{user.id}:{user.password_hash or ''}".encode()).hexdigest()[:32]


def make_token(user: User, *, secret_key: str) -> str:
    return _serializer(secret_key).dumps({"user": user.id, "state": _fingerprint(user)})


def person_for(session: Session, token: str, *, secret_key: str) -> User | None:
    """Whom ``token`` lets set a password, or None when it is not good (any more)."""
    try:
        data = _serializer(secret_key).loads(token, max_age=int(LIFETIME.total_seconds()))
    except BadSignature:  # also when it has expired
        return None
    if not isinstance(data, dict) or not isinstance(data.get("user"), int):
        return None
    user = session.get(User, data["user"])
    if user is None or not user.active or not user.is_staff or data.get("state") != _fingerprint(user):
        return None
    return user


def send_link(session: Session, user: User, *, by: User, link: str) -> None:
    """Email ``user`` the ``link`` (made from ``make_token``) to set their password."""
    if not user.active:
        raise DomainError(
            gettext("This account is deactivated: reactivate it before sending a link to set a password.")
        )
    if not user.is_staff:
        raise DomainError(gettext("Only grants officers and administrators sign in with a password."))
    days = LIFETIME.days
    queue_email(
        session,
        to=user.email,
        subject=_l("Set your password for %(current)s", current=programme.current(session).name),
        template="set_password",
        secrets={"link": link},
        name=user.name,
        days=days,
        has_password=bool(user.password_hash),
    )
    record(session, by, AuditAction.PASSWORD_LINK_SENT, user, summary=f"to {user.email}, for {days} days")
    session.flush()


def set_password(session: Session, user: User, password: str) -> None:
    """Give ``user`` the password they chose through their link; every session of theirs ends."""
    problem = password_problem(password, email=user.email)
    if problem:
        raise DomainError(problem, field="password")
    user.password_hash = hash_password(password)
    record(session, user, AuditAction.PASSWORD_SET, user, summary="with a link emailed by an administrator")
    end_all_sessions(session, user, by=user, reason="set a new password")
    session.flush()
