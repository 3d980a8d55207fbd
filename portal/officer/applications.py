"""The officer's application pages: the list, one application with its checks and decisions, and its award."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from flask import Response as FlaskResponse
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response
from wtforms import (
    BooleanField,
    Form,
    HiddenField,
    SearchField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)

from portal import charts
from portal.access import acting_user, get_or_404
from portal.errors import DomainError
from portal.extensions import db
from portal.formatting import pounds
from portal.forms import ButtonForm
from portal.infra import rate_limits
from portal.infra.database import writes_on_get
from portal.infra.i18n import _l, gettext, ngettext
from portal.models.applications import Application
from portal.models.audit import AuditAction
from portal.models.awards import Award, Payment
from portal.models.base import utcnow
from portal.models.funding import Round
from portal.officer import bp, panel_step_forms
from portal.officer.award_forms import CancelAwardForm, PlanPaymentForm, RecordPaymentForm
from portal.officer.decision_forms import (
    ApproveForm,
    AskQuestionForm,
    DeclineForm,
    IneligibleForm,
    NoteForm,
    ReturnApprovalForm,
)
from portal.officer.downloads import streamed
from portal.routing import parse_id
from portal.services import audit
from portal.services.applications import answers, shortlist
from portal.services.applications import evidence as evidence_rules
from portal.services.applications import form as form_rules
from portal.services.awards import (
    bank_confirmation,
    bank_details,
    budgets,
    decisions,
    payments,
    report_reviews,
    report_schedules,
    reports,
)
from portal.services.messages import threads
from portal.services.opendata.exports import csv_lines
from portal.services.payments import runs
from portal.services.readmodels import application_list, officer_application, work_queue
from portal.services.rounds import stages
from portal.workflow import APPLICATION_LABELS, AWARD_LABELS

PER_PAGE = 50


class ListFilterForm(Form):
    """The list's filters (a GET form: no CSRF); its values are cleaned by application_list.chosen_filters."""

    queue = HiddenField()
    status = SelectField(_l("Status"))
    q = SearchField(_l("Reference or group"))
    neighbourhood = SelectField(_l("Neighbourhood"))
    min = StringField(_l("Asked for at least (£)"), render_kw={"inputmode": "decimal"})
    max = StringField(_l("Asked for at most (£)"), render_kw={"inputmode": "decimal"})
    flagged = BooleanField(_l("Only those the panel flagged"))
    sort = SelectField(_l("Sort by"), choices=[SelectChoice(k, v) for k, v in application_list.SORT_LABELS.items()])

    @classmethod
    def showing(cls, chosen: dict[str, str], grant_round: Round) -> ListFilterForm:
        form = cls(data=chosen)
        form.status.choices = [SelectChoice("", gettext("All sent applications"))] + [
            SelectChoice(s.value, APPLICATION_LABELS[s]) for s in application_list.LISTED_STATUSES
        ]
        form.neighbourhood.choices = [SelectChoice("", gettext("All"))] + [
            SelectChoice(str(n.id), n.name) for n in grant_round.neighbourhoods
        ]
        return form


class RouteForm(FlaskForm):
    # The list ticks applications row by row and the two buttons post the action, so neither is drawn
    # by field(); an id that is not a number is dropped rather than refused, as the list never offers one.
    application = SelectMultipleField(validate_choice=False)
    action = StringField()
    reason = TextAreaField(_l("Reason the groups will read (only when marking not eligible)"), render_kw={"rows": 3})

    def chosen(self) -> list[int]:
        return [number for number in map(parse_id, self.application.data or []) if number]


def _application_or_404(application_id: int) -> Application:
    return get_or_404(Application, application_id, options=officer_application.LOADED)


@bp.get("/rounds/<int:round_id>/applications")
def applications(round_id: int) -> str:
    grant_round = get_or_404(Round, round_id)
    chosen = application_list.chosen_filters(request.args)
    statement = application_list.filtered(db.session, grant_round, chosen, by=acting_user())
    listed = application_list.list_page(db.session, statement, chosen, request.args)
    return render_template(
        "officer/applications.html",
        grant_round=grant_round,
        listed=listed,
        chosen=chosen,
        neighbourhoods=grant_round.neighbourhoods,
        labels=APPLICATION_LABELS,
        filters=ListFilterForm.showing(chosen, grant_round),
        queue=work_queue.Kind(chosen["queue"]) if chosen["queue"] else None,
        form=RouteForm(formdata=None),
    )


