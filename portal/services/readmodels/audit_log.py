"""The audit log as officers read it: entries filtered by what happened, who and when, a page at a time."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Row, Select, false, func, select
from sqlalchemy.orm import Session, aliased

from portal.formatting import uk_time
from portal.infra.i18n import gettext
from portal.models.audit import AuditAction, AuditEntry
from portal.models.base import utcnow
from portal.models.users import User
from portal.services.readmodels import keyset

PER_PAGE = 100
Actor = aliased(User)


@dataclass(frozen=True)
class AuditFilter:
    action: str = ""
    who: str = ""
    since: date | None = None
    until: date | None = None


# Newest first; the id orders entries written in the same instant (the index ix_audit_entries_created_id).
ORDER: tuple[keyset.Key[Row[AuditEntry, str | None]], ...] = (
    keyset.Key(AuditEntry.created_at, lambda row: row[0].created_at, descending=True),
    keyset.Key(AuditEntry.id, lambda row: row[0].id, descending=True),
)


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


def page_of(session: Session, chosen: AuditFilter, args: Mapping[str, str]) -> keyset.Page[Row[AuditEntry, str | None]]:
    """The page of entries ``args`` asks for (``after``/``before`` an entry; else the newest), in one query:
    the log is not counted on each view."""
    return keyset.page(filtered(chosen), ORDER, args, lambda ordered: session.execute(ordered).all(), per_page=PER_PAGE)


def actions_recorded(session: Session) -> list[AuditAction]:
    """The actions the log holds at least once (the choices of the filter).

    Read by skipping through the index on the action, one lookup per kind of action (a recursive
    query), rather than reading every entry of a log that only grows."""
    found = select(func.min(AuditEntry.action).label("action")).cte("actions", recursive=True)
    following = select(func.min(AuditEntry.action)).where(AuditEntry.action > found.c.action).scalar_subquery()
    found = found.union_all(select(following).where(found.c.action.is_not(None)))
    return list(session.scalars(select(found.c.action).where(found.c.action.is_not(None)).order_by(found.c.action)))


def export_rows(session: Session, chosen: AuditFilter) -> list[list[object]]:
    """Every entry ``chosen`` asks for, as rows of the CSV export."""
    return [
        [
            uk_time(entry.created_at).isoformat(timespec="seconds"),
            email or gettext("the portal"),
            entry.action,
            entry.object_type,
            entry.object_id or "",
            entry.summary,
        ]
        for entry, email in session.execute(filtered(chosen))
    ]
