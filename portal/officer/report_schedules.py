"""Report schedules: a round's default schedule, and an award's own copy until the group accepts."""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response
from wtforms import Field

from portal.access import acting_user, get_or_404
from portal.errors import DomainError
from portal.extensions import db
from portal.form_errors import refuse
from portal.forms import ButtonForm
from portal.infra.i18n import gettext
from portal.models.awards import Award
from portal.models.funding import Round
from portal.models.reporting import ReportScheduleItem
from portal.officer import bp
from portal.officer.report_schedule_forms import ReportItemForm, item_form
from portal.services.awards import report_schedules
from portal.services.awards.report_schedules import ReportSettings


@bp.route("/rounds/<int:round_id>/reports", methods=["GET", "POST"])
def round_reports(round_id: int) -> str | Response:
    """The round's schedule. Its button (shown while the round asks for the usual report) saves the usual
    report as the round's own, to change it."""
    grant_round = get_or_404(Round, round_id)
    if request.method == "POST":
        if not ButtonForm().validate_on_submit():
            abort(400)
        first = report_schedules.own_schedule(db.session, grant_round)[0]
        return redirect(url_for("officer.round_report", round_id=round_id, item_id=first.id))
    return render_template(
        "officer/report_schedule.html",
        grant_round=grant_round,
        schedule=report_schedules.round_schedule(db.session, grant_round) or None,
        default=report_schedules.ReportSettings(),
        form=ButtonForm(),
    )


def _round_item(grant_round: Round, item_id: int) -> ReportScheduleItem:
    item = get_or_404(ReportScheduleItem, item_id)
    if item.round_id != grant_round.id:
        abort(404)
    return item


def _read(form: ReportItemForm, *, dated: bool) -> ReportSettings | None:
    """What the officer typed, or None (with the problem shown at its field) when the date cannot be read."""
    settings = form.settings()
    if dated:
        try:
            settings.due_on = form.due_date()
        except ValueError:
            refuse(form, gettext("Enter the due date like 2027-03-31, or leave it empty"), at=form.due_on)
            return None
    return settings


def _save(form: ReportItemForm, *, dated: bool, run: Callable[[ReportSettings], None]) -> bool:
    """Validate, call the service (``run(settings)``); False with the refusal at its field."""
    if not form.validate_on_submit():
        return False
    settings = _read(form, dated=dated)
    if settings is None:
        return False
    try:
        run(settings)
    except DomainError as error:
        db.session.rollback()
        refuse(form, error, at=_field_for(form, error.field))
        # A list gathers its entries' errors only when validated: gather them again.
        form.questions.errors = [entry.errors for entry in form.questions if entry.errors]
        return False
    return True


def _field_for(form: ReportItemForm, name: str | None) -> Field | None:
    """The box a refusal is about: ``question-2-words`` is the second question asked (empty boxes skipped)."""
    asked = [entry.form for entry in form.questions if entry.form.label.data]
    if name and name.startswith("question-"):
        _, number, part = name.split("-")
        index = int(number) - 1
        return asked[index][part] if index < len(asked) else None
    if name == "questions":
        return asked[0].label if asked else (form.questions[0].form.label if form.questions.entries else None)
    return form[name] if name and name in form else None


@bp.route("/rounds/<int:round_id>/reports/new", methods=["GET", "POST"], defaults={"item_id": None})
@bp.route("/rounds/<int:round_id>/reports/<int:item_id>", methods=["GET", "POST"])
def round_report(round_id: int, item_id: int | None) -> str | Response | tuple[str, int]:
    grant_round = get_or_404(Round, round_id)
    item = _round_item(grant_round, item_id) if item_id is not None else None
    form = item_form(report_schedules.settings_of(item) if item else None)
    officer = acting_user()

    def run(settings: ReportSettings) -> None:
        if item is None:
            report_schedules.add_round_report(db.session, grant_round, settings, by=officer)
        else:
            report_schedules.change_report(db.session, item, settings, by=officer)

    if _save(form, dated=False, run=run):
        flash(gettext("The round's report schedule is saved."), "success")
        return redirect(url_for("officer.round_reports", round_id=round_id))
    page = render_template(
        "officer/report_item.html",
        form=form,
        item=item,
        heading=item.title if item else gettext("Add a report"),
        caption=grant_round.title,
        dated=False,
        back=url_for("officer.round_reports", round_id=round_id),
        remove=url_for("officer.remove_round_report", round_id=round_id, item_id=item.id) if item else None,
        button_form=ButtonForm(),
    )
    return page, (400 if form.errors else 200)


@bp.post("/rounds/<int:round_id>/reports/<int:item_id>/remove")
def remove_round_report(round_id: int, item_id: int) -> Response:
    grant_round = get_or_404(Round, round_id)
    item = _round_item(grant_round, item_id)
    _remove(item)
    return redirect(url_for("officer.round_reports", round_id=round_id))


def _remove(item: ReportScheduleItem) -> None:
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        report_schedules.remove_report(db.session, item, by=acting_user())
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        flash(gettext("The report is taken out of the schedule."), "success")


def _award_item(award: Award, item_id: int) -> ReportScheduleItem:
    item = get_or_404(ReportScheduleItem, item_id)
    if item.award_id != award.id:
        abort(404)
    return item


@bp.route("/awards/<int:award_id>/reports/new", methods=["GET", "POST"], defaults={"item_id": None})
@bp.route("/awards/<int:award_id>/reports/<int:item_id>", methods=["GET", "POST"])
def award_report(award_id: int, item_id: int | None) -> str | Response | tuple[str, int]:
    award = get_or_404(Award, award_id)
    item = _award_item(award, item_id) if item_id is not None else None
    back = url_for("officer.award", award_id=award_id) + "#reports"
    if not report_schedules.may_change_schedule(award):
        flash(gettext("The group has accepted this award, so its report schedule can no longer be changed."), "error")
        return redirect(back)
    form = item_form(report_schedules.settings_of(item) if item else None)
    officer = acting_user()

    def run(settings: ReportSettings) -> None:
        if item is None:
            report_schedules.add_award_report(db.session, award, settings, by=officer)
        else:
            report_schedules.change_report(db.session, item, settings, by=officer)

    if _save(form, dated=True, run=run):
        flash(gettext("The award's report schedule is saved."), "success")
        return redirect(back)
    page = render_template(
        "officer/report_item.html",
        form=form,
        item=item,
        heading=item.title if item else gettext("Add a report"),
        caption=f"Award for {award.application.reference}",
        dated=True,
        back=back,
        remove=url_for("officer.remove_award_report", award_id=award_id, item_id=item.id) if item else None,
        button_form=ButtonForm(),
    )
    return page, (400 if form.errors else 200)


@bp.post("/awards/<int:award_id>/reports/<int:item_id>/remove")
def remove_award_report(award_id: int, item_id: int) -> Response:
    award = get_or_404(Award, award_id)
    _remove(_award_item(award, item_id))
    return redirect(url_for("officer.award", award_id=award_id) + "#reports")
