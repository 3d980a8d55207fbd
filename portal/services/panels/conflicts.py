"""The programme's conflict register: a panellist's interest in a group, held in every round.

An entry comes from a panellist declaring a conflict (before reading an
application, or later from the review page while their review is a draft) or
from an officer entering one, even before anything is assigned. It holds until
an officer ends it with a reason. Whoever makes it, an entry takes every
unfinished assignment of that panellist to the group's applications away (the
draft review goes with it) and passes the work on; a submitted review stays.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from portal.errors import DomainError
from portal.infra.i18n import gettext
from portal.models.applications import Application, ApplicationStatus
from portal.models.audit import AuditAction
from portal.models.base import utcnow
from portal.models.organisations import Organisation
from portal.models.panels import Assignment, ConflictDeclaration, Review
from portal.models.users import Role, RoleGrant, User
from portal.services import audit
from portal.services.messages.links import programme_email
from portal.services.panels import membership
from portal.services.panels.scoring import UNREAD, Unread

MAX_TEXT = 2000


@dataclass(frozen=True)
class Withdrawn:
    """What an entry in the register did to the panellist's work on the group's applications."""

    # Unfinished assignments taken away, and who has each now (None: nobody else could take it).
    passed_on: list[tuple[Application, Assignment | None]] = field(default_factory=list)
    # Applications they had already reviewed: the submitted review stays.
    reviewed: list[Application] = field(default_factory=list)

    @property
    def stranded(self) -> list[Application]:
        return [application for application, replacement in self.passed_on if replacement is None]


def can_declare_late(session: Session, assignment: Assignment, *, own: Review | Unread | None = UNREAD) -> bool:
    """A conflict can be declared from the review page until the review is submitted. ``own``: the
    panellist's review as the page has just read it with ``scoring.review_of`` (None: there is none yet),
    so it is not asked for again."""
    if own is not UNREAD:
        return own is None or not own.submitted
    return not session.scalar(
        select(Review.submitted).where(
            Review.application_id == assignment.application_id, Review.panellist_id == assignment.panellist_id
        )
    )


def declare_conflict(session: Session, assignment: Assignment, *, by: User, nature: str) -> Assignment | None:
    """The panellist declares a conflict with the application's group: record it, take the work away, pass it on.

    Returns who has the application now (None when nobody else can take it); the officers are told either way.
    """
    if not can_declare_late(session, assignment):
        team = programme_email()
        raise DomainError(
            gettext(
                "You have already submitted your review of this application, so it cannot be withdrawn here. "
                "Write to the grants team at %(team)s instead.",
                team=team,
            )
            if team
            else gettext(
                "You have already submitted your review of this application, so it cannot be withdrawn here. "
                "Write to the grants team instead."
            )
        )
    application = assignment.application
    entry = _open_entry(
        session,
        panellist_id=by.id,
        organisation_id=application.organisation_id,
        round_id=application.round_id,
        application_id=application.id,
        nature=nature,
        by=by,
    )
    audit.record(session, by, AuditAction.CONFLICT_DECLARED, application, entry.nature or "No details given")
    withdrawn = _withdraw_work(
        session, by, application.organisation_id, by=by, why="declared a conflict of interest", email_team=True
    )
    return next((r for a, r in withdrawn.passed_on if a.id == application.id), None)


def add_entry(session: Session, *, by: User, panellist: User, organisation: Organisation, reason: str) -> Withdrawn:
    """An officer enters a conflict in the register; any unfinished work of theirs on the group is passed on."""
    reason = reason.strip()
    if not reason:
        raise DomainError(gettext("Give the reason for the conflict of interest"))
    if not panellist.has_role(Role.PANELLIST):
        raise DomainError(gettext("Choose a panel member"))
    if _find_open(session, panellist.id, organisation.id) is not None:
        raise DomainError(
            gettext(
                "The register already holds an open conflict of interest for %(email)s with %(organisation_name)s.",
                email=panellist.name or panellist.email,
                organisation_name=organisation.name,
            )
        )
    entry = _open_entry(
        session,
        panellist_id=panellist.id,
        organisation_id=organisation.id,
        round_id=None,
        application_id=None,
        nature=reason,
        by=by,
    )
    audit.record(
        session,
        by,
        AuditAction.CONFLICT_ENTERED_IN_THE_REGISTER,
        entry,
        f"{panellist.email} with {organisation.name}: {entry.nature}",
    )
    # The officer is told on the page what was passed on, so no email.
    why = "has a conflict of interest (conflict register)"
    return _withdraw_work(session, panellist, organisation.id, by=by, why=why, email_team=False)


def end_entry(session: Session, entry: ConflictDeclaration, *, by: User, reason: str) -> None:
    """End an open entry: from now on the panellist may be given the group's applications again."""
    reason = reason.strip()
    if not reason:
        raise DomainError(gettext("Give the reason for ending this conflict of interest"))
    if entry.ended_at is not None:
        raise DomainError(gettext("This conflict of interest has already been ended."))
    entry.ended_at = utcnow()
    entry.ended_by_id = by.id
    entry.end_reason = reason[:MAX_TEXT]
    audit.record(
        session,
        by,
        AuditAction.CONFLICT_ENDED,
        entry,
        f"{entry.panellist.email} with {entry.organisation.name}: {entry.end_reason}",
    )
    session.flush()


