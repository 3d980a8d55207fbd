"""The audit log for officers: filter by what happened, who and when; export as CSV. Read-only."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from flask import Response as FlaskResponse
from flask import render_template, request
from sqlalchemy import Select, false, func, select
from sqlalchemy.orm import aliased

from portal.access import acting_user
from portal.extensions import db
from portal.formatting import uk_time
from portal.infra import rate_limits
from portal.infra.database import writes_on_get
from portal.models.audit import AuditAction, AuditEntry
from portal.models.base import utcnow
from portal.models.users import User
from portal.officer import bp
from portal.routing import parse_id
from portal.services import audit
from portal.services.opendata.exports import csv_lines

PER_PAGE = 100
Actor = aliased(User)


def _day(raw: str) -> date | None:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return None


def _action(raw: str) -> AuditAction | None:
    try:
        return AuditAction(raw)
    except ValueError:
        return None


def _filtered() -> tuple[Select[AuditEntry, str], dict[str, str]]:
    action = request.args.get("action", "").strip()[:60]
    who = request.args.get("who", "").strip()[:254]
    since, until = _day(request.args.get("from", "")), _day(request.args.get("to", ""))
    statement = select(AuditEntry, Actor.email).outerjoin(Actor, Actor.id == AuditEntry.actor_id)
    if action:
        # An action the portal does not record matches nothing, rather than being ignored.
        known = _action(action)
        statement = statement.where(AuditEntry.action == known if known is not None else false())
    if who:
        statement = statement.where(Actor.email == who.lower())
    zone = uk_time(utcnow()).tzinfo
    if since:
        statement = statement.where(AuditEntry.created_at >= datetime.combine(since, time(), tzinfo=zone))
    if until:
        statement = statement.where(
            AuditEntry.created_at < datetime.combine(until + timedelta(days=1), time(), tzinfo=zone)
        )
    chosen = {
        "action": action,
        "who": who,
        "from": since.isoformat() if since else "",
        "to": until.isoformat() if until else "",
    }
    return statement.order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc()), chosen


@bp.get("/audit")
def audit_log() -> str:
    statement, chosen = _filtered()
    page = parse_id(request.args.get("page")) or 1
    total = db.session.scalar(select(func.count()).select_from(statement.order_by(None).subquery())) or 0
    rows = db.session.execute(statement.limit(PER_PAGE).offset((page - 1) * PER_PAGE)).all()
    actions = db.session.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action)).all()
    return render_template(
        "officer/audit.html",
        rows=rows,
        chosen=chosen,
        actions=actions,
        total=total,
        page=page,
        pages=max(1, (total + PER_PAGE - 1) // PER_PAGE),
    )


@bp.get("/audit.csv")
@writes_on_get
@rate_limits.exports
def audit_csv() -> FlaskResponse:
    statement, chosen = _filtered()
    rows = [
        [
            uk_time(entry.created_at).isoformat(timespec="seconds"),
            email or "the portal",
            entry.action,
            entry.object_type,
            entry.object_id or "",
            entry.summary,
        ]
        for entry, email in db.session.execute(statement)
    ]
    audit.record(
        db.session,
        acting_user(),
        AuditAction.AUDIT_LOG_EXPORTED,
        None,
        ", ".join(f"{k} {v}" for k, v in chosen.items() if v) or "everything",
    )
    response = FlaskResponse(
        csv_lines(["When (UK time)", "Who", "What", "Record", "Record id", "Details"], rows), mimetype="text/csv"
    )
    response.headers["Content-Disposition"] = 'attachment; filename="audit-log.csv"'
    return response