@bp.get("/rounds/<int:round_id>/applications.csv")
@writes_on_get
@rate_limits.exports
def applications_csv(round_id: int) -> FlaskResponse:
    """The current view of the list as CSV."""
    grant_round = get_or_404(Round, round_id)
    chosen = application_list.chosen_filters(request.args)
    statement = application_list.filtered(db.session, grant_round, chosen, by=acting_user()).execution_options(
        yield_per=500
    )

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

    header = [
        gettext("Reference"),
        gettext("Title"),
        gettext("Group"),
        gettext("Status"),
        gettext("Asked for (£)"),
        gettext("Sent on"),
    ]
    summary = gettext("Round %(round_id)s: ", round_id=round_id) + (
        ", ".join(f"{k} {v}" for k, v in chosen.items() if v) or "everything"
    )
    audit.record(db.session, current_user, AuditAction.APPLICATIONS_EXPORTED, None, summary)
    return streamed(
        lambda session: csv_lines(header, rows(session)),
        f"applications-round-{round_id}.csv",
        "text/csv",
    )


@bp.post("/rounds/<int:round_id>/applications/route")
def route_applications(round_id: int) -> Response:
    form = RouteForm()
    chosen = form.chosen()
    if not form.validate() or not chosen:
        flash(gettext("Choose at least one application."), "error")
        return redirect(url_for("officer.applications", round_id=round_id))
    items = application_list.chosen_applications(db.session, get_or_404(Round, round_id), chosen)
    eligible = form.action.data == "eligible"
    reason = form.reason.data or ""
    if not eligible and not reason.strip():
        flash(gettext("Give the reason the groups will read before marking them not eligible."), "error")
        return redirect(url_for("officer.applications", round_id=round_id))
    problems = decisions.route_many(db.session, items, by=current_user, eligible=eligible, reason=reason)
    moved = len(items) - len(problems)
    flash(
        ngettext("%(num)d application moved.", "%(num)d applications moved.", moved)
        + (" " + gettext("Not moved: %(problems)s", problems="; ".join(problems)) if problems else ""),
        "success" if not problems else "info",
    )
    return redirect(url_for("officer.applications", round_id=round_id))


@bp.get("/applications/<int:application_id>")
def application(application_id: int) -> tuple[str, int]:
    return application_page(_application_or_404(application_id))


def application_page(
    item: Application,
    *,
    return_form: FlaskForm | None = None,
    sent: dict[str, FlaskForm] | None = None,
    status: int = 200,
    **panel_forms: FlaskForm,
) -> tuple[str, int]:
    """The officer's page for one application. ``return_form``, ``sent`` (a decision form, by its name in
    ``DECISION_FORMS``) and ``panel_forms`` (the panel steps' forms) carry a form sent with errors, so they
    are shown at its fields."""
    shown = officer_application.application_page(db.session, item, by=acting_user())
    sections = answers.answer_sections(
        item, form_rules.answer_section_keys(item.round, ("group", "idea", "benefit", "declarations"))
    )
    return (
        render_template(
            "officer/application.html",
            application=item,
            sections=sections,
            page=shown,
            label=APPLICATION_LABELS[item.status],
            return_form=return_form or ReturnApprovalForm(formdata=None),
            forms=_decision_forms(item, sent or {}),
            form=ButtonForm(),
            steps=panel_step_forms.panel_steps(db.session, item, **panel_forms),
            kind_names=evidence_rules.KIND_NAMES,
        ),
        status,
    )


DECISION_FORMS: dict[str, type[FlaskForm]] = {
    "ask": AskQuestionForm,
    "ineligible": IneligibleForm,
    "approve": ApproveForm,
    "decline": DeclineForm,
    "note": NoteForm,
}


def _decision_forms(item: Application, sent: dict[str, FlaskForm]) -> dict[str, FlaskForm]:
    """Each decision form: the one sent with errors as it was sent, the others empty."""
    forms = {name: sent.get(name) or form_class(formdata=None) for name, form_class in DECISION_FORMS.items()}
    if "approve" not in sent:
        # Most awards are for what the group asked for, so the amount starts there.
        forms["approve"] = ApproveForm(formdata=None, amount=f"{item.amount_requested_pence // 100}")
    decline_form = forms["decline"]
    if isinstance(decline_form, DeclineForm):
        decline_form.offering(item.round)
    return forms


