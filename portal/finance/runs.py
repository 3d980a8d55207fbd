"""Payment runs: choosing due payments, approval by a second person, the bank files, and marking them paid;
and the account grants are paid from."""

from __future__ import annotations

from datetime import date

from flask import Response as FlaskResponse
from flask import abort, flash, redirect, render_template, request, url_for
from markupsafe import Markup
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from portal.access import acting_user, get_or_404
from portal.errors import DomainError
from portal.extensions import db
from portal.finance import bp
from portal.finance.forms import NewRunForm, PayingAccountForm
from portal.form_errors import refuse
from portal.formatting import date_long, pounds
from portal.forms import ButtonForm
from portal.infra.i18n import _l, gettext
from portal.models.awards import Payment
from portal.models.base import utcnow
from portal.models.payment_runs import PaymentRun
from portal.services.awards.bank_details import masked
from portal.services.payments import paying_account, runs
from portal.services.payments.paying_account import PayingAccount

RUN_STATUS = {
    "draft": _l("Waiting for approval"),
    "approved": _l("Approved"),
    "paid": _l("Paid"),
    "cancelled": _l("Cancelled"),
}


def _run_link(run: PaymentRun) -> Markup:
    return Markup('<a href="{}">{}</a>').format(url_for("finance.payment_run", run_id=run.id), run.reference)


@bp.get("/payment-runs")
def payment_runs() -> str:
    rows = [
        [
            _run_link(run),
            RUN_STATUS[run.status.value],
            str(len(run.payments)),
            pounds(run.total_pence()),
            date_long(run.pay_on),
        ]
        for run in runs.recent_runs(db.session)
    ]
    money = [
        [item.title, pounds(item.due_by_month_end_pence), pounds(item.paid_pence)]
        for item in runs.by_round(db.session, utcnow().date())
    ]
    account = paying_account.current(db.session)
    return render_template(
        "finance/payment_runs.html",
        rows=rows,
        money=money,
        account_set=paying_account.is_set(account),
        account=account,
        masked=masked(account.account_number[-4:] or None),
    )


def _label(candidate: runs.Candidate) -> str:
    payment = candidate.payment
    award = payment.award
    return gettext(
        "%(reference)s, %(organisation_name)s: %(pounds)s due %(date_long)s, to %(masked)s",
        reference=award.application.reference or gettext("Award %(id)s", id=award.id),
        organisation_name=award.application.organisation.name,
        pounds=pounds(payment.amount_pence),
        date_long=date_long(payment.due_on),
        masked=masked(award.bank_account_last4),
    )


def _new_run_page(form: NewRunForm, candidates: list[runs.Candidate], status: int = 200) -> tuple[str, int]:
    blocked = [[_label(c), c.problem] for c in candidates if c.problem]
    return render_template("finance/new_run.html", form=form, blocked=blocked), status


@bp.route("/payment-runs/new", methods=["GET", "POST"])
def new_payment_run() -> str | Response | tuple[str, int]:
    candidates = runs.candidates(db.session)
    ready = [c for c in candidates if c.problem is None]
    form = NewRunForm(data={"pay_on": utcnow().date().isoformat()})
    form.payments.choices = [SelectChoice(str(c.payment.id), _label(c)) for c in ready]
    if request.method == "GET":
        return _new_run_page(form, candidates)
    if not form.validate():
        abort(400)
    chosen_ids = {int(value) for value in form.payments.data or [] if value.isdigit()}
    chosen = [c.payment for c in ready if c.payment.id in chosen_ids]
    try:
        pay_on = date.fromisoformat(form.pay_on.data or "")
    except ValueError:
        refuse(form, gettext("Enter the day the bank pays them, like 27 3 2027"), at=form.pay_on)
        return _new_run_page(form, candidates, 400)
    if not chosen:
        refuse(form, gettext("Choose at least one payment for the run"), at=form.payments)
        return _new_run_page(form, candidates, 400)
    try:
        run = runs.create_run(db.session, chosen, by=acting_user(), pay_on=pay_on)
    except DomainError as error:
        db.session.rollback()
        refuse(form, error.message, at=form.payments)
        return _new_run_page(form, runs.candidates(db.session), 409)
    flash(
        gettext("Payment run %(reference)s is made. A second person must approve it.", reference=run.reference),
        "success",
    )
    return redirect(url_for("finance.payment_run", run_id=run.id))


