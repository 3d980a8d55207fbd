"""What each role sees first after signing in.

Each overview is read with a fixed number of queries, however many rows
there are: related rows come by join or ``selectinload``, counts by one
grouped query. Templates get plain rows and never query.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased, joinedload

from portal.models.applications import Application, ApplicationStatus
from portal.models.audit import AuditEntry
from portal.models.awards import Award, AwardStatus
from portal.models.base import utcnow
from portal.models.events import Event, Registration, Resource
from portal.models.funding import Round
from portal.models.panels import Assignment, ConflictDeclaration, Panel, Review, TimeEntry
from portal.models.users import User
from portal.services.events import events_for_groups, my_registrations
from portal.services.organisations import groups_of
from portal.services.resources import recent as recent_resources
from portal.services.rounds import open_rounds
from portal.workflow import APPLICATION_LABELS, AWARD_LABELS

# Applicants


@dataclass(frozen=True)
class ApplicationRow:
    application_id: int
    round_title: str
    round_slug: str
    reference: str | None
    status: ApplicationStatus
    status_label: str
    amount_requested_pence: int
    award_amount_pence: int | None = None
    award_status_label: str | None = None
    award_id: int | None = None
    # What the group should do next, in a few words, and where; None when nothing is needed.
    next_step: str | None = None
    next_endpoint: str | None = None

    @property
    def is_draft(self) -> bool:
        return self.status is ApplicationStatus.DRAFT


@dataclass(frozen=True)
class GroupApplications:
    organisation_id: int
    name: str
    applications: list[ApplicationRow] = field(default_factory=list)


@dataclass(frozen=True)
class ApplicantOverview:
    groups: list[GroupApplications]
    # Open rounds at least one of the person's groups has not applied to yet.
    open_rounds: list[Round]
    events: list[Event] = field(default_factory=list)
    # Places booked or waited for by the person's groups at events still to come.
    bookings: list[Registration] = field(default_factory=list)
    # Resources added in the last 30 days, newest first.
    new_resources: list[Resource] = field(default_factory=list)


def applicant_overview(session: Session, user: User) -> ApplicantOverview:
    """The groups ``user`` acts for, their applications and awards, and the open rounds."""
    organisations = groups_of(session, user)
    by_organisation: dict[int, list[ApplicationRow]] = defaultdict(list)
    applied: dict[int, set[int]] = defaultdict(set)
    # Rounds in which one of the groups holds a grant: who may book which events.
    funded_rounds: set[int] = set()
    if organisations:
        rows = session.execute(
            select(Application, Award)
            .join(Application.round)
            .outerjoin(Award, Award.application_id == Application.id)
            .options(joinedload(Application.round))
            .where(Application.organisation_id.in_([o.id for o in organisations]))
            .order_by(Round.closes_at.desc(), Application.id.desc())
        )
        for application, award in rows:
            by_organisation[application.organisation_id].append(
                ApplicationRow(
                    application_id=application.id,
                    round_title=application.round.title,
                    round_slug=application.round.slug,
                    reference=application.reference,
                    status=application.status,
                    status_label=APPLICATION_LABELS[application.status],
                    amount_requested_pence=application.amount_requested_pence,
                    award_amount_pence=award.amount_pence if award is not None else None,
                    award_status_label=AWARD_LABELS[award.status] if award is not None else None,
                    award_id=award.id if award is not None else None,
                    **_next_step(application, award),
                )
            )
            applied[application.round_id].add(application.organisation_id)
            if award is not None and award.status is not AwardStatus.CANCELLED:
                funded_rounds.add(application.round_id)
    groups = [GroupApplications(o.id, o.name, by_organisation[o.id]) for o in organisations]
    group_count = len(organisations)
    rounds = [r for r in open_rounds(session) if group_count == 0 or len(applied[r.id]) < group_count]
    registrations = my_registrations(session, user, organisation_ids={o.id for o in organisations})
    return ApplicantOverview(
        groups=groups,
        open_rounds=rounds,
        events=upcoming_events(session, funded_rounds),
        bookings=[r for r in registrations if r.event.ends_at > utcnow()],
        new_resources=recent_resources(session, {r.event_id for r in registrations}),
    )


def _next_step(application: Application, award: Award | None) -> dict[str, str | None]:
    """The one thing the group should do next, with the page to do it on."""
    status = application.status
    if status is ApplicationStatus.DRAFT:
        if application.round.is_open():
            return {"next_step": "Finish and send your application", "next_endpoint": "apply.task_list"}
        return {"next_step": None, "next_endpoint": None}
    if status is ApplicationStatus.MORE_INFO:
        return {"next_step": "Answer our question", "next_endpoint": "apply.status"}
    if award is not None:
        if award.status is AwardStatus.OFFERED:
            return {"next_step": "Accept your grant", "next_endpoint": "apply.award"}
        if award.status is AwardStatus.ACCEPTED and award.bank_details_encrypted is None:
            return {"next_step": "Give your bank details", "next_endpoint": "apply.award"}
        if award.status in (AwardStatus.ACCEPTED, AwardStatus.PAID, AwardStatus.REPORT_DUE):
            return {"next_step": "Send your end-of-grant report", "next_endpoint": "apply.award"}
    return {"next_step": None, "next_endpoint": None}


# How many upcoming peer-learning events the dashboard lists.
DASHBOARD_EVENTS = 3


def upcoming_events(session: Session, funded_rounds: set[int], limit: int = DASHBOARD_EVENTS) -> list[Event]:
    """Published peer-learning events still to come for groups funded in ``funded_rounds``, soonest first."""
    now = utcnow()
    return [e for e in events_for_groups(session, funded_rounds) if e.starts_at > now][:limit]


# Panellists

NOT_STARTED = "Not started"
IN_PROGRESS = "In progress"
SUBMITTED = "Submitted"
CONFLICT = "Conflict declared"


@dataclass(frozen=True)
class AssignmentRow:
    application_id: int
    panel_id: int
    reference: str
    # None when the round's panel reviews blind: the group is not named.
    group_name: str | None
    round_title: str
    panel_name: str
    due_at: datetime | None
    review_status: str


@dataclass(frozen=True)
class PanellistOverview:
    assignments: list[AssignmentRow]
    minutes_recorded: int

    @property
    def to_do(self) -> int:
        return sum(1 for row in self.assignments if row.review_status in {NOT_STARTED, IN_PROGRESS})


def _review_status(submitted: bool | None, conflicted: bool) -> str:
    if conflicted:
        return CONFLICT
    if submitted is None:
        return NOT_STARTED
    return SUBMITTED if submitted else IN_PROGRESS


def panellist_overview(session: Session, user: User) -> PanellistOverview:
    """The applications assigned to ``user``, how far their reviews are, and their time."""
    assignments = list(
        session.scalars(
            select(Assignment)
            .join(Assignment.panel)
            .where(Assignment.panellist_id == user.id)
            .options(
                joinedload(Assignment.panel),
                joinedload(Assignment.application).joinedload(Application.round),
                joinedload(Assignment.application).joinedload(Application.organisation),
            )
            .order_by(Panel.reviews_due_at.is_(None), Panel.reviews_due_at, Assignment.id)
        )
    )
    review_submitted: dict[int, bool] = {
        application_id: submitted
        for application_id, submitted in session.execute(
            select(Review.application_id, Review.submitted).where(Review.panellist_id == user.id)
        )
    }
    # The register holds in every round, until an officer ends an entry.
    conflicts = set(
        session.scalars(
            select(ConflictDeclaration.organisation_id).where(
                ConflictDeclaration.panellist_id == user.id, ConflictDeclaration.ended_at.is_(None)
            )
        )
    )
    minutes = session.scalar(
        select(func.coalesce(func.sum(TimeEntry.minutes), 0)).where(TimeEntry.panellist_id == user.id)
    )
    rows = []
    for assignment in assignments:
        application = assignment.application
        grant_round = application.round
        rows.append(
            AssignmentRow(
                application_id=application.id,
                panel_id=assignment.panel_id,
                reference=application.reference or f"Application {application.id}",
                group_name=None if grant_round.blind_review else application.organisation.name,
                round_title=grant_round.title,
                panel_name=assignment.panel.name,
                due_at=assignment.panel.reviews_due_at,
                review_status=_review_status(
                    review_submitted.get(application.id),
                    application.organisation_id in conflicts,
                ),
            )
        )
    return PanellistOverview(assignments=rows, minutes_recorded=int(minutes or 0))


def describe_minutes(minutes: int) -> str:
    """``90`` → ``"1 hour 30 minutes"``; ``120`` → ``"2 hours"``."""
    hours, rest = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if rest or not hours:
        parts.append(f"{rest} minute{'s' if rest != 1 else ''}")
    return " ".join(parts)


# Officers


@dataclass(frozen=True)
class RoundRow:
    round: Round
    # (status label, count) in workflow order, only statuses with applications.
    counts: list[tuple[str, int]]

    @property
    def total(self) -> int:
        return sum(count for _label, count in self.counts)


@dataclass(frozen=True)
class AuditRow:
    created_at: datetime
    actor: str
    action: str
    object_label: str
    summary: str


@dataclass(frozen=True)
class OfficerOverview:
    rounds: list[RoundRow]
    recent_activity: list[AuditRow]


RECENT_ACTIVITY = 10


def officer_overview(session: Session) -> OfficerOverview:
    """Every round with its budget and applications by status, and the latest audit entries."""
    rounds = list(session.scalars(select(Round).order_by(Round.closes_at.desc(), Round.id.desc())))
    counts: dict[int, dict[ApplicationStatus, int]] = defaultdict(dict)
    grouped = session.execute(
        select(Application.round_id, Application.status, func.count()).group_by(
            Application.round_id, Application.status
        )
    )
    for round_id, status, count in grouped:
        counts[round_id][ApplicationStatus(status)] = count
    round_rows = [
        RoundRow(
            round=grant_round,
            counts=[
                (label, counts[grant_round.id][status])
                for status, label in APPLICATION_LABELS.items()
                if counts[grant_round.id].get(status)
            ],
        )
        for grant_round in rounds
    ]
    actor = aliased(User)
    entries = session.execute(
        select(AuditEntry, actor.name, actor.email)
        .outerjoin(actor, actor.id == AuditEntry.actor_id)
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
        .limit(RECENT_ACTIVITY)
    )
    activity = [
        AuditRow(
            created_at=entry.created_at,
            actor=(name or email) if email else "The system",
            action=entry.action,
            object_label=f"{entry.object_type} {entry.object_id}" if entry.object_id is not None else entry.object_type,
            summary=entry.summary,
        )
        for entry, name, email in entries
    ]
    return OfficerOverview(rounds=round_rows, recent_activity=activity)