def _act(application_id: int, action: str) -> Response | tuple[str, int]:
    """Run one decision from the application page and come back with its outcome."""
    item = _application_or_404(application_id)
    form = DECISION_FORMS[action]()
    if isinstance(form, DeclineForm):
        form.offering(item.round)
    valid = form.validate_on_submit()
    if "csrf_token" in form.errors:  # a stale or missing token is refused, as on every form
        abort(400)
    if not valid:
        return application_page(item, sent={action: form}, status=400)
    officer = acting_user()
    try:
        if isinstance(form, AskQuestionForm):
            decisions.ask_for_information(db.session, item, by=officer, question=form.question.data or "")
            done = gettext("Your question is sent to the group.")
        elif isinstance(form, IneligibleForm):
            decisions.mark_ineligible(db.session, item, by=officer, reason=form.reason.data or "")
            done = gettext("Marked not eligible. The group has been told why.")
        elif isinstance(form, ApproveForm):
            decisions.approve(
                db.session, item, by=officer, amount_pence=form.amount_pence, conditions=form.conditions.data or ""
            )
            done = (
                gettext("Approved. The money is held; a second officer must confirm it before the offer goes out.")
                if officer_application.waiting_for_second_officer(db.session, item)
                else gettext("Approved: the offer has gone to the group.")
            )
        elif isinstance(form, NoteForm):
            decisions.add_note(db.session, item, by=officer, body=form.note.data or "")
            done = gettext("Your note is added.")
        elif isinstance(form, DeclineForm):
            shortlisting = stages.may_shortlist(item)
            decisions.decline(
                db.session, item, by=officer, reasons=form.reasons.data or [], feedback=form.feedback.data or ""
            )
            done = (
                gettext("Not shortlisted. The group has been told.")
                if shortlisting
                else gettext("Declined. The group has been told.")
            )
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        flash(done, "success")
    return redirect(url_for("officer.application", application_id=application_id))


@bp.post("/applications/<int:application_id>/ask")
def ask_question(application_id: int) -> Response | tuple[str, int]:
    return _act(application_id, "ask")


@bp.post("/applications/<int:application_id>/ineligible")
def mark_ineligible(application_id: int) -> Response | tuple[str, int]:
    return _act(application_id, "ineligible")


@bp.post("/applications/<int:application_id>/approve")
def approve(application_id: int) -> Response | tuple[str, int]:
    return _act(application_id, "approve")


@bp.post("/applications/<int:application_id>/decline")
def decline(application_id: int) -> Response | tuple[str, int]:
    return _act(application_id, "decline")


@bp.post("/applications/<int:application_id>/invite")
def invite(application_id: int) -> Response:
    """Invite the group from its expression of interest to the full application: the form is a button."""
    item = _application_or_404(application_id)
    if not ButtonForm().validate():
        abort(400)
    try:
        shortlist.invite(db.session, item, by=acting_user())
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        flash(gettext("Invited: the group has been emailed a link to its full application."), "success")
    return redirect(url_for("officer.application", application_id=application_id))


@bp.post("/applications/<int:application_id>/notes")
def add_note(application_id: int) -> Response | tuple[str, int]:
    return _act(application_id, "note")


@bp.post("/applications/<int:application_id>/confirm")
def confirm_award(application_id: int) -> Response:
    """The second officer confirms a waiting approval: the form carries only its CSRF token."""
    item = _application_or_404(application_id)
    if not ButtonForm().validate():
        abort(400)
    try:
        decisions.confirm(db.session, item, by=acting_user())
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        flash(gettext("Confirmed: the offer has gone to the group."), "success")
    return redirect(url_for("officer.application", application_id=application_id))


@bp.post("/applications/<int:application_id>/return")
def return_approval(application_id: int) -> Response | tuple[str, int]:
    """The second officer sends a waiting approval back to the officer who made it."""
    item = _application_or_404(application_id)
    form = ReturnApprovalForm()
    if not form.validate_on_submit():
        return application_page(item, return_form=form, status=400)
    try:
        returned = decisions.return_approval(db.session, item, by=current_user, reason=form.reason.data)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        first = returned.approved_by
        who = (first.name or first.email) if first is not None else gettext("the officer who approved it")
        flash(gettext("Returned to %(who)s, with your reason. The money is back in the budget.", who=who), "success")
    return redirect(url_for("officer.application", application_id=application_id))


def _award_or_404(award_id: int) -> Award:
    return get_or_404(Award, award_id, options=officer_application.AWARD_LOADED)


@bp.get("/awards/<int:award_id>")
def award(award_id: int) -> tuple[str, int]:
    return award_page(_award_or_404(award_id))