def _payment_row(payment: Payment) -> list[object]:
    award = payment.award
    return [
        award.application.reference or gettext("Award %(id)s", id=award.id),
        award.application.organisation.name,
        masked(award.bank_account_last4).capitalize(),
        pounds(payment.amount_pence),
        gettext("Paid") if payment.paid_at else gettext("Not yet"),
    ]


@bp.get("/payment-runs/<int:run_id>")
def payment_run(run_id: int) -> str:
    run = get_or_404(PaymentRun, run_id)
    user = acting_user()
    return render_template(
        "finance/payment_run.html",
        run=run,
        status=RUN_STATUS[run.status.value],
        rows=[_payment_row(payment) for payment in run.payments],
        form=ButtonForm(),
        may_approve=runs.may_approve(run, user),
        made_it=run.status.value == "draft" and run.created_by_id == user.id,
        may_download=runs.may_download(run),
        may_mark_paid=runs.may_mark_paid(run),
        may_cancel=runs.may_cancel(run),
    )


def _act(run_id: int, action: str) -> Response:
    run = get_or_404(PaymentRun, run_id)
    if not ButtonForm().validate():
        abort(400)
    user = acting_user()
    try:
        if action == "approve":
            runs.approve(db.session, run, by=user)
            done = gettext(
                "%(reference)s is approved. Download its bank file and send it to the bank.", reference=run.reference
            )
        elif action == "paid":
            runs.mark_paid(db.session, run, by=user)
            done = gettext(
                "%(reference)s is recorded as paid: each payment carries its reference.", reference=run.reference
            )
        else:
            runs.cancel(db.session, run, by=user)
            done = gettext("%(reference)s is cancelled. Its payments can go into another run.", reference=run.reference)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        flash(done, "success")
    return redirect(url_for("finance.payment_run", run_id=run_id))


@bp.post("/payment-runs/<int:run_id>/approve")
def approve_payment_run(run_id: int) -> Response:
    return _act(run_id, "approve")


@bp.post("/payment-runs/<int:run_id>/paid")
def mark_payment_run_paid(run_id: int) -> Response:
    return _act(run_id, "paid")


@bp.post("/payment-runs/<int:run_id>/cancel")
def cancel_payment_run(run_id: int) -> Response:
    return _act(run_id, "cancel")


@bp.get("/payment-runs/<int:run_id>/standard-18")
def payment_run_standard18(run_id: int) -> Response:
    return _bank_file(run_id, "standard18")


@bp.get("/payment-runs/<int:run_id>/csv")
def payment_run_csv(run_id: int) -> Response:
    return _bank_file(run_id, "csv")


def _bank_file(run_id: int, kind: str) -> Response:
    run = get_or_404(PaymentRun, run_id)
    try:
        made = runs.bank_file(db.session, run, by=acting_user(), kind=kind)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("finance.payment_run", run_id=run_id))
    response = FlaskResponse(made.body, mimetype=made.content_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{made.filename}"'
    # The file holds every group's full bank details: no browser or proxy may keep a copy.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/paying-account", methods=["GET", "POST"])
def paying_account_page() -> str | Response | tuple[str, int]:
    account = paying_account.current(db.session)
    form = PayingAccountForm(
        data={
            "account_name": account.account_name,
            "sort_code": account.sort_code,
            "account_number": account.account_number,
            "service_user_number": account.service_user_number,
        }
    )
    if request.method == "GET":
        return render_template("finance/paying_account.html", form=form)
    if not form.validate():
        abort(400)
    values = PayingAccount(
        sort_code=form.sort_code.data or "",
        account_number=form.account_number.data or "",
        account_name=form.account_name.data or "",
        service_user_number=form.service_user_number.data or "",
    )
    problems = paying_account.check(values)
    for name, message in problems.items():
        refuse(form, message, at=form[name])
    if problems:
        return render_template("finance/paying_account.html", form=form), 400
    paying_account.update(db.session, values, by=acting_user())
    flash(gettext("The paying account is saved."), "success")
    return redirect(url_for("finance.payment_runs"))
