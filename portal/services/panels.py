"""Panels: inviting members, onboarding, the conflict register, and who reviews what.

A panellist may open an application only when they are an onboarded,
current member of its panel, it is assigned to them, and they have not
declared a conflict with the group. Assignment never gives an application to
someone in its group or in the conflict register, and spreads the work evenly.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from portal.errors import DomainError
from portal.models.applications import Application, ApplicationStatus
from portal.models.base import utcnow
from portal.models.funding import Round
from portal.models.organisations import Membership
from portal.models.panels import Assignment, ConflictDeclaration, Panel, PanelMember, Review
from portal.models.users import Role, User
from portal.services import audit, notify
from portal.services.links import absolute_url, programme_email


def create_panel(
    session: Session, officer: User, grant_round: Round, *, name: str, reviews_due_at: datetime | None
) -> Panel:
    panel = Panel(round=grant_round, name=name.strip(), reviews_due_at=reviews_due_at)
    session.add(panel)
    session.flush()
    audit.record(session, officer, "panel created", panel, f"{panel.name} for {grant_round.title}")
    session.flush()
    return panel


def invite_member(session: Session, officer: User, panel: Panel, *, email: str, name: str) -> PanelMember:
    """Add someone to the panel (making their account if needed) and email them the link to start."""
    email = email.strip().lower()
    user = session.scalar(select(User).where(User.email == email))
    if user is None:
        user = User(email=email, name=name.strip())
        session.add(user)
    if user.has_role(Role.OFFICER) or user.has_role(Role.ADMIN):
        raise DomainError("Staff cannot be panel members: invite a personal address instead.")
    user.grant(Role.PANELLIST)
    session.flush()
    if session.scalar(select(PanelMember.id).where(PanelMember.panel_id == panel.id, PanelMember.user_id == user.id)):
        raise DomainError(f"{email} is already on this panel.")
    member = PanelMember(panel_id=panel.id, user_id=user.id)
    try:
        with session.begin_nested():
            session.add(member)
            session.flush()
    except IntegrityError:
        raise DomainError(f"{email} is already on this panel.") from None
    session.expire(panel, ["members"])
    audit.record(session, officer, "panel member invited", panel, email)
    notify.queue_email(
        session,
        to=email,
        subject=f"You are invited to the {panel.round.title} panel",
        template="panel_invitation",
        panel=panel,
        name=user.name,
        start_url=absolute_url("auth.start", next=f"/panel/panels/{panel.id}/welcome"),
    )
    session.flush()
    return member


def membership(session: Session, user: User, panel_id: int) -> PanelMember | None:
    return session.scalar(
        select(PanelMember).where(
            PanelMember.panel_id == panel_id, PanelMember.user_id == user.id, PanelMember.left_at.is_(None)
        )
    )


def complete_onboarding(session: Session, member: PanelMember, *, accepted: bool, wants_payment: bool) -> None:
    if not accepted:
        raise DomainError("Tick to agree to keep applications confidential and to declare any conflict of interest")
    now = utcnow()
    member.onboarded_at = member.onboarded_at or now
    member.conflict_policy_accepted_at = now
    member.wants_payment = wants_payment
    audit.record(session, member.user, "panel onboarding completed", member.panel, "Conflict policy accepted")
    session.flush()


def conflicted(session: Session, user_id: int, application: Application) -> bool:
    return (
        session.scalar(
            select(ConflictDeclaration.id).where(
                ConflictDeclaration.panellist_id == user_id,
                ConflictDeclaration.organisation_id == application.organisation_id,
                ConflictDeclaration.round_id == application.round_id,
            )
        )
        is not None
    )


def in_group(session: Session, user_id: int, application: Application) -> bool:
    return (
        session.scalar(
            select(Membership.id).where(
                Membership.user_id == user_id, Membership.organisation_id == application.organisation_id
            )
        )
        is not None
    )


def assignment_for(session: Session, user: User, application_id: int) -> Assignment | None:
    """The panellist's assignment to the application, if they may open it at all (else None)."""
    assignment = session.scalar(
        select(Assignment)
        .where(Assignment.application_id == application_id, Assignment.panellist_id == user.id)
        .options(joinedload(Assignment.panel), joinedload(Assignment.application))
    )
    if assignment is None:
        return None
    member = membership(session, user, assignment.panel_id)
    if member is None or conflicted(session, user.id, assignment.application):
        return None
    return assignment


def confirm_no_conflict(session: Session, assignment: Assignment, user: User) -> None:
    assignment.no_conflict_confirmed_at = assignment.no_conflict_confirmed_at or utcnow()
    session.flush()


