"""Finance pages: what to pay, and each award's payment screen with its bank details.

The full details are shown only in the response to the "Show bank details"
form, never stored in the session or a redirect, and never cached.
"""

from __future__ import annotations

from flask import flash, make_response, redirect, render_template, url_for
from markupsafe import Markup
from werkzeug.wrappers import Response

from portal.access import acting_user, get_or_404
from portal.errors import DomainError
from portal.extensions import db
from portal.finance import bp
from portal.finance.forms import ConfirmBankDetailsForm, ShowBankDetailsForm
from portal.formatting import date_long, pounds
from portal.infra.i18n import gettext
from portal.models.awards import Award
from portal.models.users import User
from portal.services.awards import bank_confirmation
from portal.services.awards.bank_details import BankDetails
from portal.services.readmodels import finance_home


def _award_link(award: Award) -> Markup:
    return Markup('<a href="{}">{}</a>').format(
        url_for("finance.award", award_id=award.id), award.application.reference or f"Award {award.id}"
    )


@bp.get("/")
def home() -> str:
    payments = [
        [
            _award_link(due.award),
            due.award.application.organisation.name,
            pounds(due.amount_pence),
            date_long(due.due_on),
            due.blocked_reason or gettext("Ready to pay"),
        ]
        for due in finance_home.due_payments(db.session)
    ]
    to_confirm = [
        [
            _award_link(award),
            award.application.organisation.name,
            gettext("Account ending %(bank_account_last4)s", bank_account_last4=award.bank_account_last4),
            gettext("Changed after confirmation: payment on hold")
            if bank_confirmation.is_on_hold(award)
            else gettext("Not confirmed yet"),
        ]
        for award in finance_home.details_to_confirm(db.session)
    ]
    return render_template("finance/home.html", payments=payments, to_confirm=to_confirm)


def _payment_screen(
    award: Award,
    *,
    show_form: ShowBankDetailsForm | None = None,
    details: BankDetails | None = None,
    status: int = 200,
) -> Response:
    user = acting_user()
    confirmer = db.session.get(User, award.bank_details_confirmed_by_id) if award.bank_details_confirmed_by_id else None
    response = make_response(
        render_template(
            "finance/award.html",
            award=award,
            show_form=show_form or ShowBankDetailsForm(formdata=None),
            confirm_form=ConfirmBankDetailsForm(formdata=None, data={"checked": bank_confirmation.version(award)}),
            details=details,
            blocked_reason=bank_confirmation.payment_blocked_reason(award),
            on_hold=bank_confirmation.is_on_hold(award),
            confirmed_by=(confirmer.name or confirmer.email) if confirmer else None,
            may_confirm=bank_confirmation.may_confirm(award, user),
            entered_it=bank_confirmation.needs_confirming(award) and award.bank_details_entered_by_id == user.id,
        ),
        status,
    )
    # The page may carry the full details: no browser or proxy may keep a copy.
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return response


@bp.get("/awards/<int:award_id>")
def award(award_id: int) -> Response:
    return _payment_screen(get_or_404(Award, award_id))


@bp.post("/awards/<int:award_id>/show-bank-details")
def show_bank_details(award_id: int) -> Response:
    item = get_or_404(Award, award_id)
    form = ShowBankDetailsForm()
    if form.validate_on_submit():
        try:
            details = bank_confirmation.view_for_payment(
                db.session, item, by=acting_user(), reason=form.reason.data or ""
            )
        except DomainError as error:
            # Nothing to show (no details given): say so on the payment screen.
            flash(error.message, "error")
            return redirect(url_for("finance.award", award_id=item.id))
        return _payment_screen(item, details=details)
    return _payment_screen(item, show_form=form, status=400 if form.is_submitted() else 200)


@bp.post("/awards/<int:award_id>/confirm-bank-details")
def confirm_bank_details(award_id: int) -> Response:
    item = get_or_404(Award, award_id)
    form = ConfirmBankDetailsForm()
    if not form.validate_on_submit():
        flash(gettext("The form had expired. Try again."), "error")
        return redirect(url_for("finance.award", award_id=item.id))
    try:
        bank_confirmation.confirm(db.session, item, by=acting_user(), checked=form.checked.data or "")
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(
            gettext(
                "Bank details confirmed for %(reference)s. The grant can now be paid.",
                reference=item.application.reference,
            ),
            "success",
        )
    return redirect(url_for("finance.award", award_id=item.id))
