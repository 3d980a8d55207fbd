"""A group's profile and members: one short page per part, each saving on its own."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from portal.access import get_or_404, require_member
from portal.apply import bp
from portal.apply.group_forms import (
    AddressForm,
    ConfirmForm,
    ContactForm,
    DetailsForm,
    IncomeForm,
    InviteForm,
    MoneyForm,
    NewGroupForm,
)
from portal.eligibility import checker
from portal.errors import DomainError
from portal.extensions import db
from portal.form_errors import refuse
from portal.infra.i18n import _l, gettext
from portal.models.organisations import Organisation, OrganisationKind
from portal.models.users import User
from portal.services.applications import helpers, organisations, prefill
from portal.services.rounds import listing

# Page part -> (form, heading)
PARTS: dict[str, tuple[type[Any], str]] = {
    "details": (DetailsForm, _l("Your group's details")),
    "address": (AddressForm, _l("Your group's address")),
    "income": (IncomeForm, _l("Your group's yearly income")),
    "contact": (ContactForm, _l("Who we should contact")),
    "money": (MoneyForm, _l("Who will look after the money")),
}
PART_SLUGS = "any(" + ", ".join(f"'{part}'" for part in PARTS) + ")"


def group_for_member(organisation_id: int) -> Organisation:
    organisation = get_or_404(Organisation, organisation_id)
    require_member(db.session, current_user, organisation.id)
    return organisation


def group_for_filler(organisation_id: int) -> Organisation:
    """The group, for its profile pages: its members, or whoever helps it with a draft (else 404)."""
    organisation = get_or_404(Organisation, organisation_id)
    if not helpers.may_fill_profile(db.session, current_user, organisation.id):
        abort(404)
    return organisation


def _round_slug() -> str | None:
    """A round to go on to after making the group: only a real round's slug, never a free URL."""
    slug = request.args.get("round", "")
    return slug if slug and listing.round_by_slug(db.session, slug) is not None else None


@bp.route("/groups/new", methods=["GET", "POST"])
def new_group() -> str | Response:
    slug = _round_slug()
    told = prefill.told_in_checker(checker.answers_given(), slug)
    form = NewGroupForm() if request.method == "POST" or not told.kind else NewGroupForm(data={"kind": told.kind})
    if form.validate_on_submit():
        organisation = organisations.create_group(
            db.session, by=current_user, name=form.name.data, kind=OrganisationKind(form.kind.data)
        )
        flash(
            gettext(
                "%(organisation_name)s is added. Now fill in the rest of its details.",
                organisation_name=organisation.name,
            ),
            "success",
        )
        return redirect(url_for("apply.group", organisation_id=organisation.id, round=slug))
    return render_template(
        "apply/groups/new.html", form=form, round_slug=slug, prefilled=request.method == "GET" and bool(told.kind)
    )


@bp.get("/groups/<int:organisation_id>")
def group(organisation_id: int) -> str:
    organisation = group_for_filler(organisation_id)
    return render_template(
        "apply/groups/group.html",
        organisation=organisation,
        gaps=organisations.missing_profile_details(organisation),
        members=organisations.members_of(db.session, organisation),
        money_holders=organisations.money_holder_names(organisation),
        round_slug=_round_slug(),
    )


def _initial(organisation: Organisation, part: str) -> dict[str, Any]:
    if part == "details":
        return {
            "name": organisation.name,
            "kind": organisation.kind.value,
            "charity_number": organisation.charity_number,
            "company_number": organisation.company_number,
        }
    if part == "income":
        return {"income_band": organisation.income_band.value if organisation.income_band else None}
    if part == "money":
        holders = [*organisations.money_holder_names(organisation), "", ""]
        return {
            "first_person": holders[0],
            "second_person": holders[1],
            "not_related": bool(holders[0]),
            "partner_organisation": organisation.partner_organisation,
        }
    return {field: getattr(organisation, field) for field in PARTS[part][0]().data if field != "csrf_token"}


@bp.route(f"/groups/<int:organisation_id>/<{PART_SLUGS}:part>", methods=["GET", "POST"])
def edit_group(organisation_id: int, part: str) -> str | Response | tuple[str, int]:
    organisation = group_for_filler(organisation_id)
    form_class, heading = PARTS[part]
    prefilled = False
    if request.method == "POST":
        form = form_class()
    else:
        told = prefill.told_in_checker(checker.answers_given(), _round_slug())
        initial, prefilled = prefill.fill_gaps(organisation, part, _initial(organisation, part), told)
        form = form_class(data=initial)
    if form.validate_on_submit():
        try:
            organisations.update_group(db.session, organisation, by=current_user, **form.changes())
        except DomainError as error:
            refuse(form, error.message)
            return render_template(
                "apply/groups/edit.html", organisation=organisation, form=form, part=part, heading=heading
            ), 409
        flash(gettext("Your group's details are saved."), "success")
        return redirect(url_for("apply.group", organisation_id=organisation.id, round=_round_slug()))
    status = 200
    return render_template(
        "apply/groups/edit.html",
        organisation=organisation,
        form=form,
        part=part,
        heading=heading,
        round_slug=_round_slug(),
        prefilled=prefilled,
    ), status


@bp.route("/groups/<int:organisation_id>/members", methods=["GET", "POST"])
def group_members(organisation_id: int) -> str | Response | tuple[str, int]:
    organisation = group_for_member(organisation_id)
    form = InviteForm()
    if form.validate_on_submit():
        try:
            organisations.add_member(
                db.session, organisation, by=current_user, email=form.email.data, name=form.name.data
            )
        except DomainError as error:
            refuse(form, error.message, at=form.email)
        else:
            flash(
                gettext(
                    "%(data)s is added to %(organisation_name)s. We have emailed them how to sign in.",
                    data=form.name.data,
                    organisation_name=organisation.name,
                ),
                "success",
            )
            return redirect(url_for("apply.group_members", organisation_id=organisation.id))
    page = render_template(
        "apply/groups/members.html",
        organisation=organisation,
        form=form,
        members=organisations.members_of(db.session, organisation),
    )
    return page


@bp.route("/groups/<int:organisation_id>/members/<int:user_id>/remove", methods=["GET", "POST"])
def remove_member(organisation_id: int, user_id: int) -> str | Response | tuple[str, int]:
    organisation = group_for_member(organisation_id)
    member = get_or_404(User, user_id)
    if not organisations.is_member(db.session, member, organisation.id):
        abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            organisations.remove_member(db.session, organisation, member, by=current_user)
        except DomainError as error:
            refuse(form, error.message)
            return render_template(
                "apply/groups/remove_member.html", organisation=organisation, member=member, form=form
            ), 409
        if member.id == current_user.id:
            flash(
                gettext("You are no longer a member of %(organisation_name)s.", organisation_name=organisation.name),
                "success",
            )
            return redirect(url_for("apply.dashboard"))
        flash(
            gettext(
                "%(email)s is no longer a member of %(organisation_name)s.",
                email=member.name or member.email,
                organisation_name=organisation.name,
            ),
            "success",
        )
        return redirect(url_for("apply.group_members", organisation_id=organisation.id))
    return render_template("apply/groups/remove_member.html", organisation=organisation, member=member, form=form)
