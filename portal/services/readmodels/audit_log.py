"""The audit log as officers read it: entries filtered by what happened, who and when, a page at a time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Row, Select, false, func, select
from sqlalchemy.orm import Session, aliased

from portal.formatting import uk_time
from portal.models.audit import AuditAction, AuditEntry
from portal.models.base import utcnow
from portal.models.users import User

PER_PAGE = 100
Actor = aliased(User)


@dataclass(frozen=True)
class AuditFilter:
    action: str = ""
    who: str = ""
    since: date | None = None
    until: date | None = None


@dataclass(frozen=True)
class AuditPage:
    rows: list[Row[AuditEntry, str]]
    total: int
    page: int
    pages: int


def _action(raw: str) -> AuditAction | None:
    try:
        return AuditAction(raw)
    except ValueError:
        return None


def filtered(chosen: AuditFilter) -> Select[AuditEntry, str]:
    """The entries ``chosen`` asks for, each with its actor's email, newest first."""
    statement = select(AuditEntry, Actor.email).outerjoin(Actor, Actor.id == AuditEntry.actor_id)
    if chosen.action:
        # An action the portal does not record matches nothing, rather than being ignored.
        known = _action(chosen.action)
        statement = statement.where(AuditEntry.action == known if known is not None else false())
    if chosen.who:
        statement = statement.where(Actor.email == chosen.who.lower())
    zone = uk_time(utcnow()).tzinfo
    if chosen.since:
        statement = statement.where(AuditEntry.created_at >= datetime.combine(chosen.since, time(), tzinfo=zone))
    if chosen.until:
        statement = statement.where(
            AuditEntry.created_at < datetime.combine(chosen.until + timedelta(days=1), time(), tzinfo=zone)
        )
    return statement.order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())


def page_of(session: Session, chosen: AuditFilter, page: int) -> AuditPage:
    statement = filtered(chosen)
    total = session.scalar(select(func.count()).select_from(statement.order_by(None).subquery())) or 0
    rows = list(session.execute(statement.limit(PER_PAGE).offset((page - 1) * PER_PAGE)).all())
    return AuditPage(rows=rows, total=total, page=page, pages=max(1, (total + PER_PAGE - 1) // PER_PAGE))


def actions_recorded(session: Session) -> list[AuditAction]:
    """The actions the log holds at least once (the choices of the filter)."""
    return list(session.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action)))


def export_rows(session: Session, chosen: AuditFilter) -> list[list[object]]:
    """Every entry ``chosen`` asks for, as rows of the CSV export."""
    return [
        [
            uk_time(entry.created_at).isoformat(timespec="seconds"),
            email or "the portal",
            entry.action,
            entry.object_type,
            entry.object_id or "",
            entry.summary,
        ]
        for entry, email in session.execute(filtered(chosen))
    ]
