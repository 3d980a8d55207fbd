"""Helping a group apply (community connectors and officers), and the group confirming what its helper
filled in: by the emailed link or by typing the emailed code."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from werkzeug.wrappers import Response

from portal.apply import bp
from portal.apply.helping_forms import (
    NEW_GROUP,
    AskToConfirmForm,
    ConfirmAndSendForm,
    ConfirmationCodeForm,
    SearchForm,
    StartForOthersForm,
)
from portal.apply.loaders import application_for_member
from portal.apply.submission import answer_rows
from portal.errors import DomainError
from portal.extensions import db
from portal.form_errors import refuse
from portal.infra import rate_limits
from portal.models.applications import Application, GroupConfirmation
from portal.models.organisations import OrganisationKind
from portal.models.users import Role
from portal.services.applications import helpers
from portal.services.rounds.listing import open_rounds


def _helper_only() -> None:
    # The page is for connectors and officers; anyone else signed in is refused like a wrong role.
    if not helpers.may_help(current_user):
        abort(403)


@bp.route("/help-a-group", methods=["GET", "POST"])
def help_groups() -> str | Response | tuple[str, int]:
    _helper_only()
    search = SearchForm(request.args)
    rounds = open_rounds(db.session)
    groups = helpers.groups_to_choose(db.session, current_user, search.q.data or "")
    form = StartForOthersForm()
    form.round_id.choices = [(r.id, r.title) for r in rounds]
    form.group.choices = [(str(g.id), g.name) for g in groups] + [(NEW_GROUP, gettext("A new group"))]
    if form.validate_on_submit():
        grant_round = next(r for r in rounds if r.id == form.round_id.data)
        try:
            if form.group.data == NEW_GROUP:
                new_group = helpers.NewGroup(
                    name=form.name.data or "",
                    kind=OrganisationKind(form.kind.data),
                    contact_name=form.contact_name.data or "",
                    contact_email=form.contact_email.data or "",
                )
                application = helpers.start_on_behalf(db.session, grant_round, by=current_user, new_group=new_group)
            else:
                organisation = next(g for g in groups if str(g.id) == form.group.data)
                application = helpers.start_on_behalf(
                    db.session, grant_round, by=current_user, organisation=organisation
                )
        except DomainError as error:
            db.session.rollback()
            refuse(form, error.message)
            return _help_page(form, search), 409
        db.session.commit()
        return redirect(url_for("apply.task_list", application_id=application.id))
    return _help_page(form, search)


def _help_page(form: StartForOthersForm, search: SearchForm) -> str:
    return render_template(
        "apply/helping/index.html",
        form=form,
        search=search,
        applications=helpers.helped_applications(db.session, current_user),
        searchable=current_user.has_role(Role.OFFICER),
        ask_form=AskToConfirmForm(),
    )


@bp.post("/applications/<int:application_id>/ask-group-to-confirm")
def ask_group_to_confirm(application_id: int) -> Response | tuple[str, int]:
    application = application_for_member(application_id)
    if not helpers.is_helper(current_user, application):
        abort(404)
    form = AskToConfirmForm()
    if form.validate_on_submit():
        try:
            helpers.ask_group_to_confirm(db.session, application, by=current_user)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
            return redirect(url_for("apply.task_list", application_id=application_id))
        db.session.commit()
        flash(
            gettext(
                "We have emailed %(group)s a link and a code to check and send it.", group=application.organisation.name
            ),
            "success",
        )
    return redirect(url_for("apply.task_list", application_id=application_id))


@bp.route("/confirm-application/<token>", methods=["GET", "POST"])
def confirm_link(token: str) -> str | Response | tuple[str, int]:
    try:
        confirmation = helpers.confirmation_for_token(db.session, token, by=current_user)
    except helpers.NotTheGroups:
        abort(404)
    except DomainError as error:
        return render_template("apply/helping/not_working.html", message=error.message), 410
    return _confirm(confirmation, ConfirmAndSendForm())


@bp.route("/confirmation-code", methods=["GET", "POST"])
@rate_limits.confirmation_codes
def confirm_code() -> str | Response | tuple[str, int]:
    form = ConfirmationCodeForm()
    if form.validate_on_submit():
        try:
            confirmation = helpers.confirmation_for_code(db.session, form.code.data or "", by=current_user)
        except DomainError as error:
            refuse(form, error.message)
            return render_template("apply/helping/code.html", form=form), 409
        # The code goes with the confirmation page's form, so sending asks for it again.
        send_form = ConfirmAndSendForm(formdata=None, code=form.code.data)
        if request.form.get("send"):
            send_form = ConfirmAndSendForm()
            return _confirm(confirmation, send_form)
        return _confirm_page(confirmation, send_form, action=url_for("apply.confirm_code"))
    return render_template("apply/helping/code.html", form=form)


def _confirm(confirmation: GroupConfirmation, form: ConfirmAndSendForm) -> str | Response | tuple[str, int]:
    if request.method == "POST" and form.validate_on_submit() and request.form.get("send"):
        try:
            application = helpers.confirm_and_send(db.session, confirmation, by=current_user)
        except DomainError as error:
            db.session.rollback()
            refuse(form, error.message)
            return _confirm_page(confirmation, form, action=request.path), 409
        db.session.commit()
        return redirect(url_for("apply.submitted", application_id=application.id))
    return _confirm_page(confirmation, form, action=request.path)


def _confirm_page(confirmation: GroupConfirmation, form: ConfirmAndSendForm, *, action: str) -> str:
    application = db.session.get_one(Application, confirmation.application_id)
    return render_template(
        "apply/helping/confirm.html",
        application=application,
        helper=application.helped_by,
        groups=answer_rows(application),
        form=form,
        action=action,
    )
