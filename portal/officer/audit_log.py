"""The audit log for officers: filter by what happened, who and when; export as CSV. Read-only."""

from __future__ import annotations

from datetime import date

from flask import Response as FlaskResponse
from flask import render_template, request
from wtforms import EmailField, Form, SelectChoice, SelectField, StringField

from portal.access import acting_user
from portal.extensions import db
from portal.infra import rate_limits
from portal.infra.database import writes_on_get
from portal.infra.i18n import _l, gettext
from portal.models.audit import AuditAction
from portal.officer import bp
from portal.services import audit
from portal.services.opendata.exports import csv_lines
from portal.services.readmodels import audit_log as log


class AuditFilterForm(Form):
    """The log's filters (a GET form: no CSRF); the view cleans what the query string holds."""

    action = SelectField(_l("What happened"))
    who = EmailField(_l("Who (email address)"))
    since = StringField(_l("From"), name="from", render_kw={"type": "date"})
    until = StringField(_l("To"), name="to", render_kw={"type": "date"})

    @classmethod
    def showing(cls, chosen: dict[str, str], actions: list[AuditAction]) -> AuditFilterForm:
        form = cls(
            data={"action": chosen["action"], "who": chosen["who"], "since": chosen["from"], "until": chosen["to"]}
        )
        form.action.choices = [SelectChoice("", gettext("Everything"))] + [
            SelectChoice(str(a), str(a).capitalize()) for a in actions
        ]
        return form


def _day(raw: str) -> date | None:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return None


def _filter() -> tuple[log.AuditFilter, dict[str, str]]:
    """The filter the query string asks for, and the same as query-string values for links and the form."""
    chosen = log.AuditFilter(
        action=request.args.get("action", "").strip()[:60],
        who=request.args.get("who", "").strip()[:254],
        since=_day(request.args.get("from", "")),
        until=_day(request.args.get("to", "")),
    )
    return chosen, {
        "action": chosen.action,
        "who": chosen.who,
        "from": chosen.since.isoformat() if chosen.since else "",
        "to": chosen.until.isoformat() if chosen.until else "",
    }


@bp.get("/audit")
def audit_log() -> str:
    wanted, chosen = _filter()
    return render_template(
        "officer/audit.html",
        listed=log.page_of(db.session, wanted, request.args),
        chosen=chosen,
        filters=AuditFilterForm.showing(chosen, log.actions_recorded(db.session)),
    )


@bp.get("/audit.csv")
@writes_on_get
@rate_limits.exports
def audit_csv() -> FlaskResponse:
    wanted, chosen = _filter()
    rows = log.export_rows(db.session, wanted)
    audit.record(
        db.session,
        acting_user(),
        AuditAction.AUDIT_LOG_EXPORTED,
        None,
        ", ".join(f"{k} {v}" for k, v in chosen.items() if v) or "everything",
    )
    response = FlaskResponse(
        csv_lines(
            [
                gettext("When (UK time)"),
                gettext("Who"),
                gettext("What"),
                gettext("Record"),
                gettext("Record id"),
                gettext("Details"),
            ],
            rows,
        ),
        mimetype="text/csv",
    )
    response.headers["Content-Disposition"] = 'attachment; filename="audit-log.csv"'
    return response
