"""What an officer sees first after signing in."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from portal.infra.i18n import gettext
from portal.models.applications import Application, ApplicationStatus
from portal.models.audit import AuditEntry
from portal.models.funding import Round
from portal.models.users import User
from portal.workflow import APPLICATION_LABELS


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
            actor=(name or email) if email else gettext("The system"),
            action=entry.action,
            object_label=f"{entry.object_type} {entry.object_id}" if entry.object_id is not None else entry.object_type,
            summary=entry.summary,
        )
        for entry, name, email in entries
    ]
    return OfficerOverview(rounds=round_rows, recent_activity=activity)
