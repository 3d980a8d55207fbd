"""The programme team's side of each award's message thread, and messages to every funded group."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from markupsafe import Markup
from sqlalchemy import select
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from portal import thread_pages
from portal.access import acting_user, get_or_404
from portal.errors import DomainError
from portal.extensions import db
from portal.form_errors import refuse
from portal.formatting import time_and_date
from portal.forms import MessageForm
from portal.infra import rate_limits
from portal.infra.database import writes_on_get
from portal.infra.i18n import gettext
from portal.models.awards import Award
from portal.models.funding import Round
from portal.officer import bp
from portal.officer.message_forms import BroadcastForm
from portal.services.messages import threads


def _thread_page(award: Award, form: MessageForm, status: int = 200) -> tuple[str, int]:
    messages = threads.thread(db.session, award)
    return render_template("officer/award_messages.html", award=award, messages=messages, form=form), status


@bp.route("/awards/<int:award_id>/messages", methods=["GET", "POST"])
@writes_on_get
@rate_limits.uploads  # a message may carry files
def award_messages(award_id: int) -> tuple[str, int] | Response:
    award = get_or_404(Award, award_id)
    form = MessageForm()
    if request.method == "GET":
        threads.mark_read(db.session, award, by=acting_user())
        return _thread_page(award, MessageForm(formdata=None))
    if not form.validate():
        abort(400)
    refused = thread_pages.send(award, form)
    if refused is not None:
        return _thread_page(award, form, refused)
    flash(gettext("Your message is sent. Everyone in the group has been emailed."), "success")
    return redirect(url_for("officer.award_messages", award_id=award.id))


def _recipients(emails: list[str]) -> Markup:
    listed = Markup("").join(Markup("<li>{}</li>").format(email) for email in emails)
    return Markup('<details><summary>{} people</summary><ul class="list">{}</ul></details>').format(len(emails), listed)


def _broadcasts_page(form: BroadcastForm, status: int = 200) -> tuple[str, int]:
    sent = [
        [b.subject, b.audience, _recipients(list(b.recipients)), time_and_date(b.sent_at)]
        for b in threads.recent_broadcasts(db.session)
    ]
    return render_template("officer/broadcasts.html", form=form, sent=sent), status


@bp.route("/broadcasts", methods=["GET", "POST"])
def broadcasts() -> tuple[str, int] | Response:
    rounds = list(db.session.scalars(select(Round).order_by(Round.opens_at.desc())))
    choices = [SelectChoice("all", gettext("Every funded group"))] + [
        SelectChoice(str(r.id), gettext("Funded groups of %(r_title)s", r_title=r.title)) for r in rounds
    ]
    if request.method == "GET":
        form = BroadcastForm(formdata=None, data={"token": threads.new_token(), "audience": "all"})
        form.audience.choices = choices
        return _broadcasts_page(form)
    form = BroadcastForm()
    form.audience.choices = choices
    if not form.validate():
        abort(400)
    chosen = form.audience.data or "all"
    grant_round = None if chosen == "all" else get_or_404(Round, int(chosen) if chosen.isdigit() else 0)
    try:
        sent = threads.broadcast(
            db.session,
            by=acting_user(),
            subject=form.subject.data or "",
            body=form.body.data or "",
            grant_round=grant_round,
            token=form.token.data or "",
        )
    except DomainError as error:
        db.session.rollback()
        if error.message == threads.ALREADY_SENT:
            flash(error.message, "info")
            return redirect(url_for("officer.broadcasts"))
        refuse(form, error)
        return _broadcasts_page(form, 400)
    flash(
        gettext("Sent to %(len)s people: %(lower)s.", len=len(sent.recipients), lower=sent.audience.lower()), "success"
    )
    return redirect(url_for("officer.broadcasts"))
