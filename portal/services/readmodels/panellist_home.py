"""What a panellist sees first after signing in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from portal.infra.i18n import _l, gettext, ngettext
from portal.models.applications import Application
from portal.models.panels import Assignment, ConflictDeclaration, Panel, Review, TimeEntry
from portal.models.users import User

NOT_STARTED = "not_started"
IN_PROGRESS = "in_progress"
SUBMITTED = "submitted"
CONFLICT = "conflict"
_COLOURS = {NOT_STARTED: "blue", IN_PROGRESS: "yellow", SUBMITTED: "green", CONFLICT: "grey"}
_LABELS = {
    NOT_STARTED: _l("Not started"),
    IN_PROGRESS: _l("In progress"),
    SUBMITTED: _l("Submitted"),
    CONFLICT: _l("Conflict declared"),
}


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

    @property
    def conflicted(self) -> bool:
        """A declared conflict closes the application to this panellist: no link to its review."""
        return self.review_status == CONFLICT

    @property
    def status_colour(self) -> str:
        return _COLOURS[self.review_status]

    @property
    def status_label(self) -> str:
        return _LABELS[self.review_status]


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
                reference=application.reference or gettext("Application %(id)s", id=application.id),
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
        parts.append(ngettext("%(num)d hour", "%(num)d hours", hours))
    if rest or not hours:
        parts.append(ngettext("%(num)d minute", "%(num)d minutes", rest))
    return " ".join(parts)
