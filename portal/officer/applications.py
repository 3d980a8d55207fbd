"""The officer's application pages: the list, one application with its checks and decisions, and its award."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from flask import Response as FlaskResponse
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload
from werkzeug.wrappers import Response

from portal import charts, rate_limits
from portal.database import writes_on_get
from portal.errors import DomainError
from portal.extensions import db
from portal.formatting import pounds
from portal.models.applications import Application, ApplicationNote, ApplicationStatus, Evidence
from portal.models.audit import AuditAction, AuditEntry
from portal.models.awards import Award, Decision, Payment
from portal.models.funding import Round
from portal.models.organisations import Organisation
from portal.officer import bp, panel_step_forms
from portal.officer.decision_forms import ReturnApprovalForm
from portal.officer.downloads import streamed
from portal.routing import parse_id
from portal.services import application_form as form_rules
from portal.services import (
    audit,
    award_admin,
    bank_details,
    budgets,
    decisions,
    due_diligence,
    results,
    work_queue,
)
from portal.services.application_form import parse_pounds
from portal.services.exports import csv_lines
from portal.workflow import APPLICATION_LABELS, AWARD_LABELS

PER_PAGE = 50


def _application_or_404(application_id: int) -> Application:
    application = db.session.get(
        Application,
        application_id,
        options=[
            joinedload(Application.round).selectinload(Round.neighbourhoods),
            joinedload(Application.organisation),
            selectinload(Application.budget_lines),
            selectinload(Application.evidence),
            selectinload(Application.info_requests),
        ],
    )
    if application is None:
        abort(404)
    return application


@bp.get("/rounds/<int:round_id>/applications")
def applications(round_id: int) -> str:
    grant_round = db.session.get(Round, round_id)
    if grant_round is None:
        abort(404)
    chosen = _filters()
    page = parse_id(request.args.get("page")) or 1
    statement = _filtered(round_id, chosen)
    total = db.session.scalar(select(func.count()).select_from(statement.subquery())) or 0
    rows = db.session.scalars(statement.limit(PER_PAGE).offset((page - 1) * PER_PAGE)).all()
    return render_template(
        "officer/applications.html",
        grant_round=grant_round,
        rows=rows,
        total=total,
        page=page,
        pages=max(1, (total + PER_PAGE - 1) // PER_PAGE),
        chosen=chosen,
        neighbourhoods=grant_round.neighbourhoods,
        labels=APPLICATION_LABELS,
        queue=work_queue.Kind(chosen["queue"]) if chosen["queue"] else None,
        form=FlaskForm(),
    )


SORTS = {
    "sent": (Application.submitted_at, Application.id),
    "reference": (Application.reference,),
    "amount": (Application.amount_requested_pence.desc(), Application.id),
    "group": (Organisation.name, Application.id),
}


def _filters() -> dict[str, str]:
    """The list's filters from the query string, each cleaned (unknown values are ignored)."""
    args = request.args
    return {
        "status": args.get("status", "") if args.get("status", "") in {s.value for s in ApplicationStatus} else "",
        "q": args.get("q", "").strip()[:100],
        "neighbourhood": args.get("neighbourhood", "") if parse_id(args.get("neighbourhood")) else "",
        "min": args.get("min", "") if parse_pounds(args.get("min", "")) is not None else "",
        "max": args.get("max", "") if parse_pounds(args.get("max", "")) is not None else "",
        "sort": args.get("sort", "") if args.get("sort", "") in SORTS else "sent",
        "flagged": "y" if args.get("flagged") == "y" else "",
        "queue": args.get("queue", "") if args.get("queue", "") in {k.value for k in work_queue.Kind} else "",
    }


def _filtered(round_id: int, chosen: dict[str, str]) -> Select[tuple[Application]]:
    """The sent applications of the round, narrowed and sorted as chosen."""
    statement = (
        select(Application)
        .join(Organisation, Organisation.id == Application.organisation_id)
        .where(Application.round_id == round_id, Application.status != ApplicationStatus.DRAFT)
        .options(joinedload(Application.organisation))
    )
    if chosen["status"]:
        statement = statement.where(Application.status == ApplicationStatus(chosen["status"]))
    if chosen["q"]:
        like = f"%{chosen['q']}%"
        statement = statement.where(or_(Application.reference.ilike(like), Organisation.name.ilike(like)))
    if chosen["neighbourhood"]:
        statement = statement.where(Organisation.neighbourhood_id == int(chosen["neighbourhood"]))
    if chosen["min"]:
        statement = statement.where(Application.amount_requested_pence >= (parse_pounds(chosen["min"]) or 0))
    if chosen["max"]:
        statement = statement.where(Application.amount_requested_pence <= (parse_pounds(chosen["max"]) or 0))
    if chosen["queue"]:
        # The work queue's own condition, so "see all" lists exactly what the home page counted.
        statement = statement.where(work_queue.condition(work_queue.Kind(chosen["queue"]), by=current_user))  # type: ignore[arg-type]
    if chosen["flagged"]:
        grant_round = db.session.get(Round, round_id)
        flagged = (
            [row.application_id for row in results.round_results(db.session, grant_round) if row.flags]
            if grant_round
            else []
        )
        statement = statement.where(Application.id.in_(flagged))
    return statement.order_by(*SORTS[chosen["sort"]])


