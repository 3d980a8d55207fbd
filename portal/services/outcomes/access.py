"""Who reads which rounds' outcomes: officers and admins any round, a funder's people only the
rounds that funder puts money into (``RoundFunder``)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.errors import DomainError
from portal.infra.i18n import gettext
from portal.models.audit import AuditAction
from portal.models.funders import Funder, RoundFunder
from portal.models.funding import Round
from portal.models.users import FunderPerson, Role, User
from portal.services.audit import record
from portal.services.people.sessions import end_all_sessions


def funder_of(session: Session, user: User) -> Funder | None:
    """The funder ``user`` reads for; None unless they hold the funder role and a link."""
    if not user.has_role(Role.FUNDER):
        return None
    return session.scalar(
        select(Funder).join(FunderPerson, FunderPerson.funder_id == Funder.id).where(FunderPerson.user_id == user.id)
    )


def may_read_all_outcomes(user: User) -> bool:
    return user.has_role(Role.OFFICER) or user.has_role(Role.ADMIN)


def may_read_outcomes(user: User) -> bool:
    return may_read_all_outcomes(user) or user.has_role(Role.FUNDER)


def outcome_rounds(session: Session, user: User) -> list[Round]:
    """The rounds ``user`` may read outcomes of, in the order they opened (none for anyone else)."""
    query = select(Round).order_by(Round.opens_at, Round.id)
    if not may_read_all_outcomes(user):
        funder = funder_of(session, user)
        if funder is None:
            return []
        query = query.where(Round.id.in_(select(RoundFunder.round_id).where(RoundFunder.funder_id == funder.id)))
    return list(session.scalars(query))


def may_read_round_outcomes(session: Session, user: User, grant_round: Round) -> bool:
    return any(r.id == grant_round.id for r in outcome_rounds(session, user))


def link_funder_person(session: Session, user: User, funder: Funder, *, by: User) -> None:
    """Give ``user`` the funder role, reading for ``funder`` (replacing any funder they read for)."""
    if user.roles - {Role.FUNDER, Role.PANELLIST}:
        raise DomainError(
            gettext("Staff cannot also read for a funder: add the funder's person with their own email address.")
        )
    link = session.get(FunderPerson, user.id)
    if link is not None and link.funder_id == funder.id and user.has_role(Role.FUNDER):
        return
    if link is None:
        session.add(FunderPerson(user_id=user.id, funder_id=funder.id))
    else:
        link.funder_id = funder.id
    user.grant(Role.FUNDER)
    record(session, by, AuditAction.FUNDER_LINKED, user, summary=f"{user.email} reads outcomes for {funder.name}")
    # As with any change of roles, they sign in again to read for the new funder.
    end_all_sessions(session, user, by=by, reason="their roles changed")
    session.flush()


def unlink_funder_person(session: Session, user: User, *, by: User) -> bool:
    """Take the funder role and its funder away from ``user``; False when they had neither."""
    link = session.get(FunderPerson, user.id)
    if link is None and not user.has_role(Role.FUNDER):
        return False
    if link is not None:
        session.delete(link)
    user.revoke(Role.FUNDER)
    record(session, by, AuditAction.ROLE_REVOKED, user, summary=f"Funder taken away from {user.email}")
    end_all_sessions(session, user, by=by, reason="their roles changed")
    session.flush()
    return True


def funder_choices(session: Session) -> list[tuple[str, str]]:
    """Every funder on record, by name, for choosing whom a person reads for."""
    return [(str(f.id), f.name) for f in session.scalars(select(Funder).order_by(Funder.name))]