@dataclass(frozen=True)
class Register:
    open: list[ConflictDeclaration]
    ended: list[ConflictDeclaration]


def register(session: Session, *, panellist_ids: list[int] | None = None) -> Register:
    """Every entry, open ones first (newest first); or only those of some panellists."""
    statement = (
        select(ConflictDeclaration)
        .options(
            joinedload(ConflictDeclaration.panellist),
            joinedload(ConflictDeclaration.organisation),
            joinedload(ConflictDeclaration.declared_by),
            joinedload(ConflictDeclaration.ended_by),
        )
        .order_by(ConflictDeclaration.declared_at.desc(), ConflictDeclaration.id.desc())
    )
    if panellist_ids is not None:
        statement = statement.where(ConflictDeclaration.panellist_id.in_(panellist_ids))
    entries = session.scalars(statement).all()
    return Register(
        open=[e for e in entries if e.ended_at is None],
        ended=[e for e in entries if e.ended_at is not None],
    )


def panellists(session: Session) -> list[User]:
    """Everyone who may be entered in the register: anyone with the panellist role."""
    return list(
        session.scalars(
            select(User)
            .join(RoleGrant, RoleGrant.user_id == User.id)
            .where(RoleGrant.role == Role.PANELLIST)
            .order_by(User.name, User.email)
        )
    )


def groups(session: Session) -> list[Organisation]:
    return list(session.scalars(select(Organisation).order_by(Organisation.name, Organisation.id)))


def _find_open(session: Session, panellist_id: int, organisation_id: int) -> ConflictDeclaration | None:
    return session.scalar(
        select(ConflictDeclaration).where(
            ConflictDeclaration.panellist_id == panellist_id,
            ConflictDeclaration.organisation_id == organisation_id,
            ConflictDeclaration.ended_at.is_(None),
        )
    )


def _open_entry(
    session: Session,
    *,
    panellist_id: int,
    organisation_id: int,
    round_id: int | None,
    application_id: int | None,
    nature: str,
    by: User,
) -> ConflictDeclaration:
    """The open entry for the panellist and group: a new one, or the one already there (one open at a time)."""
    existing = _find_open(session, panellist_id, organisation_id)
    if existing is not None:
        return existing
    entry = ConflictDeclaration(
        panellist_id=panellist_id,
        organisation_id=organisation_id,
        round_id=round_id,
        application_id=application_id,
        nature=nature.strip()[:MAX_TEXT],
        declared_by_id=by.id,
    )
    try:
        with session.begin_nested():
            session.add(entry)
            session.flush()
    except IntegrityError:
        # Declared at the same moment elsewhere (a double tap, or an officer): that entry stands.
        found = _find_open(session, panellist_id, organisation_id)
        assert found is not None
        return found
    return entry


def _withdraw_work(
    session: Session, panellist: User, organisation_id: int, *, by: User, why: str, email_team: bool
) -> Withdrawn:
    assignments = session.scalars(
        select(Assignment)
        .join(Application, Application.id == Assignment.application_id)
        .where(Assignment.panellist_id == panellist.id, Application.organisation_id == organisation_id)
        .options(joinedload(Assignment.application), joinedload(Assignment.panel))
        .order_by(Assignment.id)
    ).all()
    submitted = set(
        session.scalars(
            select(Review.application_id).where(Review.panellist_id == panellist.id, Review.submitted.is_(True))
        )
    )
    passed_on: list[tuple[Application, Assignment | None]] = []
    reviewed: list[Application] = []
    for assignment in assignments:
        application, panel = assignment.application, assignment.panel
        if application.id in submitted:
            reviewed.append(application)
            continue
        had_draft = membership.withdraw(session, assignment)
        audit.record(
            session,
            by,
            AuditAction.ASSIGNMENT_WITHDRAWN,
            application,
            f"From {panellist.email}, who {why}" + ("; their draft review is removed" if had_draft else ""),
        )
        replacement = (
            membership.assign_one_more(session, panel, application, by=by)
            if application.status is ApplicationStatus.WITH_PANEL
            else None
        )
        passed_on.append((application, replacement))
        if email_team:
            membership.tell_officers(session, panel, application, panellist, replacement, reason=why)
    session.flush()
    return Withdrawn(passed_on=passed_on, reviewed=reviewed)
