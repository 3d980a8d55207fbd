"""Panels: inviting members, onboarding, and who reviews what.

Assignment spreads the work evenly and follows ``panel_access``: it never
gives an application to someone in its group, in the conflict register with
it, or who has seen the panel's results once it has marks. The register
itself is kept by ``conflicts``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from portal.errors import DomainError
from portal.infra.database import rowcount
from portal.infra.i18n import _l, gettext
from portal.models.applications import Application, ApplicationStatus
from portal.models.audit import AuditAction
from portal.models.base import utcnow
from portal.models.funding import Round
from portal.models.panels import Assignment, Panel, PanelMember, Review
from portal.models.users import Role, User
from portal.services import audit
from portal.services.awards import decisions
from portal.services.messages import notify
from portal.services.messages.links import absolute_url, programme_email
from portal.services.panels import access
from portal.services.people.sessions import end_all_sessions


def create_panel(
    session: Session, grant_round: Round, *, by: User, name: str, reviews_due_at: datetime | None
) -> Panel:
    panel = Panel(round=grant_round, name=name.strip(), reviews_due_at=reviews_due_at)
    session.add(panel)
    session.flush()
    audit.record(session, by, AuditAction.PANEL_CREATED, panel, f"{panel.name} for {grant_round.title}")
    session.flush()
    return panel


def panels_of_round(session: Session, round_id: int) -> list[Panel]:
    """The round's panels, the first set up first."""
    statement = select(Panel).where(Panel.round_id == round_id).order_by(Panel.created_at, Panel.id)
    return list(session.scalars(statement))


def members_of(session: Session, panel: Panel) -> list[PanelMember]:
    """Everyone ever invited to ``panel`` (those who left too), in the order they were invited."""
    statement = (
        select(PanelMember)
        .where(PanelMember.panel_id == panel.id)
        .options(joinedload(PanelMember.user))
        .order_by(PanelMember.invited_at)
    )
    return list(session.scalars(statement))


def serving(member: PanelMember, panel: Panel) -> bool:
    """Whether ``member`` still sits on ``panel``: only a serving member can leave it or be assigned work."""
    return member.panel_id == panel.id and member.left_at is None


def assignments_of(session: Session, panel: Panel) -> list[Assignment]:
    statement = (
        select(Assignment)
        .where(Assignment.panel_id == panel.id)
        .options(joinedload(Assignment.application), joinedload(Assignment.panellist))
        .order_by(Assignment.application_id, Assignment.id)
    )
    return list(session.scalars(statement))


def with_panel(session: Session, panel: Panel) -> list[Application]:
    """The applications of the panel's round now with the panel: those an officer may assign by hand."""
    statement = (
        select(Application)
        .where(Application.round_id == panel.round_id, Application.status == ApplicationStatus.WITH_PANEL)
        .order_by(Application.reference)
    )
    return list(session.scalars(statement))


def find_choice(
    session: Session, application_id: int | None, panellist_id: int | None
) -> tuple[Application | None, User | None]:
    """The application and panellist an officer picked by id, None for either that does not exist."""
    application = session.get(Application, application_id) if application_id else None
    return application, session.get(User, panellist_id) if panellist_id else None


def find_pairs(session: Session, ids: list[tuple[int, int]]) -> list[tuple[Panel, User]]:
    """The (panel, user) pairs named by id that exist; whether each may take work is checked on assigning."""
    found = []
    for panel_id, user_id in ids:
        panel, user = session.get(Panel, panel_id), session.get(User, user_id)
        if panel is not None and user is not None:
            found.append((panel, user))
    return found


