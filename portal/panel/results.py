"""The panel's results, as a panellist may see them (``panel_access`` decides when and which)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from portal.access import acting_user
from portal.errors import DomainError
from portal.extensions import db
from portal.models.panels import Panel
from portal.panel import bp
from portal.panel.reviews import member_or_404
from portal.services.panels import access, membership


class SeeResultsForm(FlaskForm):
    """Only the button: seeing the results is recorded, so it is a choice the panellist makes."""


@bp.route("/panels/<int:panel_id>/results", methods=["GET", "POST"])
def results_page(panel_id: int) -> str | Response:
    member = member_or_404(panel_id)
    panel: Panel = member.panel
    form = SeeResultsForm()
    if form.validate_on_submit():
        try:
            membership.record_results_seen(db.session, member, by=acting_user())
        except DomainError as error:
            flash(error.message, "error")
        return redirect(url_for("panel.results_page", panel_id=panel.id))
    if not access.sees_panel_scores(db.session, panel, by=acting_user()):
        return render_template(
            "panel/results_waiting.html",
            panel=panel,
            onboarded=member.onboarded_at is not None,
            progress=access.review_progress(db.session, acting_user(), panel.id),
        )
    if member.results_seen_at is None:
        return render_template("panel/results_first.html", panel=panel, form=form)
    return render_template(
        "panel/results.html",
        panel=panel,
        rows=access.visible_results(db.session, panel, by=acting_user()),
        show_groups=not panel.round.blind_review,
    )
