"""Administrators' pages: people, their roles and whether they can sign in."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from markupsafe import Markup
from werkzeug.wrappers import Response

from portal.access import acting_user, get_or_404
from portal.admin import bp
from portal.admin.forms import AccountForm, EraseForm, FunderForm, NewPersonForm, PasswordLinkForm, RolesForm
from portal.errors import DomainError
from portal.extensions import db
from portal.form_errors import refuse
from portal.formatting import time_and_date
from portal.infra.i18n import gettext
from portal.models.funders import Funder
from portal.models.users import STAFF_ROLES, Role, User
from portal.services.outcomes import access as outcomes_access
from portal.services.people import accounts, erasure, password_links
from portal.storage import get_storage


def _role_filter(value: str | None) -> Role | None:
    try:
        return Role(value) if value else None
    except ValueError:
        return None


def _sign_in_url(role: Role) -> str:
    endpoint = "auth.staff" if role in STAFF_ROLES else "auth.start"
    base: str = current_app.config["PORTAL_BASE_URL"]
    return base + url_for(endpoint)


@bp.get("/users")
def users() -> str:
    role = _role_filter(request.args.get("role"))
    listing = accounts.list_people(db.session, role=role, args=request.args)
    rows = [
        [
            Markup('<a href="{}">{}</a>').format(
                url_for("admin.edit_user", user_id=person.id), person.name or person.email
            ),
            person.email,
            ", ".join(accounts.role_names(person.roles)) or gettext("Applicant only"),
            gettext("Yes") if person.active else gettext("No"),
            time_and_date(person.last_sign_in_at) if person.last_sign_in_at else gettext("Never"),
        ]
        for person in listing.people
    ]
    filters = [(gettext("All people"), None)] + [
        (label, role.value) for role, label in accounts.ROLE_FILTER_LABELS.items()
    ]
    role_label = accounts.ROLE_FILTER_LABELS[role] if role is not None else None
    return render_template("admin/users.html", listing=listing, rows=rows, filters=filters, role_label=role_label)


@bp.route("/users/new", methods=["GET", "POST"])
def new_user() -> Response | str:
    form = NewPersonForm()
    if form.validate_on_submit():
        role = Role(form.role.data)
        try:
            user = accounts.create_person(
                db.session,
                by=acting_user(),
                name=form.name.data,
                email=form.email.data,
                role=role,
                sign_in_url=_sign_in_url(role),
            )
        except DomainError as error:
            refuse(form, error.message, at=form.email)
        else:
            told = gettext("We have emailed them to say where to sign in")
            if role in STAFF_ROLES:
                _email_password_link(user)
                told += gettext(
                    " and sent a link to set their password, which works for %(days)s days",
                    days=password_links.LIFETIME.days,
                )
            flash(
                gettext("Account created for %(email)s. %(told)s.", email=user.name or user.email, told=told), "success"
            )
            return redirect(url_for("admin.edit_user", user_id=user.id))
    return render_template("admin/new_user.html", form=form)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def edit_user(user_id: int) -> Response | str:
    user = get_or_404(User, user_id)
    sent_roles, sent_account, sent_funder = RolesForm(), AccountForm(), FunderForm()
    action = sent_roles.pressed() or sent_account.pressed() or sent_funder.pressed()
    if action is None and sent_roles.sent_unknown():
        abort(400)
    roles_form = (
        sent_roles
        if action == "roles"
        else RolesForm(
            formdata=None,
            data={"roles": [role.value for role in Role if role in user.roles and role is not Role.FUNDER]},
        )
    )
    account_form = sent_account if action in AccountForm.ACTIONS else AccountForm(formdata=None)
    current_funder = outcomes_access.funder_of(db.session, user)
    funder_form = (
        sent_funder
        if action == "funder"
        else FunderForm(formdata=None, data={"funder": str(current_funder.id) if current_funder else ""})
    )
    no_funder = ("", gettext("None: they do not read for a funder"))
    funder_form.funder.choices = [no_funder, *outcomes_access.funder_choices(db.session)]

    if action == "roles":
        if roles_form.validate_on_submit():
            try:
                granted, revoked = accounts.set_roles(
                    db.session,
                    user,
                    # The funder role is not on this form: it stays as it is.
                    [Role(value) for value in roles_form.roles.data or []]
                    + [r for r in user.roles if r is Role.FUNDER],
                    by=acting_user(),
                )
            except DomainError as error:
                refuse(roles_form, error.message, at=roles_form.roles)
            else:
                if (granted or revoked) and user.id == acting_user().id:
                    # Changing roles ended every session of theirs, this one too.
                    flash(
                        gettext("Your roles have changed, so you have been signed out. Sign in again to carry on."),
                        "info",
                    )
                    return redirect(url_for("auth.staff", next=url_for("admin.edit_user", user_id=user.id)))
                flash(_roles_message(user, granted, revoked), "success" if granted or revoked else "info")
                return redirect(url_for("admin.edit_user", user_id=user.id))
    elif action == "funder" and funder_form.validate_on_submit():
        chosen = db.session.get(Funder, int(funder_form.funder.data)) if funder_form.funder.data else None
        try:
            if chosen is None:
                changed = outcomes_access.unlink_funder_person(db.session, user, by=acting_user())
                message = gettext("%(email)s no longer reads outcomes for a funder.", email=user.name or user.email)
            else:
                outcomes_access.link_funder_person(db.session, user, chosen, by=acting_user())
                changed = True
                message = gettext(
                    "%(email)s reads outcomes for %(chosen_name)s, and signs in again to see them.",
                    email=user.name or user.email,
                    chosen_name=chosen.name,
                )
        except DomainError as error:
            refuse(funder_form, error.message, at=funder_form.funder)
        else:
            flash(message if changed else gettext("Nothing changed."), "success" if changed else "info")
            return redirect(url_for("admin.edit_user", user_id=user.id))
    elif action in AccountForm.ACTIONS and account_form.validate_on_submit():
        try:
            if action == "deactivate":
                accounts.deactivate(db.session, user, by=acting_user())
                message = gettext(
                    "%(email)s is deactivated and has been signed out everywhere.", email=user.name or user.email
                )
            else:
                accounts.reactivate(db.session, user, by=acting_user())
                message = gettext("%(email)s can sign in again.", email=user.name or user.email)
        except DomainError as error:
            refuse(account_form, error.message)
        else:
            flash(message, "success")
            return redirect(url_for("admin.edit_user", user_id=user.id))

    return render_template(
        "admin/edit_user.html",
        person=user,
        roles_form=roles_form,
        account_form=account_form,
        funder_form=funder_form,
        role_names=accounts.role_names(user.roles),
        needs_password=accounts.needs_password(user),
        password_command=_password_command(user),
        password_link_form=PasswordLinkForm(formdata=None),
        is_self=user.id == acting_user().id,
    )


def _email_password_link(user: User) -> None:
    token = password_links.make_token(user, secret_key=current_app.config["SECRET_KEY"])
    link = current_app.config["PORTAL_BASE_URL"] + url_for("auth.set_password", token=token)
    password_links.send_link(db.session, user, by=acting_user(), link=link)


@bp.post("/users/<int:user_id>/password-link")
def send_password_link(user_id: int) -> Response:
    """Email a staff member a link to set their own password."""
    user = get_or_404(User, user_id)
    form = PasswordLinkForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        _email_password_link(user)
    except DomainError as error:
        flash(error.message, "error")
    else:
        days = password_links.LIFETIME.days
        flash(
            gettext(
                "We have emailed %(email)s a link to set their password. It works once, for %(days)s days.",
                email=user.email,
                days=days,
            ),
            "success",
        )
    return redirect(url_for("admin.edit_user", user_id=user.id))


def _roles_message(user: User, granted: set[Role], revoked: set[Role]) -> str:
    who = user.name or user.email
    if not granted and not revoked:
        return gettext("No changes: %(who)s already had those roles.", who=who)
    roles = accounts.role_names(user.roles)
    saved = (
        gettext("Roles saved. %(who)s is now: %(join)s.", who=who, join=", ".join(roles))
        if roles
        else gettext("Roles saved. %(who)s has no roles now.", who=who)
    )
    return gettext(
        "%(saved)s They have been signed out everywhere, so they sign in again with these roles.", saved=saved
    )


def _password_command(user: User) -> str:
    # create-admin, create-officer or create-finance: each sets the password (and grants its role).
    kind = next((role.value for role in (Role.ADMIN, Role.OFFICER, Role.FINANCE) if user.has_role(role)), "officer")
    return gettext("flask --app portal users create-%(kind)s %(email)s", kind=kind, email=user.email)


@bp.route("/users/<int:user_id>/erase", methods=["GET", "POST"])
def erase_user(user_id: int) -> Response | str:
    user = get_or_404(User, user_id)
    form = EraseForm()
    is_self = user.id == acting_user().id
    if not is_self and user.erased_at is None and form.validate_on_submit():
        try:
            erasure.erase_person(db.session, get_storage(), user, by=acting_user())
        except DomainError as error:
            refuse(form, error.message)
        else:
            flash(
                gettext("The person's personal details have been erased. Their grants and payments are kept."),
                "success",
            )
            return redirect(url_for("admin.edit_user", user_id=user_id))
    return render_template("admin/erase_user.html", person=user, form=form, is_self=is_self)