def invite_member(session: Session, panel: Panel, *, by: User, email: str, name: str) -> PanelMember:
    """Add someone to the panel (making their account if needed) and email them the link to start."""
    email = email.strip().lower()
    user = session.scalar(select(User).where(User.email == email))
    if user is None:
        user = User(email=email, name=name.strip())
        session.add(user)
    if user.has_role(Role.OFFICER) or user.has_role(Role.ADMIN):
        raise DomainError(gettext("Staff cannot be panel members: invite a personal address instead."))
    if not user.has_role(Role.PANELLIST):
        user.grant(Role.PANELLIST)
        session.flush()
        # A new role ends the sessions they had; the invitation tells them to sign in.
        end_all_sessions(session, user, by=by, reason="made a panel member")
    session.flush()
    if session.scalar(select(PanelMember.id).where(PanelMember.panel_id == panel.id, PanelMember.user_id == user.id)):
        raise DomainError(gettext("%(email)s is already on this panel.", email=email))
    member = PanelMember(panel_id=panel.id, user_id=user.id)
    try:
        with session.begin_nested():
            session.add(member)
            session.flush()
    except IntegrityError:
        raise DomainError(gettext("%(email)s is already on this panel.", email=email)) from None
    session.expire(panel, ["members"])
    audit.record(session, by, AuditAction.PANEL_MEMBER_INVITED, panel, email)
    notify.queue_email(
        session,
        to=email,
        subject=_l("You are invited to the %(round_title)s panel", round_title=panel.round.title),
        template="panel_invitation",
        panel=panel,
        name=user.name,
        start_url=absolute_url("auth.start", next=f"/panel/panels/{panel.id}/welcome"),
    )
    session.flush()
    return member


def complete_onboarding(session: Session, member: PanelMember, *, accepted: bool, wants_payment: bool) -> None:
    if not accepted:
        raise DomainError(
            gettext("Tick to agree to keep applications confidential and to declare any conflict of interest")
        )
    now = utcnow()
    member.onboarded_at = member.onboarded_at or now
    member.conflict_policy_accepted_at = now
    member.wants_payment = wants_payment
    audit.record(session, member.user, AuditAction.PANEL_ONBOARDING_COMPLETED, member.panel, "Conflict policy accepted")
    session.flush()


def confirm_no_conflict(session: Session, assignment: Assignment, *, by: User) -> None:
    assignment.no_conflict_confirmed_at = assignment.no_conflict_confirmed_at or utcnow()
    session.flush()


def withdraw(session: Session, assignment: Assignment) -> bool:
    """Take an unfinished assignment away, with its draft review. Returns whether there was a draft."""
    had_draft = (
        rowcount(
            session.execute(
                delete(Review).where(
                    Review.application_id == assignment.application_id,
                    Review.panellist_id == assignment.panellist_id,
                    Review.submitted.is_(False),
                )
            )
        )
        > 0
    )
    session.delete(assignment)
    session.flush()
    return had_draft


def leave_panel(session: Session, member: PanelMember, *, by: User) -> list[Application]:
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
        withdraw(session, assignment)
        if assign_one_more(session, member.panel, application, by=by) is None:
            stranded.append(application)
    audit.record(session, by, AuditAction.PANEL_MEMBER_LEFT, member.panel, member.user.email)
    session.flush()
    return stranded


def assign(session: Session, panel: Panel, application: Application, panellist: User, *, by: User | None) -> Assignment:
    """Give one application to one panellist, if the rules allow it."""
    refused = access.why_not_assignable(session, panel, application, panellist)
    if refused:
        raise DomainError(refused)
    existing = session.scalar(
        select(Assignment).where(Assignment.application_id == application.id, Assignment.panellist_id == panellist.id)
    )
    if existing is not None:
        return existing
    assignment = Assignment(
        application=application, panellist=panellist, panel=panel, assigned_by_id=by.id if by else None
    )
    session.add(assignment)
    session.flush()
    audit.record(session, by, AuditAction.APPLICATION_ASSIGNED, application, f"To {panellist.email}")
    return assignment


def _load(session: Session, panel: Panel) -> Counter[int]:
    return Counter(session.scalars(select(Assignment.panellist_id).where(Assignment.panel_id == panel.id)))


def candidates(session: Session, panel: Panel, application: Application) -> list[User]:
    """Members of the panel who may take the application and do not have it yet."""
    already = set(session.scalars(select(Assignment.panellist_id).where(Assignment.application_id == application.id)))
    return [u for u in access.panellists_who_may_take(session, panel, application) if u.id not in already]


def assign_one_more(session: Session, panel: Panel, application: Application, *, by: User | None) -> Assignment | None:
    """Give the application to the least busy member who may take it; None when nobody can."""
    found = candidates(session, panel, application)
    if not found:
        return None
    load = _load(session, panel)
    chosen = min(found, key=lambda u: (load[u.id], u.id))
    return assign(session, panel, application, chosen, by=by)