@bp.get("/rounds/<int:round_id>/applications.csv")
@writes_on_get
@rate_limits.exports
def applications_csv(round_id: int) -> FlaskResponse:
    """The current view of the list as CSV."""
    if db.session.get(Round, round_id) is None:
        abort(404)
    chosen = _filters()
    statement = _filtered(round_id, chosen).execution_options(yield_per=500)

    def rows(session: Session) -> Iterator[list[object]]:
        for a in session.scalars(statement):
            yield [
                a.reference,
                a.title,
                a.organisation.name,
                APPLICATION_LABELS[a.status],
                f"{a.amount_requested_pence / 100:.2f}",
                a.submitted_at.date().isoformat() if a.submitted_at else "",
            ]

    header = ["Reference", "Title", "Group", "Status", "Asked for (£)", "Sent on"]
    summary = f"Round {round_id}: " + (", ".join(f"{k} {v}" for k, v in chosen.items() if v) or "everything")
    audit.record(db.session, current_user, AuditAction.APPLICATIONS_EXPORTED, None, summary)  # type: ignore[arg-type]
    return streamed(lambda session: csv_lines(header, rows(session)), f"applications-round-{round_id}.csv", "text/csv")


@bp.post("/rounds/<int:round_id>/applications/route")
def route_applications(round_id: int) -> Response:
    form = FlaskForm()
    chosen = [number for number in map(parse_id, request.form.getlist("application")) if number]
    if not form.validate() or not chosen:
        flash("Choose at least one application.", "error")
        return redirect(url_for("officer.applications", round_id=round_id))
    items = db.session.scalars(
        select(Application).where(Application.id.in_(chosen), Application.round_id == round_id)
    ).all()
    eligible = request.form.get("action") == "eligible"
    reason = request.form.get("reason", "")
    if not eligible and not reason.strip():
        flash("Give the reason the groups will read before marking them not eligible.", "error")
        return redirect(url_for("officer.applications", round_id=round_id))
    problems = decisions.route_many(db.session, current_user, items, eligible=eligible, reason=reason)  # type: ignore[arg-type]
    moved = len(items) - len(problems)
    flash(
        f"{moved} application{'s' if moved != 1 else ''} moved."
        + (" Not moved: " + "; ".join(problems) if problems else ""),
        "success" if not problems else "info",
    )
    return redirect(url_for("officer.applications", round_id=round_id))


@bp.get("/applications/<int:application_id>")
def application(application_id: int) -> tuple[str, int]:
    return application_page(_application_or_404(application_id))


