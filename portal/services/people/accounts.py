"""Administering people: who has an account, which roles they hold, whether they can sign in.

Operations check the rule, change state, write the audit entry (and any
email), flush and return; they never commit (STYLE §4).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import Row, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal.errors import DomainError
from portal.infra.i18n import _l, gettext
from portal.models.audit import AuditAction
from portal.models.users import STAFF_ROLES, Role, RoleGrant, User
from portal.services.audit import record
from portal.services.messages.notify import queue_email
from portal.services.people.sessions import end_all_sessions, revoke_all
from portal.services.people.sign_in import normalise_email
from portal.services.programme import settings as programme
from portal.services.readmodels import keyset

PER_PAGE = 50

ROLE_LABELS: dict[Role, str] = {
    Role.PANELLIST: _l("Panel member"),
    Role.OFFICER: _l("Grants officer"),
    Role.ADMIN: _l("Administrator"),
    Role.FINANCE: _l("Finance"),
    Role.FUNDER: _l("Funder"),
    Role.CONNECTOR: _l("Community connector"),
}

# Plural labels for the filter on the list of people.
ROLE_FILTER_LABELS: dict[Role, str] = {
    Role.PANELLIST: _l("Panel members"),
    Role.OFFICER: _l("Grants officers"),
    Role.ADMIN: _l("Administrators"),
    Role.FINANCE: _l("Finance staff"),
    Role.FUNDER: _l("Funders"),
    Role.CONNECTOR: _l("Community connectors"),
}


def role_names(roles: Iterable[Role]) -> list[str]:
    """Role labels in a stable order (the order of ``Role``)."""
    held = set(roles)
    return [str(ROLE_LABELS[role]) for role in Role if role in held]


_SORT_NAME = func.lower(User.name)
# By name (ignoring case), then email, then id: the order the list pages through.
# The lower-cased name is read back from the database, which lower-cases as the order does.
PEOPLE_ORDER: tuple[keyset.Key[Row[User, str]], ...] = (
    keyset.Key(_SORT_NAME, lambda row: row[1]),
    keyset.Key(User.email, lambda row: row[0].email),
    keyset.Key(User.id, lambda row: row[0].id),
)


@dataclass(frozen=True)
class PeoplePage:
    listed: keyset.Page[Row[User, str]]
    role: Role | None

    @property
    def people(self) -> list[User]:
        return [row[0] for row in self.listed.rows]


def list_people(
    session: Session, *, role: Role | None = None, args: Mapping[str, str] | None = None, per_page: int | None = None
) -> PeoplePage:
    """The page of people ``args`` asks for (``after``/``before`` a person; else the first), by name then
    email, optionally only those with ``role``.

    Two queries whatever the page size or the number of people: the page, and its people's roles.
    """
    people_query = select(User, _SORT_NAME)
    if role is not None:
        people_query = people_query.where(User.role_grants.any(RoleGrant.role == role))
    # User.role_grants loads with "selectin": one more query for the whole page.
    listed = keyset.page(
        people_query,
        PEOPLE_ORDER,
        args or {},
        lambda ordered: session.execute(ordered).all(),
        per_page=per_page or PER_PAGE,
    )
    return PeoplePage(listed=listed, role=role)


def get_person(session: Session, user_id: int) -> User | None:
    return session.get(User, user_id)


def person_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == normalise_email(email)))


def email_taken(session: Session, email: str) -> bool:
    return session.scalar(select(User.id).where(User.email == normalise_email(email))) is not None


def create_person(
    session: Session,
    *,
    by: User,
    name: str,
    email: str,
    role: Role,
    sign_in_url: str,
) -> User:
    """Add a person with one role and email them where to sign in.

    ``sign_in_url`` is the full address of the page where this person signs
    in: the email sign-in page for panel members, the staff page for staff.
    Officers and admins cannot sign in until they have a password, which is
    set from the command line.
    """
    email = normalise_email(email)
    name = name.strip()
    if email_taken(session, email):
        raise DomainError(
            gettext(
                "There is already an account for %(email)s. Find it in the list of people to change it.", email=email
            )
        )
    user = User(email=email, name=name)
    user.grant(role)
    try:
        # A savepoint, so a simultaneous duplicate is a clear refusal, not a failed request.
        with session.begin_nested():
            session.add(user)
            session.flush()
    except IntegrityError:
        raise DomainError(
            gettext(
                "There is already an account for %(email)s. Find it in the list of people to change it.", email=email
            )
        ) from None
    record(session, by, AuditAction.ACCOUNT_CREATED, user, summary=f"{email} added as {ROLE_LABELS[role].lower()}")
    queue_email(
        session,
        to=email,
        subject=_l("You have been added to %(current)s", current=programme.current(session).name),
        template="account_created",
        name=name,
        role_label=ROLE_LABELS[role].lower(),
        is_staff=role in STAFF_ROLES,
        sign_in_url=sign_in_url,
    )
    session.flush()
    return user


def needs_password(user: User) -> bool:
    """Staff sign in with a password; one without cannot sign in yet."""
    return user.is_staff and not user.password_hash


def _lock(session: Session, user: User) -> None:
    """Hold ``user``'s row until the transaction ends and re-read their roles.

    Two submits of the same change (a double click, two admins at once) then
    run one after the other, and the second sees what the first did. SQLite
    has no row locks, but there every changing request holds the write lock.
    """
    session.execute(select(User.id).where(User.id == user.id).with_for_update())
    session.refresh(user, ["active", "role_grants"])


def set_roles(session: Session, user: User, roles: Iterable[Role], *, by: User) -> tuple[set[Role], set[Role]]:
    """Give ``user`` exactly ``roles``; return (granted, revoked).

    Any change ends every session ``user`` has (their own too, when admins
    change their own roles): they sign in again with the new roles. Sending
    the same roles again (a double submit) changes nothing and writes no
    audit entry. Admins cannot remove their own admin role, so there is
    always someone who can manage people.
    """
    _lock(session, user)
    wanted = set(roles)
    current = set(user.roles)
    granted = wanted - current
    revoked = current - wanted
    if user.id == by.id and Role.ADMIN in revoked:
        raise DomainError(
            gettext(
                "You cannot remove your own administrator role. Ask another administrator to do it if it is needed."
            )
        )
    for role in sorted(granted):
        user.grant(role)
        record(session, by, AuditAction.ROLE_GRANTED, user, summary=f"{ROLE_LABELS[role]} given to {user.email}")
    for role in sorted(revoked):
        user.revoke(role)
        record(session, by, AuditAction.ROLE_REVOKED, user, summary=f"{ROLE_LABELS[role]} taken away from {user.email}")
    if granted or revoked:
        # Their sessions signed in for the roles they had: they sign in again for the new ones.
        end_all_sessions(session, user, by=by, reason="their roles changed")
    session.flush()
    return granted, revoked


def deactivate(session: Session, user: User, *, by: User) -> int:
    """Stop ``user`` signing in and end every session they have now.

    Returns how many sessions were ended. Deactivating someone who is
    already deactivated changes nothing.
    """
    if user.id == by.id:
        raise DomainError(
            gettext("You cannot deactivate your own account. Ask another administrator to do it if it is needed.")
        )
    _lock(session, user)
    if not user.active:
        return 0
    user.active = False
    ended = revoke_all(session, user)
    record(
        session,
        by,
        AuditAction.ACCOUNT_DEACTIVATED,
        user,
        summary=f"{user.email} deactivated; {ended} session(s) ended",
    )
    session.flush()
    return ended


def reactivate(session: Session, user: User, *, by: User) -> bool:
    """Let ``user`` sign in again. Returns False if they were already active."""
    _lock(session, user)
    if user.active:
        return False
    user.active = True
    user.failed_sign_in_count = 0
    record(session, by, AuditAction.ACCOUNT_REACTIVATED, user, summary=f"{user.email} can sign in again")
    session.flush()
    return True
