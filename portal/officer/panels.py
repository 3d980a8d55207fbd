"""The officer's panel pages: panels and invitations, assignment, results and moderation, panel time."""

from __future__ import annotations

from typing import Any

from flask import Response as FlaskResponse
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy.orm import joinedload, selectinload
from werkzeug.wrappers import Response
from wtforms import (
    DateTimeLocalField,
    DecimalField,
    Form,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from portal.access import get_or_404
from portal.errors import DomainError
from portal.extensions import db
from portal.form_errors import refuse
from portal.formatting import uk_time
from portal.forms import ButtonForm, CheckboxesField, email_field
from portal.infra import rate_limits
from portal.infra.database import writes_on_get
from portal.infra.i18n import _l, gettext, ngettext
from portal.models.applications import Application
from portal.models.audit import AuditAction
from portal.models.funding import Round
from portal.models.panels import Panel, PanelMember
from portal.officer import bp
from portal.officer.decision_forms import reason_choices
from portal.routing import parse_id
from portal.services import audit
from portal.services.awards import decisions
from portal.services.panels import conflicts, membership, paid_time, results
from portal.services.readmodels import panellist_home


class PanelForm(FlaskForm):
    name = StringField(_l("Panel name"), validators=[DataRequired(_l("Enter a name for the panel")), Length(max=200)])
    reviews_due_at = DateTimeLocalField(_l("Reviews due (optional)"), validators=[Optional()], format="%Y-%m-%dT%H:%M")


class InviteForm(FlaskForm):
    name = StringField(_l("Their name"), validators=[DataRequired(_l("Enter their name")), Length(max=200)])
    email = email_field(_l("Their email address"), missing=_l("Enter their email address"))


class AssignForm(FlaskForm):
    application = SelectField(_l("Application"), validate_choice=False)
    panellist = SelectField(_l("Panel member"), validate_choice=False)


class ModerateForm(FlaskForm):
    score = DecimalField(
        _l("Moderated score"),
        places=2,
        validators=[DataRequired(_l("Enter the moderated score, like 3.5")), NumberRange(min=0, max=100)],
    )
    reason = TextAreaField(
        _l("Reason"), validators=[DataRequired(_l("Give the reason for the moderated score")), Length(max=2000)]
    )


class ResultsFilterForm(Form):
    """Which neighbourhood's results to show (a GET form: no CSRF)."""

    neighbourhood = SelectField(_l("Neighbourhood"))

    @classmethod
    def showing(cls, grant_round: Round, chosen: int | None) -> ResultsFilterForm:
        form = cls(data={"neighbourhood": str(chosen or "")})
        form.neighbourhood.choices = [SelectChoice("", gettext("All neighbourhoods"))] + [
            SelectChoice(str(n.id), n.name) for n in grant_round.neighbourhoods
        ]
        return form


class DecideFromResultsForm(FlaskForm):
    # The ranked table ticks applications row by row (components/results.html), and the two buttons
    # post the action, so neither is drawn by field().
    application = SelectMultipleField(coerce=int, validate_choice=False)
    action = StringField()
    reasons = CheckboxesField(_l("Reasons to give groups that are declined"), choices=[])
    feedback = TextAreaField(_l("Feedback for declined groups (optional)"), render_kw={"rows": 3})


def _decide_form(grant_round: Round, **kwargs: Any) -> DecideFromResultsForm:
    form = DecideFromResultsForm(**kwargs)
    form.reasons.choices = reason_choices(grant_round)
    return form


def _round_or_404(round_id: int) -> Round:
    return get_or_404(Round, round_id, options=[selectinload(Round.criteria), selectinload(Round.neighbourhoods)])


def _panel_or_404(panel_id: int) -> Panel:
    return get_or_404(Panel, panel_id, options=[joinedload(Panel.round)])


@bp.route("/rounds/<int:round_id>/panels", methods=["GET", "POST"])
def round_panels(round_id: int) -> str | Response:
    grant_round = _round_or_404(round_id)
    form = PanelForm()
    if form.validate_on_submit():
        due = form.reviews_due_at.data
        panel = membership.create_panel(
            db.session,
            grant_round,
            by=current_user,
            name=form.name.data,
            reviews_due_at=due.replace(tzinfo=uk_time(grant_round.closes_at).tzinfo) if due else None,
        )
        flash(gettext("%(panel_name)s is set up. Now invite its members.", panel_name=panel.name), "success")
        return redirect(url_for("officer.panel", panel_id=panel.id))
    existing = membership.panels_of_round(db.session, round_id)
    return render_template("officer/panels.html", grant_round=grant_round, panels=existing, form=form)


def _panel_page(
    panel: Panel, *, invite: InviteForm | None = None, assign: AssignForm | None = None, status: int = 200
) -> tuple[str, int]:
    members = membership.members_of(db.session, panel)
    assignments = membership.assignments_of(db.session, panel)
    with_panel = membership.with_panel(db.session, panel)
    # The programme's register holds in every round: the open entries of this panel's members.
    register = conflicts.register(db.session, panellist_ids=[m.user_id for m in members])
    assign = assign or AssignForm()
    assign.application.choices = [SelectChoice(str(a.id), f"{a.reference}: {a.title}") for a in with_panel]
    assign.panellist.choices = [
        SelectChoice(str(m.user_id), m.user.name or m.user.email) for m in members if membership.serving(m, panel)
    ]
    return (
        render_template(
            "officer/panel.html",
            panel=panel,
            members=members,
            assignments=assignments,
            with_panel=with_panel,
            conflicts=register.open,
            invite=invite or InviteForm(formdata=None),
            assign=assign,
            action_form=ButtonForm(),
        ),
        status,
    )


@bp.get("/panels/<int:panel_id>")
def panel(panel_id: int) -> tuple[str, int]:
    return _panel_page(_panel_or_404(panel_id))


@bp.post("/panels/<int:panel_id>/invite")
def invite_panellist(panel_id: int) -> Response | tuple[str, int]:
    panel = _panel_or_404(panel_id)
    form = InviteForm()
    if form.validate_on_submit():
        try:
            membership.invite_member(db.session, panel, by=current_user, email=form.email.data, name=form.name.data)
        except DomainError as error:
            form.email.errors = [error.message]
        else:
            flash(gettext("We have emailed %(data)s an invitation.", data=form.email.data), "success")
            return redirect(url_for("officer.panel", panel_id=panel.id))
    return _panel_page(panel, invite=form)


@bp.post("/panels/<int:panel_id>/assign-automatically")
def auto_assign(panel_id: int) -> Response:
    panel = _panel_or_404(panel_id)
    made, short = membership.assign_automatically(db.session, panel, by=current_user)
    message = ngettext("%(num)d assignment made.", "%(num)d assignments made.", made)
    if short:
        message += " " + gettext(
            "Not enough panel members for: %(applications)s.",
            applications=", ".join(a.reference or str(a.id) for a in short),
        )
    flash(message, "success" if not short else "info")
    return redirect(url_for("officer.panel", panel_id=panel.id))


@bp.post("/panels/<int:panel_id>/assign")
def assign(panel_id: int) -> Response | tuple[str, int]:
    panel = _panel_or_404(panel_id)
    form = AssignForm()
    application_id, panellist_id = parse_id(form.application.data), parse_id(form.panellist.data)
    application, panellist = membership.find_choice(db.session, application_id, panellist_id)
    if form.validate_on_submit() and application is not None and panellist is not None:
        try:
            membership.assign(db.session, panel, application, panellist, by=current_user)
        except DomainError as error:
            form.panellist.errors = [error.message]
        else:
            flash(
                gettext(
                    "%(reference)s is assigned to %(email)s.",
                    reference=application.reference,
                    email=panellist.name or panellist.email,
                ),
                "success",
            )
            return redirect(url_for("officer.panel", panel_id=panel.id))
    elif form.is_submitted():
        form.application.errors = [gettext("Choose an application and a panel member")]
    return _panel_page(panel, assign=form)


@bp.route("/panels/<int:panel_id>/members/<int:member_id>/leave", methods=["GET", "POST"])
def panellist_leaves(panel_id: int, member_id: int) -> str | Response:
    panel = _panel_or_404(panel_id)
    member = get_or_404(PanelMember, member_id)
    if not membership.serving(member, panel):
        abort(404)
    form = ButtonForm()
    if form.validate_on_submit():
        stranded = membership.leave_panel(db.session, member, by=current_user)
        who = member.user.name or member.user.email
        message = gettext("%(who)s has left the panel; their unfinished reviews were given to others.", who=who)
        if stranded:
            message += (
                gettext(" Nobody else could take: ") + ", ".join(a.reference or str(a.id) for a in stranded) + "."
            )
        flash(message, "success")
        return redirect(url_for("officer.panel", panel_id=panel.id))
    return render_template("officer/panellist_leaves.html", panel=panel, member=member, form=form)


@bp.get("/rounds/<int:round_id>/results", endpoint="results")
def results_page(round_id: int) -> str:
    grant_round = _round_or_404(round_id)
    asked = parse_id(request.args.get("neighbourhood"))
    chosen = asked if asked in {n.id for n in grant_round.neighbourhoods} else None
    shown = results.results_page(db.session, grant_round, request.args, neighbourhood_id=chosen)
    undecided = decisions.awaiting_decision(db.session, round_id, among=[row.application_id for row in shown.rows])
    return render_template(
        "officer/results.html",
        grant_round=grant_round,
        shown=shown,
        neighbourhood=chosen,
        filters=ResultsFilterForm.showing(grant_round, chosen),
        form=_decide_form(grant_round, formdata=None),
        choosable=undecided,
    )


@bp.post("/rounds/<int:round_id>/results/decide")
def decide_from_results(round_id: int) -> Response:
    """Approve or decline several applications from the ranked results, in rank order."""
    grant_round = _round_or_404(round_id)
    form = _decide_form(grant_round)
    chosen = set(form.application.data or [])
    if not form.validate() or not chosen:
        flash(gettext("Choose at least one application."), "error")
        return redirect(url_for("officer.results", round_id=round_id))
    approving = form.action.data == "approve"
    done = decisions.decide_many(
        db.session,
        results.in_rank_order(db.session, grant_round, chosen),
        by=current_user,
        approve_them=approving,
        reasons=form.reasons.data or [],
        feedback=form.feedback.data or "",
    )
    flash(_decided_message(done, approving), "success" if not done.problems else "info")
    return redirect(url_for("officer.results", round_id=round_id))


def _decided_message(done: decisions.DecidedMany, approving: bool) -> str:
    """``"3 applications approved: 1 offered; 2 wait for a second officer: AO-…, AO-…."``"""
    count = len(done.offered) + len(done.waiting) if approving else len(done.declined)
    if not approving:
        message = ngettext("%(num)d application declined.", "%(num)d applications declined.", count)
    elif not count:
        message = gettext("0 applications approved.")
    elif done.waiting:
        message = ngettext(
            "%(num)d application approved: %(offered)s offered; %(waiting)s: %(references)s.",
            "%(num)d applications approved: %(offered)s offered; %(waiting)s: %(references)s.",
            count,
            offered=len(done.offered),
            waiting=ngettext(
                "%(num)d waits for a second officer", "%(num)d wait for a second officer", len(done.waiting)
            ),
            references=", ".join(a.reference or str(a.id) for a in done.waiting),
        )
    else:
        message = ngettext(
            "%(num)d application approved: %(offered)s offered.",
            "%(num)d applications approved: %(offered)s offered.",
            count,
            offered=len(done.offered),
        )
    if done.problems:
        message += " " + gettext("Not done: %(problems)s", problems="; ".join(done.problems))
    return message


@bp.route("/applications/<int:application_id>/moderate", methods=["GET", "POST"])
def moderate(application_id: int) -> str | Response | tuple[str, int]:
    application = get_or_404(Application, application_id, options=[joinedload(Application.round)])
    form = ModerateForm()
    if form.validate_on_submit():
        try:
            results.moderate(
                db.session,
                application,
                by=current_user,
                score=float(form.score.data),
                reason=form.reason.data,
            )
        except DomainError as error:
            refuse(form, error)
            return render_template("officer/moderate.html", application=application, form=form), 409
        flash(gettext("The moderated score for %(reference)s is saved.", reference=application.reference), "success")
        return redirect(url_for("officer.results", round_id=application.round_id))
    return render_template("officer/moderate.html", application=application, form=form)


@bp.get("/panels/<int:panel_id>/time")
def panel_time_page(panel_id: int) -> str:
    panel = _panel_or_404(panel_id)
    return render_template(
        "officer/panel_time.html", panel=panel, rows=paid_time.time_owed(db.session, panel), form=ButtonForm()
    )


@bp.post("/panels/<int:panel_id>/time/<int:user_id>/paid")
def mark_time_paid(panel_id: int, user_id: int) -> Response | tuple[str, int]:
    panel = _panel_or_404(panel_id)
    try:
        minutes = paid_time.mark_paid(db.session, panel, user_id, by=current_user)
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(
            gettext("%(time)s marked as paid.", time=panellist_home.describe_minutes(minutes)),
            "success",
        )
    return redirect(url_for("officer.panel_time_page", panel_id=panel.id))


@bp.get("/panels/<int:panel_id>/time.csv")
@writes_on_get
@rate_limits.exports
def panel_time_csv(panel_id: int) -> FlaskResponse:
    panel = _panel_or_404(panel_id)
    rows = paid_time.time_owed(db.session, panel)
    # One row per panel member: small enough to build whole.
    body = "".join(paid_time.time_csv(rows, panel.round.hourly_rate_pence))
    audit.record(db.session, current_user, AuditAction.PANEL_TIME_EXPORTED, panel, f"{len(rows)} panel members")
    response = FlaskResponse(body, mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="panel-{panel.id}-time.csv"'
    return response
