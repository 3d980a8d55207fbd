"""The group's side of its award's message thread with the programme team."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from portal.apply import bp
from portal.apply.awards import award_for_member
from portal.errors import DomainError
from portal.extensions import db
from portal.form_errors import refuse
from portal.forms import MessageForm
from portal.infra.database import writes_on_get
from portal.models.awards import Award
from portal.services.messages import threads


def _page(award: Award, form: MessageForm, status: int = 200) -> tuple[str, int]:
    messages = threads.thread(db.session, award)
    return render_template("apply/awards/messages.html", award=award, messages=messages, form=form), status


@bp.route("/awards/<int:award_id>/messages", methods=["GET", "POST"])
@writes_on_get
def award_messages(award_id: int) -> tuple[str, int] | Response:
    award = award_for_member(award_id)
    form = MessageForm()
    if request.method == "GET":
        threads.mark_read(db.session, award, by=current_user)
        return _page(award, MessageForm(formdata=None))
    if not form.validate():
        refuse(form, "This page had been open too long. Send the message again.")
        return _page(award, form, 400)
    try:
        threads.post(db.session, award, by=current_user, body=form.body.data or "")
    except DomainError as error:
        db.session.rollback()
        refuse(form, error)
        return _page(award, form, 400)
    flash("Your message is sent. The team has been emailed.", "success")
    return redirect(url_for("apply.award_messages", award_id=award.id))
