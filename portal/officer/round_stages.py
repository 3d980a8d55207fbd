"""A round's stages: one, or a short expression of interest first and a full application for the shortlist."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from portal.access import acting_user, get_or_404
from portal.errors import DomainError
from portal.extensions import db
from portal.form_errors import refuse
from portal.infra.i18n import gettext
from portal.models.funding import Round
from portal.officer import bp
from portal.officer.rounds import uk_local, uk_moment
from portal.officer.stage_forms import StagesForm
from portal.services.rounds import stages


@bp.route("/rounds/<int:round_id>/stages", methods=["GET", "POST"])
def round_stages(round_id: int) -> str | Response | tuple[str, int]:
    grant_round = get_or_404(Round, round_id)
    form = StagesForm(
        data={
            "two_stages": grant_round.two_stages,
            "sections": [s.key for s in grant_round.question_sections if s.at_expression_of_interest],
            "full_applications_close_at": uk_local(grant_round.full_applications_close_at, "%Y-%m-%dT%H:%M"),
        }
    )
    form.sections.choices = [SelectChoice(s.key, s.title) for s in grant_round.question_sections]
    locked = stages.stages_locked(db.session, grant_round)
    page = {"grant_round": grant_round, "form": form, "locked": locked}
    if request.method == "GET":
        return render_template("officer/round_stages.html", **page)
    if not form.validate():
        abort(400)
    settings = stages.StageSettings(
        two_stages=bool(form.two_stages.data),
        section_keys=frozenset(form.sections.data or []),
        full_applications_close_at=uk_moment(form.full_applications_close_at.data or ""),
    )
    problems = stages.check_settings(grant_round, settings)
    for name, message in problems.items():
        refuse(form, message, at=form[name])
    if problems:
        return render_template("officer/round_stages.html", **page), 400
    try:
        stages.set_stages(db.session, grant_round, settings, by=acting_user())
    except DomainError as error:
        db.session.rollback()
        refuse(form, error.message)
        return render_template("officer/round_stages.html", **page), 409
    flash(gettext("The stages of %(grant_round_title)s are saved.", grant_round_title=grant_round.title), "success")
    return redirect(url_for("officer.edit_round", round_id=grant_round.id))
