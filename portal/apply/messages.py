"""The group's side of its award's message thread with the programme team."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from portal import thread_pages
from portal.apply import bp
from portal.apply.loaders import award_for_member
from portal.extensions import db
from portal.form_errors import refuse
from portal.forms import MessageForm
from portal.infra import rate_limits
from portal.infra.database import writes_on_get
from portal.infra.i18n import gettext
from portal.models.awards import Award
from portal.services.messages import threads


def _page(award: Award, form: MessageForm, status: int = 200) -> tuple[str, int]:
    messages = threads.thread(db.session, award)
    return render_template("apply/awards/messages.html", award=award, messages=messages, form=form), status


@bp.route("/awards/<int:award_id>/messages", methods=["GET", "POST"])
@writes_on_get
@rate_limits.uploads  # a message may carry files
def award_messages(award_id: int) -> tuple[str, int] | Response:
    award = award_for_member(award_id)
    form = MessageForm()
    if request.method == "GET":
        threads.mark_read(db.session, award, by=current_user)
        return _page(award, MessageForm(formdata=None))
    if not form.validate():
        refuse(form, gettext("This page had been open too long. Send the message again."))
        return _page(award, form, 400)
    refused = thread_pages.send(award, form)
    if refused is not None:
        return _page(award, form, refused)
    flash(gettext("Your message is sent. The team has been emailed."), "success")
    return redirect(url_for("apply.award_messages", award_id=award.id))
