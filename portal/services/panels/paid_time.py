"""Paid involvement: panellists log their time; officers see what is owed, mark it paid and export it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select, update
from sqlalchemy.orm import Session, joinedload

from portal.errors import DomainError
from portal.infra.i18n import _l, gettext
from portal.models.audit import AuditAction
from portal.models.base import utcnow
from portal.models.panels import Panel, PanelMember, TimeActivity, TimeEntry
from portal.models.users import User
from portal.services import audit
from portal.services.opendata.exports import csv_lines

ACTIVITY_LABELS = {
    TimeActivity.READING_AND_SCORING: _l("Reading and scoring"),
    TimeActivity.MEETING: _l("Panel meeting"),
    TimeActivity.TRAINING: _l("Training"),
}
MAX_MINUTES = 12 * 60


def log_time(
    session: Session, member: PanelMember, *, activity: TimeActivity, worked_on: date, minutes: int, note: str
) -> TimeEntry:
    if not 0 < minutes <= MAX_MINUTES:
        raise DomainError(gettext("Enter between 1 minute and 12 hours for one day"))
    if worked_on > utcnow().date():
        raise DomainError(gettext("The date cannot be in the future"))
    entry = TimeEntry(
        panellist_id=member.user_id,
        panel_id=member.panel_id,
        activity=activity,
        worked_on=worked_on,
        minutes=minutes,
        note=note.strip()[:500],
    )
    session.add(entry)
    session.flush()
    return entry


def entries_of(session: Session, user: User) -> list[TimeEntry]:
    return list(
        session.scalars(
            select(TimeEntry)
            .where(TimeEntry.panellist_id == user.id)
            .order_by(TimeEntry.worked_on.desc(), TimeEntry.id.desc())
        )
    )


@dataclass(frozen=True)
class TimeOwed:
    user_id: int
    name: str
    email: str
    minutes: int
    unpaid_minutes: int
    wants_payment: bool
    due_pence: int  # for unpaid time, at the round's hourly rate; 0 when they chose not to be paid


def pence_for(minutes: int, hourly_rate_pence: int) -> int:
    """Pay for ``minutes`` at the hourly rate, to the nearest penny (half up)."""
    return (minutes * hourly_rate_pence + 30) // 60


def time_owed(session: Session, panel: Panel) -> list[TimeOwed]:
    members = session.scalars(
        select(PanelMember).where(PanelMember.panel_id == panel.id).options(joinedload(PanelMember.user))
    ).all()
    entries = session.scalars(select(TimeEntry).where(TimeEntry.panel_id == panel.id)).all()
    rate = panel.round.hourly_rate_pence
    rows = []
    for member in sorted(members, key=lambda m: (m.user.name or m.user.email).lower()):
        mine = [e for e in entries if e.panellist_id == member.user_id]
        unpaid = sum(e.minutes for e in mine if e.paid_at is None)
        rows.append(
            TimeOwed(
                user_id=member.user_id,
                name=member.user.name or member.user.email,
                email=member.user.email,
                minutes=sum(e.minutes for e in mine),
                unpaid_minutes=unpaid,
                wants_payment=member.wants_payment,
                due_pence=pence_for(unpaid, rate) if member.wants_payment else 0,
            )
        )
    return rows


def mark_paid(session: Session, panel: Panel, panellist_id: int, *, by: User) -> int:
    """Mark the panellist's unpaid time on this panel as paid; returns the minutes marked."""
    entries = session.scalars(
        select(TimeEntry).where(
            TimeEntry.panel_id == panel.id, TimeEntry.panellist_id == panellist_id, TimeEntry.paid_at.is_(None)
        )
    ).all()
    if not entries:
        raise DomainError(gettext("There is no unpaid time to mark as paid."))
    session.execute(
        update(TimeEntry)
        .where(TimeEntry.id.in_([e.id for e in entries]), TimeEntry.paid_at.is_(None))
        .values(paid_at=utcnow(), paid_by_id=by.id)
        .execution_options(synchronize_session=False)
    )
    minutes = sum(e.minutes for e in entries)
    audit.record(session, by, AuditAction.PANEL_TIME_PAID, panel, f"{minutes} minutes for panellist {panellist_id}")
    session.flush()
    return minutes


def time_csv(rows: list[TimeOwed], hourly_rate_pence: int) -> Iterator[str]:
    """The hours and amounts owed, as CSV lines."""
    header = [
        gettext("Name"),
        gettext("Email"),
        gettext("Hours in total"),
        gettext("Unpaid hours"),
        gettext("Wants payment"),
        gettext("Hourly rate (£)"),
        gettext("Due (£)"),
    ]
    return csv_lines(
        header,
        (
            [
                row.name,
                row.email,
                f"{row.minutes / 60:.2f}",
                f"{row.unpaid_minutes / 60:.2f}",
                "yes" if row.wants_payment else "no",
                f"{hourly_rate_pence / 100:.2f}",
                f"{row.due_pence / 100:.2f}",
            ]
            for row in rows
        ),
    )