def declare_conflict(session: Session, assignment: Assignment, user: User, *, nature: str) -> Assignment | None:
    """Record the conflict, take the application away from them, and find someone else.

    Returns the new assignment, or None when nobody else can take it (the officer is told either way).
    """
    application = assignment.application
    panel = assignment.panel
    declaration = ConflictDeclaration(
        panellist_id=user.id,
        organisation_id=application.organisation_id,
        round_id=application.round_id,
        application_id=application.id,
        nature=nature.strip()[:2000],
    )
    try:
        with session.begin_nested():
            session.add(declaration)
            session.flush()
    except IntegrityError:
        pass  # already in the register (another of the group's applications, or a double tap)
    session.execute(delete(Review).where(Review.application_id == application.id, Review.panellist_id == user.id))
    session.delete(assignment)
    session.flush()
    audit.record(session, user, "conflict declared", application, declaration.nature or "No details given")
    replacement = _assign_one_more(session, panel, application, assigned_by=None)
    _tell_officers(session, panel, application, user, replacement, reason="declared a conflict of interest")
    session.flush()
    return replacement


def leave_panel(session: Session, officer: User, member: PanelMember) -> list[Application]:
    """A member drops out: their unfinished reviews go to others. Returns applications nobody could take."""
    member.left_at = utcnow()
    session.flush()
    submitted = set(
        session.scalars(
            select(Review.application_id).where(Review.panellist_id == member.user_id, Review.submitted.is_(True))
        )
    )
    stranded = []
    for assignment in list(
        session.scalars(
            select(Assignment).where(Assignment.panel_id == member.panel_id, Assignment.panellist_id == member.user_id)
        )
    ):
        if assignment.application_id in submitted:
            continue
        application = assignment.application
        session.execute(
            delete(Review).where(Review.application_id == application.id, Review.panellist_id == member.user_id)
        )
        session.delete(assignment)
        session.flush()
        if _assign_one_more(session, member.panel, application, assigned_by=officer) is None:
            stranded.append(application)
    audit.record(session, officer, "panel member left", member.panel, member.user.email)
    session.flush()
    return stranded


def eligible_panellists(session: Session, panel: Panel, application: Application) -> list[User]:
    """Current onboarded-or-invited members who may review the application (not in its group, no conflict)."""
    members = session.scalars(
        select(PanelMember)
        .where(PanelMember.panel_id == panel.id, PanelMember.left_at.is_(None))
        .options(joinedload(PanelMember.user))
    ).all()
    return [
        m.user
        for m in members
        if not conflicted(session, m.user_id, application) and not in_group(session, m.user_id, application)
    ]


def assign(
    session: Session, officer: User | None, panel: Panel, application: Application, panellist: User
) -> Assignment:
    """Give one application to one panellist, if the rules allow it."""
    if application.round_id != panel.round_id:
        raise DomainError("That application is not in this panel's round.")
    if panellist not in eligible_panellists(session, panel, application):
        raise DomainError(
            f"{panellist.name or panellist.email} cannot review this application: "
            "they declared a conflict, belong to the group, or are not on the panel."
        )
    existing = session.scalar(
        select(Assignment).where(Assignment.application_id == application.id, Assignment.panellist_id == panellist.id)
    )
    if existing is not None:
        return existing
    assignment = Assignment(
        application=application, panellist=panellist, panel=panel, assigned_by_id=officer.id if officer else None
    )
    session.add(assignment)
    session.flush()
    audit.record(session, officer, "application assigned", application, f"To {panellist.email}")
    return assignment


def _load(session: Session, panel: Panel) -> Counter[int]:
    return Counter(session.scalars(select(Assignment.panellist_id).where(Assignment.panel_id == panel.id)))


def _assign_one_more(
    session: Session, panel: Panel, application: Application, *, assigned_by: User | None
) -> Assignment | None:
    already = set(session.scalars(select(Assignment.panellist_id).where(Assignment.application_id == application.id)))
    load = _load(session, panel)
    candidates = [u for u in eligible_panellists(session, panel, application) if u.id not in already]
    if not candidates:
        return None
    chosen = min(candidates, key=lambda u: (load[u.id], u.id))
    return assign(session, assigned_by, panel, application, chosen)


def assign_automatically(session: Session, officer: User, panel: Panel) -> tuple[int, list[Application]]:
    """Give each application with the panel its number of reviewers, evenly; return (made, short of reviewers)."""
    applications = list(
        session.scalars(
            select(Application)
            .where(Application.round_id == panel.round_id, Application.status == ApplicationStatus.WITH_PANEL)
            .order_by(Application.reference, Application.id)
        )
    )
    needed = panel.round.reviews_per_application
    made = 0
    short = []
    for application in applications:
        have = len(session.scalars(select(Assignment.id).where(Assignment.application_id == application.id)).all())
        while have < needed:
            if _assign_one_more(session, panel, application, assigned_by=officer) is None:
                short.append(application)
                break
            have += 1
            made += 1
    audit.record(session, officer, "applications assigned automatically", panel, f"{made} assignments made")
    session.flush()
    return made, short


def _tell_officers(
    session: Session,
    panel: Panel,
    application: Application,
    panellist: User,
    replacement: Assignment | None,
    *,
    reason: str,
) -> None:
    team = programme_email()
    if not team:
        return
    notify.queue_email(
        session,
        to=team,
        subject=f"Panel change for {application.reference}",
        template="panel_reassigned",
        panel=panel,
        application=application,
        panellist=panellist,
        replacement=replacement,
        reason=reason,
        panel_url=absolute_url("officer.panel", panel_id=panel.id),
    )