def application_page(
    item: Application, *, return_form: FlaskForm | None = None, status: int = 200, **panel_forms: FlaskForm
) -> tuple[str, int]:
    """The officer's page for one application. ``return_form`` and ``panel_forms`` (the panel steps'
    forms) carry a form sent with errors, so they are shown at its fields."""
    timeline = db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.object_type == "Application", AuditEntry.object_id == item.id)
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
    ).all()
    past = db.session.scalars(
        select(Application)
        .where(Application.organisation_id == item.organisation_id, Application.id != item.id)
        .options(joinedload(Application.round))
        .order_by(Application.created_at.desc())
    ).all()
    decision = db.session.scalar(select(Decision).where(Decision.application_id == item.id))
    notes = db.session.scalars(
        select(ApplicationNote)
        .where(ApplicationNote.application_id == item.id)
        .options(joinedload(ApplicationNote.author))
        .order_by(ApplicationNote.created_at.desc())
    ).all()
    award = db.session.scalar(select(Award).where(Award.application_id == item.id))
    pending = decisions.pending_approval(db.session, item)
    sections = []
    for key in ("group", "idea", "benefit", "extra", "declarations"):
        if key == "extra" and not form_rules.shown_fields(item, key):
            continue
        sections.append(
            {
                "title": form_rules.SECTIONS_BY_KEY[key].title,
                "rows": [
                    {"key": spec.label, "value": _shown(spec, form_rules.answer(item, key, spec.name))}
                    for spec in form_rules.shown_fields(item, key)
                ],
            }
        )
    return (
        render_template(
            "officer/application.html",
            application=item,
            sections=sections,
            checks=due_diligence.checklist(db.session, item),
            timeline=timeline,
            past=past,
            decision=decision,
            notes=notes,
            award=award,
            label=APPLICATION_LABELS[item.status],
            reasons=decisions.DECLINE_REASONS,
            pending=pending,
            may_second=pending is not None and decisions.may_second(pending, current_user),  # type: ignore[arg-type]
            returned=decisions.latest_return(db.session, item),
            return_form=return_form or ReturnApprovalForm(formdata=None),
            form=FlaskForm(),
            steps=panel_step_forms.panel_steps(db.session, item, **panel_forms),  # type: ignore[arg-type]
        ),
        status,
    )


def _shown(spec: form_rules.FieldSpec, value: object) -> str:
    if value in (None, "", [], False):
        return "Not answered"
    if spec.kind == "tick":
        return "Confirmed"
    if spec.choices:
        values = value if isinstance(value, list) else [value]
        return ", ".join(spec.choices.get(str(v), str(v)) for v in values)
    return str(value)


def _act(application_id: int, action: str) -> Response:
    """Run one decision from the application page and come back with its outcome."""
    item = _application_or_404(application_id)
    if not FlaskForm().validate():
        abort(400)
    officer = current_user
    try:
        if action == "ask":
            decisions.ask_for_information(db.session, officer, item, question=request.form.get("question", ""))  # type: ignore[arg-type]
            done = "Your question is sent to the group."
        elif action == "ineligible":
            decisions.mark_ineligible(db.session, officer, item, reason=request.form.get("reason", ""))  # type: ignore[arg-type]
            done = "Marked not eligible. The group has been told why."
        elif action == "approve":
            amount = parse_pounds(request.form.get("amount", ""))
            if amount is None:
                raise DomainError("Enter the amount to award in pounds, like 1500")
            decisions.approve(
                db.session, officer, item, amount_pence=amount, conditions=request.form.get("conditions", "")
            )  # type: ignore[arg-type]
            done = (
                "Approved. The money is held; a second officer must confirm it before the offer goes out."
                if decisions.pending_approval(db.session, item) is not None
                else "Approved: the offer has gone to the group."
            )
        elif action == "note":
            decisions.add_note(db.session, officer, item, body=request.form.get("note", ""))  # type: ignore[arg-type]
            done = "Your note is added."
        elif action == "decline":
            decisions.decline(
                db.session,
                officer,
                item,
                reasons=request.form.getlist("reasons"),
                feedback=request.form.get("feedback", ""),
            )  # type: ignore[arg-type]
            done = "Declined. The group has been told."
        else:
            decisions.confirm(db.session, officer, item)  # type: ignore[arg-type]
            done = "Confirmed: the offer has gone to the group."
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        flash(done, "success")
    return redirect(url_for("officer.application", application_id=application_id))


@bp.post("/applications/<int:application_id>/ask")
def ask_question(application_id: int) -> Response:
    return _act(application_id, "ask")


@bp.post("/applications/<int:application_id>/ineligible")
def mark_ineligible(application_id: int) -> Response:
    return _act(application_id, "ineligible")


@bp.post("/applications/<int:application_id>/approve")
def approve(application_id: int) -> Response:
    return _act(application_id, "approve")


@bp.post("/applications/<int:application_id>/decline")
def decline(application_id: int) -> Response:
    return _act(application_id, "decline")


@bp.post("/applications/<int:application_id>/notes")
def add_note(application_id: int) -> Response:
    return _act(application_id, "note")


@bp.post("/applications/<int:application_id>/confirm")
def confirm_award(application_id: int) -> Response:
    return _act(application_id, "confirm")


@bp.post("/applications/<int:application_id>/return")
def return_approval(application_id: int) -> Response | tuple[str, int]:
    """The second officer sends a waiting approval back to the officer who made it."""
    item = _application_or_404(application_id)
    form = ReturnApprovalForm()
    if not form.validate_on_submit():
        return application_page(item, return_form=form, status=400)
    try:
        returned = decisions.return_approval(db.session, item, by=current_user, reason=form.reason.data)  # type: ignore[arg-type]
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        first = returned.approved_by
        who = (first.name or first.email) if first is not None else "the officer who approved it"
        flash(f"Returned to {who}, with your reason. The money is back in the budget.", "success")
    return redirect(url_for("officer.application", application_id=application_id))


