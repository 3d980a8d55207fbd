"""A round's decline reasons: reword, add, retire, offer again and reorder them."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import StringField
from wtforms.validators import DataRequired

from portal.access import acting_user, get_or_404
from portal.errors import DomainError
from portal.extensions import db
from portal.form_errors import refuse
from portal.forms import strip
from portal.infra.i18n import _l, gettext
from portal.models.funding import DeclineReason, Round
from portal.officer import bp
from portal.services.rounds import decline_reasons

ACTIONS = ("reword", "up", "down", "retire", "offer")


class NewReasonForm(FlaskForm):
    words = StringField(
        _l("A new reason, as the group will read it"),
        filters=[strip],
        validators=[DataRequired(_l("Enter the reason as the group will read it"))],
    )


class ReasonForm(FlaskForm):
    words = StringField(_l("Reason"), filters=[strip])
    # Posted by the button pressed (reword, up, down, retire or offer), so not drawn by field().
    action = StringField()


def _reason_forms(grant_round: Round, sent: ReasonForm | None, sent_id: int | None) -> dict[int, ReasonForm]:
    forms = {}
    for reason in grant_round.decline_reasons:
        if sent is not None and reason.id == sent_id:
            forms[reason.id] = sent
        else:
            forms[reason.id] = ReasonForm(formdata=None, prefix=f"reason-{reason.id}", words=reason.words)
    return forms


def _page(
    grant_round: Round,
    new: NewReasonForm | None = None,
    sent: ReasonForm | None = None,
    sent_id: int | None = None,
    status: int = 200,
) -> tuple[str, int]:
    return (
        render_template(
            "officer/round_decline_reasons.html",
            grant_round=grant_round,
            offered=decline_reasons.offered(grant_round),
            retired=[r for r in grant_round.decline_reasons if r.retired],
            forms=_reason_forms(grant_round, sent, sent_id),
            new=new or NewReasonForm(formdata=None),
        ),
        status,
    )


@bp.route("/rounds/<int:round_id>/decline-reasons", methods=["GET", "POST"])
def round_decline_reasons(round_id: int) -> Response | tuple[str, int]:
    grant_round = get_or_404(Round, round_id)
    form = NewReasonForm()
    if not form.is_submitted():
        return _page(grant_round)
    if not form.validate():
        return _page(grant_round, new=form, status=400)
    try:
        decline_reasons.add(db.session, grant_round, by=acting_user(), words=form.words.data or "")
    except DomainError as error:
        db.session.rollback()
        refuse(form, error, at=form.words)
        return _page(get_or_404(Round, round_id), new=form, status=400)
    db.session.commit()
    flash(gettext("The reason is added."), "success")
    return redirect(url_for("officer.round_decline_reasons", round_id=round_id))


@bp.post("/rounds/<int:round_id>/decline-reasons/<int:reason_id>")
def change_decline_reason(round_id: int, reason_id: int) -> Response | tuple[str, int]:
    grant_round = get_or_404(Round, round_id)
    reason = get_or_404(DeclineReason, reason_id)
    if reason.round_id != grant_round.id:
        return _page(grant_round, status=404)
    form = ReasonForm(prefix=f"reason-{reason.id}")
    action = form.action.data or ""
    if not form.validate() or action not in ACTIONS:
        refuse(form, gettext("Choose what to do with the reason"), at=form.words)
        return _page(grant_round, sent=form, sent_id=reason.id, status=400)
    by, code = acting_user(), reason.code
    try:
        if action == "reword":
            decline_reasons.reword(db.session, grant_round, code, by=by, words=form.words.data or "")
        elif action in ("up", "down"):
            decline_reasons.move(db.session, grant_round, code, by=by, up=action == "up")
        else:
            decline_reasons.set_retired(db.session, grant_round, code, by=by, retired=action == "retire")
    except DomainError as error:
        db.session.rollback()
        refuse(form, error, at=form.words)
        return _page(get_or_404(Round, round_id), sent=form, sent_id=reason_id, status=400)
    db.session.commit()
    flash(gettext("The reasons are saved."), "success")
    return redirect(url_for("officer.round_decline_reasons", round_id=round_id))
