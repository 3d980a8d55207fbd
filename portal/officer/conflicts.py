"""The programme's conflict register: every panellist's conflicts of interest, added and ended by officers."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response
from wtforms import SelectChoice, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length

from portal.access import get_or_404
from portal.errors import DomainError
from portal.extensions import db
from portal.infra.i18n import _l, gettext
from portal.models.organisations import Organisation
from portal.models.panels import ConflictDeclaration
from portal.models.users import User
from portal.officer import bp
from portal.services.panels import conflicts


class AddConflictForm(FlaskForm):
    panellist = SelectField(_l("Panel member"), validators=[DataRequired(_l("Choose the panel member"))])
    organisation = SelectField(_l("Group"), validators=[DataRequired(_l("Choose the group"))])
    reason = TextAreaField(
        _l("What the conflict of interest is"),
        validators=[DataRequired(_l("Give the reason for the conflict of interest")), Length(max=2000)],
        render_kw={"rows": 3},
    )


class EndConflictForm(FlaskForm):
    reason = TextAreaField(
        _l("Why it no longer applies"),
        validators=[DataRequired(_l("Give the reason for ending this conflict of interest")), Length(max=2000)],
        render_kw={"rows": 3},
    )


def _choices(form: AddConflictForm) -> None:
    people = conflicts.panellists(db.session)
    form.panellist.choices = [SelectChoice("", gettext("Choose a panel member"))] + [
        SelectChoice(str(u.id), f"{u.name} ({u.email})" if u.name else u.email) for u in people
    ]
    form.organisation.choices = [SelectChoice("", gettext("Choose a group"))] + [
        SelectChoice(str(o.id), o.name) for o in conflicts.groups(db.session)
    ]


@bp.route("/conflict-register", methods=["GET", "POST"])
def conflict_register() -> str | Response | tuple[str, int]:
    form = AddConflictForm()
    _choices(form)
    status = 200
    if form.validate_on_submit():
        # The choices are validated, so a missing row means it went between showing the form and sending it.
        panellist = get_or_404(User, int(form.panellist.data or 0))
        organisation = get_or_404(Organisation, int(form.organisation.data or 0))
        try:
            done = conflicts.add_entry(
                db.session,
                by=current_user,
                panellist=panellist,
                organisation=organisation,
                reason=form.reason.data or "",
            )
        except DomainError as error:
            form.panellist.errors = [error.message]
            status = 409
        else:
            who = panellist.name or panellist.email
            flash(_outcome(who, organisation.name, done), "success" if not done.stranded else "info")
            return redirect(url_for("officer.conflict_register"))
    return render_template("officer/conflict_register.html", form=form, entries=conflicts.register(db.session)), status


def _outcome(who: str, group: str, done: conflicts.Withdrawn) -> str:
    parts = [
        gettext("The conflict of interest between %(who)s and %(group)s is in the register.", who=who, group=group)
    ]
    for application, replacement in done.passed_on:
        if replacement is None:
            parts.append(
                gettext(
                    "%(reference)s was taken from them, and nobody else on its panel could take it: "
                    "assign it by hand, invite another member, or close its reviewing.",
                    reference=application.reference,
                )
            )
        else:
            taker = replacement.panellist.name or replacement.panellist.email
            parts.append(
                gettext(
                    "%(reference)s was taken from them and given to %(taker)s.",
                    reference=application.reference,
                    taker=taker,
                )
            )
    if done.reviewed:
        references = ", ".join(a.reference or str(a.id) for a in done.reviewed)
        parts.append(
            gettext(
                "They had already submitted a review of %(references)s: it stays in the results.", references=references
            )
        )
    return " ".join(parts)


@bp.route("/conflict-register/<int:entry_id>/end", methods=["GET", "POST"])
def end_conflict(entry_id: int) -> str | Response | tuple[str, int]:
    entry = get_or_404(
        ConflictDeclaration,
        entry_id,
        options=[joinedload(ConflictDeclaration.panellist), joinedload(ConflictDeclaration.organisation)],
    )
    if entry.ended_at is not None:
        abort(404)
    form = EndConflictForm()
    status = 200
    if form.validate_on_submit():
        try:
            conflicts.end_entry(db.session, entry, by=current_user, reason=form.reason.data or "")
        except DomainError as error:
            form.reason.errors = [error.message]
            status = 409
        else:
            flash(gettext("The conflict of interest is ended. The register keeps it, with your reason."), "success")
            return redirect(url_for("officer.conflict_register"))
    return render_template("officer/end_conflict.html", entry=entry, form=form), status