def _fill(session: Session, panel: Panel, application: Application, *, by: User) -> tuple[list[Assignment], int]:
    """Assign until the application has the round's number of reviewers: (assignments made, reviewers missing)."""
    have = session.scalar(select(func.count(Assignment.id)).where(Assignment.application_id == application.id)) or 0
    needed = panel.round.reviews_per_application
    made: list[Assignment] = []
    while have + len(made) < needed:
        assignment = assign_one_more(session, panel, application, by=by)
        if assignment is None:
            break
        made.append(assignment)
    return made, max(0, needed - have - len(made))


def assign_automatically(session: Session, panel: Panel, *, by: User) -> tuple[int, list[Application]]:
    """Give each application with the panel its number of reviewers, evenly; return (made, short of reviewers)."""
    applications = list(
        session.scalars(
            select(Application)
            .where(Application.round_id == panel.round_id, Application.status == ApplicationStatus.WITH_PANEL)
            .order_by(Application.reference, Application.id)
        )
    )
    made = 0
    short = []
    for application in applications:
        assignments, missing = _fill(session, panel, application, by=by)
        made += len(assignments)
        if missing:
            short.append(application)
    audit.record(session, by, AuditAction.APPLICATIONS_ASSIGNED_AUTOMATICALLY, panel, f"{made} assignments made")
    session.flush()
    return made, short


def tell_officers(
    session: Session,
    panel: Panel,
    application: Application,
    panellist: User,
    replacement: Assignment | None,
    *,
    reason: str,
) -> None:
    """Email the programme team that a panellist gave up an application, and who has it now."""
    team = programme_email()
    if not team:
        return
    notify.queue_email(
        session,
        to=team,
        subject=_l("Panel change for %(reference)s", reference=application.reference),
        template="panel_reassigned",
        panel=panel,
        application=application,
        panellist=panellist,
        replacement=replacement,
        reason=reason,
        panel_url=absolute_url("officer.panel", panel_id=panel.id),
        application_url=absolute_url("officer.application", application_id=application.id),
    )


def record_results_seen(session: Session, member: PanelMember, *, by: User) -> None:
    """Note when the member first saw the panel's results: from then on they may know others' marks."""
    if member.user_id != by.id or not access.sees_panel_scores(session, member.panel, by=by):
        raise DomainError(gettext("You will see the panel's results once you have submitted all your reviews."))
    if member.results_seen_at is not None:
        return
    member.results_seen_at = utcnow()
    audit.record(session, by, AuditAction.PANEL_RESULTS_SEEN, member.panel, "First look at the panel's results")
    session.flush()


SENDABLE = frozenset({ApplicationStatus.SUBMITTED, ApplicationStatus.ELIGIBILITY_CHECK})


def can_send_to_panel(application: Application) -> bool:
    """Whether the checks can end with the application marked eligible and sent to the panel."""
    return application.status in SENDABLE


@dataclass(frozen=True)
class SentToPanel:
    assigned: list[User]
    # Reviewers the round asks for that nobody on the panel could be (automatic assignment only).
    short_by: int = 0


def send_to_panel(
    session: Session,
    application: Application,
    *,
    by: User,
    panel: Panel | None,
    panellists: list[User] | None = None,
    automatically: bool = False,
) -> SentToPanel:
    """Mark the application eligible and, in the same step, assign it: automatically or to chosen panellists.

    Every rule is checked before anything changes, so a refused panellist refuses the whole step.
    """
    if not can_send_to_panel(application):
        raise DomainError(
            gettext("This application is not waiting for its checks, so it cannot be sent to the panel now.")
        )
    chosen = list(panellists or [])
    if (automatically or chosen) and panel is None:
        raise DomainError(gettext("Choose the panel to send it to"))
    if panel is not None and panel.round_id != application.round_id:
        raise DomainError(gettext("That panel is not in this application's round."))
    if automatically and chosen:
        raise DomainError(gettext("Choose either to assign it automatically or to chosen panel members, not both"))
    for panellist in chosen:
        # Chosen panellists without a panel were refused above.
        refused = access.why_not_assignable(session, panel, application, panellist)  # type: ignore[arg-type]
        if refused:
            raise DomainError(refused)
    decisions.mark_eligible(session, application, by=by)
    if panel is None:
        return SentToPanel(assigned=[])
    if automatically:
        made, short_by = _fill(session, panel, application, by=by)
        session.flush()
        return SentToPanel(assigned=[a.panellist for a in made], short_by=short_by)
    for panellist in chosen:
        assign(session, panel, application, panellist, by=by)
    session.flush()
    return SentToPanel(assigned=chosen)
