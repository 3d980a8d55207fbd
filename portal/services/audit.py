"""Writing to the append-only audit log."""

from __future__ import annotations

from sqlalchemy.orm import Session

from portal.models.audit import AuditAction, AuditEntry
from portal.models.users import User


def record(
    session: Session,
    actor: User | None,
    action: AuditAction,
    obj: object | None = None,
    summary: str = "",
) -> AuditEntry:
    """Add an audit entry for ``action`` on ``obj`` (a model instance or None)."""
    if obj is not None and getattr(obj, "id", 0) is None:
        session.flush()  # the entry must name the object's id
    entry = AuditEntry(
        actor_id=actor.id if actor is not None else None,
        action=action,
        object_type=type(obj).__name__ if obj is not None else "",
        object_id=getattr(obj, "id", None),
        summary=summary[:2000],
    )
    session.add(entry)
    return entry