def _award_or_404(award_id: int) -> Award:
    award = db.session.get(
        Award,
        award_id,
        options=[joinedload(Award.application), selectinload(Award.payments), selectinload(Award.reports)],
    )
    if award is None:
        abort(404)
    return award


@bp.get("/awards/<int:award_id>")
def award(award_id: int) -> str:
    item = _award_or_404(award_id)
    photos = (
        db.session.scalars(select(Evidence).where(Evidence.report_id.in_([r.id for r in item.reports]))).all()
        if item.reports
        else []
    )
    return render_template(
        "officer/award.html",
        award=item,
        bank_change=bank_details.latest_change(db.session, item),
        label=AWARD_LABELS[item.status],
        form=FlaskForm(),
        photos=photos,
        today=date.today(),
    )


def _award_act(award_id: int, run: str) -> Response:
    item = _award_or_404(award_id)
    if not FlaskForm().validate():
        abort(400)
    officer = current_user
    try:
        if run == "plan":
            amount = parse_pounds(request.form.get("amount", ""))
            try:
                due = date.fromisoformat(request.form.get("due_on", ""))
            except ValueError as error:
                raise DomainError("Enter the date the payment is due, like 2027-01-31") from error
            if amount is None:
                raise DomainError("Enter the amount in pounds, like 1500")
            award_admin.plan_payment(db.session, officer, item, amount_pence=amount, due_on=due)  # type: ignore[arg-type]
            done = "The payment is added to the plan."
        elif run == "cancel":
            award_admin.cancel_award(db.session, officer, item, reason=request.form.get("reason", ""))  # type: ignore[arg-type]
            done = "The award is cancelled and its money is back in the budget."
        else:
            if not item.reports:
                raise DomainError("There is no report to read yet.")
            award_admin.close_after_report(db.session, officer, item.reports[0])  # type: ignore[arg-type]
            done = "The award is closed."
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        flash(done, "success")
    return redirect(url_for("officer.award", award_id=award_id))


@bp.post("/awards/<int:award_id>/payments")
def plan_payment(award_id: int) -> Response:
    return _award_act(award_id, "plan")


@bp.post("/awards/<int:award_id>/cancel")
def cancel_award(award_id: int) -> Response:
    return _award_act(award_id, "cancel")


@bp.post("/awards/<int:award_id>/close")
def close_award(award_id: int) -> Response:
    return _award_act(award_id, "close")


@bp.post("/payments/<int:payment_id>/paid")
def record_payment(payment_id: int) -> Response:
    payment = db.session.get(Payment, payment_id)
    if payment is None:
        abort(404)
    if not FlaskForm().validate():
        abort(400)
    try:
        award_admin.record_payment(db.session, current_user, payment, reference=request.form.get("reference", ""))  # type: ignore[arg-type]
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        flash("The payment is recorded.", "success")
    return redirect(url_for("officer.award", award_id=payment.award_id))


@bp.get("/rounds/<int:round_id>/budget")
def budget(round_id: int) -> str:
    grant_round = db.session.get(Round, round_id)
    if grant_round is None:
        abort(404)
    view = budgets.budget_view(db.session, grant_round)
    chart, summary = budget_chart(view)
    return render_template(
        "officer/budget.html",
        grant_round=grant_round,
        view=view,
        lines=budgets.budget_lines(view),
        chart=chart,
        summary=summary,
    )


def budget_chart(view: budgets.BudgetView) -> tuple[charts.Chart, str]:
    """The round's money as bars on the budget's scale, and the same read out in words that add up."""
    lines = budgets.budget_lines(view)
    groups = [charts.Group(line.label, [line.pence], [pounds(line.pence)]) for line in lines]
    words: list[str] = []
    for line in lines:
        if line.adds_to_budget:
            words.append(f"{line.label.lower()} {pounds(line.pence)}")
        else:
            words[-1] += f" (of which {pounds(line.pence)} is paid)"
    summary = f"The {pounds(view.budget)} budget is: " + ", ".join(words[:-1]) + f" and {words[-1]}."
    return charts.bar_chart(groups, maximum=max(view.budget, *(line.pence for line in lines))), summary
