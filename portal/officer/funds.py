"""Funds and funders, and the funders behind each round."""

from __future__ import annotations

from collections.abc import Callable

from flask import flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from portal.access import acting_user, get_or_404
from portal.errors import DomainError
from portal.extensions import db
from portal.form_errors import refuse
from portal.infra.i18n import gettext
from portal.models.funders import Funder
from portal.models.funding import Fund, Round
from portal.officer import bp
from portal.officer.fund_forms import FunderForm, FundForm, round_funders_form
from portal.routing import parse_id
from portal.services.applications.fields import parse_pounds
from portal.services.funders import funds as fund_rules


def _pounds(pence: int) -> str:
    return f"{pence / 100:,.2f}".removesuffix(".00")


@bp.get("/funds")
def funds() -> str:
    listed = db.session.scalars(
        select(Fund).options(selectinload(Fund.funders), selectinload(Fund.rounds)).order_by(Fund.name)
    ).all()
    return render_template("officer/funds.html", funds=listed, funders=fund_rules.all_funders(db.session))


def _fund_form(fund: Fund | None) -> FundForm:
    data = None
    if fund is not None:
        data = {
            "name": fund.name,
            "description": fund.description,
            "funder_ids": [str(funder.id) for funder in fund.funders],
        }
    form = FundForm(data=data) if data is not None else FundForm()
    form.funder_ids.choices = [
        SelectChoice(str(funder.id), funder.name + ("" if funder.org_id else gettext(" (org-id missing)")))
        for funder in fund_rules.all_funders(db.session)
    ]
    return form


def _fund_settings(form: FundForm) -> fund_rules.FundSettings:
    ids = tuple(number for number in map(parse_id, form.funder_ids.data or []) if number)
    return fund_rules.FundSettings(form.name.data or "", form.description.data or "", ids)


def _saved(form: FlaskForm, save: Callable[[], str]) -> Response | None:
    """Runs ``save`` (which returns what to say once saved) and goes back to the funds page; a refusal is shown
    on the form, with nothing saved and nothing typed lost."""
    try:
        message = save()
    except DomainError as error:
        db.session.rollback()
        refuse(form, error)
        return None
    flash(message, "success")
    return redirect(url_for("officer.funds"))


@bp.route("/funds/new", methods=["GET", "POST"])
def new_fund() -> Response | str:
    form = _fund_form(None)
    if form.validate_on_submit():

        def create() -> str:
            return gettext(
                "%(create_fund)s is set up.",
                create_fund=fund_rules.create_fund(db.session, _fund_settings(form), by=acting_user()).name,
            )

        done = _saved(form, create)
        if done is not None:
            return done
    return render_template("officer/fund_form.html", form=form, fund=None)


@bp.route("/funds/<int:fund_id>/edit", methods=["GET", "POST"])
def edit_fund(fund_id: int) -> Response | str:
    fund = get_or_404(Fund, fund_id)
    form = _fund_form(fund)
    if form.validate_on_submit():

        def change() -> str:
            fund_rules.change_fund(db.session, fund, _fund_settings(form), by=acting_user())
            return gettext("%(fund_name)s is saved.", fund_name=fund.name)

        done = _saved(form, change)
        if done is not None:
            return done
    return render_template("officer/fund_form.html", form=form, fund=fund)


@bp.route("/funders/new", methods=["GET", "POST"])
def new_funder() -> Response | str:
    form = FunderForm()
    if form.validate_on_submit():

        def create() -> str:
            made = fund_rules.create_funder(db.session, form.name.data or "", form.org_id.data or "", by=acting_user())
            return gettext("%(made_name)s is added.", made_name=made.name)

        done = _saved(form, create)
        if done is not None:
            return done
    return render_template("officer/funder_form.html", form=form, funder=None)


@bp.route("/funders/<int:funder_id>/edit", methods=["GET", "POST"])
def edit_funder(funder_id: int) -> Response | str:
    funder = get_or_404(Funder, funder_id)
    form = FunderForm(data={"name": funder.name, "org_id": funder.org_id or ""})
    if form.validate_on_submit():

        def change() -> str:
            fund_rules.change_funder(db.session, funder, form.name.data or "", form.org_id.data or "", by=acting_user())
            return gettext("%(funder_name)s is saved.", funder_name=funder.name)

        done = _saved(form, change)
        if done is not None:
            return done
    return render_template("officer/funder_form.html", form=form, funder=funder)


@bp.route("/rounds/<int:round_id>/funders", methods=["GET", "POST"])
def round_funders(round_id: int) -> Response | str:
    """Which of the fund's funders put money into the round, and how much each."""
    grant_round = get_or_404(Round, round_id)
    funders = list(grant_round.fund.funders)
    saved = {row.funder_id: row.amount_pence for row in grant_round.funders}
    data = {f"amount_{funder.id}": _pounds(saved[funder.id]) if funder.id in saved else "" for funder in funders}
    form = round_funders_form(funders, None if request.method == "POST" else data)
    if form.validate_on_submit():
        amounts: dict[int, int] = {}
        for funder in funders:
            box = form.amount(funder)
            raw = box.data or ""
            pence = parse_pounds(raw) if raw else 0
            if pence is None:
                refuse(
                    form,
                    gettext("Enter %(funder_name)s's amount in pounds, like 25000", funder_name=funder.name),
                    at=box,
                )
            else:
                amounts[funder.id] = pence
        if not form.errors:
            try:
                fund_rules.set_round_funders(db.session, grant_round, amounts, by=acting_user())
            except DomainError as error:
                db.session.rollback()
                refuse(form, error, at=form.amount(funders[0]) if funders else None)
            else:
                flash(
                    gettext("The funders of %(grant_round_title)s are saved.", grant_round_title=grant_round.title),
                    "success",
                )
                return redirect(url_for("officer.round_funders", round_id=grant_round.id))
    total = sum(saved.values())
    return render_template(
        "officer/round_funders.html",
        form=form,
        grant_round=grant_round,
        funders=funders,
        total=total,
        pounds=_pounds,
    )