def award_page(
    item: Award, *, sent: dict[str, FlaskForm] | None = None, paying: int | None = None, status: int = 200
) -> tuple[str, int]:
    """The officer's page for one award. ``sent`` carries a form sent with errors (by its name; ``paying`` is
    the payment a sent "record" form was for), so they are shown at its fields."""
    sent = sent or {}
    return (
        render_template(
            "officer/award.html",
            award=item,
            actions=officer_application.award_actions(item),
            bank_change=bank_details.latest_change(db.session, item),
            payment_blocked=bank_confirmation.payment_blocked_reason(item),
            label=AWARD_LABELS[item.status],
            unread=threads.unread_for(db.session, item, by=acting_user()),
            form=ButtonForm(),
            plan_form=sent.get("plan") or _plan_form(item, formdata=None, due_on=date.today().isoformat()),
            cancel_form=sent.get("cancel") or CancelAwardForm(formdata=None),
            payment_forms={
                p.id: _payment_form(p, sent.get("record") if p.id == paying else None)
                for p in item.payments
                if not p.paid_at
            },
            holds={p.id: payments.held_message(held) for p in item.payments if (held := payments.payment_held_by(p))},
            reports=[(report, reports.title(report), report_reviews.review_state(report)) for report in item.reports],
            may_change_schedule=report_schedules.may_change_schedule(item),
        ),
        status,
    )


def _plan_form(item: Award, **kwargs: Any) -> PlanPaymentForm:
    form = PlanPaymentForm(**kwargs)
    form.offer_reports(item)
    return form


def _payment_form(payment: Payment, sent: FlaskForm | None) -> FlaskForm:
    form = sent or RecordPaymentForm(formdata=None)
    # Each unpaid payment has its own form on the page: its field needs an id of its own.
    form.reference.id = form.reference.label.field_id = f"reference-{payment.id}"
    return form


def _award_act(award_id: int, run: str) -> Response | tuple[str, int]:
    item = _award_or_404(award_id)
    form: FlaskForm = _plan_form(item) if run == "plan" else CancelAwardForm()
    valid = form.validate_on_submit()
    if "csrf_token" in form.errors:  # a stale or missing token is refused, as on every form
        abort(400)
    if not valid:
        return award_page(item, sent={run: form}, status=400)
    officer = acting_user()
    try:
        if isinstance(form, PlanPaymentForm):
            held = next((entry for entry in item.schedule if entry.id == form.held_until_id), None)
            payments.plan_payment(
                db.session, item, by=officer, amount_pence=form.amount_pence, due_on=form.due_date, held_until=held
            )
            done = gettext("The payment is added to the plan.")
        else:
            assert isinstance(form, CancelAwardForm)
            payments.cancel_award(db.session, item, by=officer, reason=form.reason.data or "")
            done = gettext("The award is cancelled and its money is back in the budget.")
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        flash(done, "success")
    return redirect(url_for("officer.award", award_id=award_id))


@bp.post("/awards/<int:award_id>/payments")
def plan_payment(award_id: int) -> Response | tuple[str, int]:
    return _award_act(award_id, "plan")


@bp.post("/awards/<int:award_id>/cancel")
def cancel_award(award_id: int) -> Response | tuple[str, int]:
    return _award_act(award_id, "cancel")


@bp.post("/payments/<int:payment_id>/paid")
def record_payment(payment_id: int) -> Response | tuple[str, int]:
    payment = get_or_404(Payment, payment_id)
    form = RecordPaymentForm()
    valid = form.validate_on_submit()
    if "csrf_token" in form.errors:  # a stale or missing token is refused, as on every form
        abort(400)
    if not valid:
        return award_page(_award_or_404(payment.award_id), sent={"record": form}, paying=payment.id, status=400)
    try:
        payments.record_payment(db.session, payment, by=acting_user(), reference=form.reference.data or "")
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        flash(gettext("The payment is recorded."), "success")
    return redirect(url_for("officer.award", award_id=payment.award_id))


@bp.get("/rounds/<int:round_id>/budget")
def budget(round_id: int) -> str:
    grant_round = get_or_404(Round, round_id)
    view = budgets.budget_view(db.session, grant_round)
    chart, summary = budget_chart(view)
    money = runs.by_round(db.session, utcnow().date(), grant_round.id)
    return render_template(
        "officer/budget.html",
        grant_round=grant_round,
        money=money[0] if money else None,
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
            words[-1] += gettext(" (of which %(pounds)s is paid)", pounds=pounds(line.pence))
    summary = (
        gettext("The %(pounds)s budget is: ", pounds=pounds(view.budget))
        + ", ".join(words[:-1])
        + gettext(" and %(words)s.", words=words[-1])
    )
    return charts.bar_chart(groups, maximum=max(view.budget, *(line.pence for line in lines))), summary
