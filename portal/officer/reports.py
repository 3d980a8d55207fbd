"""Staff reading one monitoring report in full, then accepting it or sending it back with what to change."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from portal.access import acting_user, get_or_404
from portal.errors import DomainError
from portal.extensions import db
from portal.infra.i18n import gettext
from portal.models.awards import MonitoringReport
from portal.officer import bp
from portal.officer.award_forms import AcceptReportForm, AskForChangesForm
from portal.services.awards import payments, report_reviews, reports
from portal.workflow import AWARD_LABELS


@bp.get("/reports/<int:report_id>")
def report(report_id: int) -> tuple[str, int]:
    return report_page(get_or_404(MonitoringReport, report_id))


def report_page(
    item: MonitoringReport,
    *,
    accept_form: AcceptReportForm | None = None,
    changes_form: AskForChangesForm | None = None,
    status: int = 200,
) -> tuple[str, int]:
    """The whole report as the group sent it; the two decisions while it waits for one. A form sent with
    errors is shown again at its fields."""
    sent = str(item.times_sent)
    photos = reports.report_files(db.session, item) if item.submitted_at or item.accepted_at else []
    return (
        render_template(
            "officer/report.html",
            report=item,
            award=item.award,
            title=reports.title(item),
            name=reports.in_sentence(reports.title(item)),
            state=report_reviews.review_state(item),
            award_label=AWARD_LABELS[item.award.status],
            rows=reports.answer_rows(item),
            spending=report_reviews.spending(item),
            photos=photos,
            may_review=report_reviews.may_review(item),
            releases=[
                p
                for p in item.award.payments
                if item.schedule_item is not None and payments.payment_held_by(p) is item.schedule_item
            ],
            accept_form=accept_form or AcceptReportForm(formdata=None, sent=sent),
            changes_form=changes_form or AskForChangesForm(formdata=None, sent=sent),
        ),
        status,
    )


def _decide(report_id: int, form: FlaskForm) -> Response | tuple[str, int]:
    item = get_or_404(MonitoringReport, report_id)
    valid = form.validate_on_submit()
    if "csrf_token" in form.errors or "sent" in form.errors:  # a stale, missing or forged form
        abort(400)
    if not valid:
        assert isinstance(form, AskForChangesForm)
        return report_page(item, changes_form=form, status=400)
    seen = int(form.sent.data) if str(form.sent.data).isdigit() else -1
    name = reports.in_sentence(reports.title(item))
    try:
        if isinstance(form, AskForChangesForm):
            report_reviews.ask_for_changes(db.session, item, by=acting_user(), seen=seen, message=form.message.data)
            done = gettext(
                "The %(name)s is back with the group, with what to change. They have been emailed.", name=name
            )
        else:
            closed = report_reviews.accept_report(db.session, item, by=acting_user(), seen=seen)
            done = gettext("The %(name)s is accepted.", name=name) + (
                gettext(" The award is closed: every report is in and paid.") if closed else ""
            )
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        flash(done, "success")
    return redirect(url_for("officer.report", report_id=report_id))


@bp.post("/reports/<int:report_id>/accept")
def accept_report(report_id: int) -> Response | tuple[str, int]:
    return _decide(report_id, AcceptReportForm())


@bp.post("/reports/<int:report_id>/changes")
def ask_for_report_changes(report_id: int) -> Response | tuple[str, int]:
    return _decide(report_id, AskForChangesForm())
