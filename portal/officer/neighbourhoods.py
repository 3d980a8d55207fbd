"""Setting up the programme's neighbourhoods: their postcode areas, LSOAs and retiring them."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from portal.access import acting_user, get_or_404
from portal.errors import DomainError
from portal.extensions import db
from portal.form_errors import refuse
from portal.forms import ButtonForm
from portal.models.funding import Neighbourhood
from portal.officer import bp
from portal.officer.neighbourhood_forms import NeighbourhoodForm
from portal.services.opendata import refdata
from portal.services.places import neighbourhoods as places
from portal.services.places.neighbourhoods import NeighbourhoodSettings


def _settings(form: NeighbourhoodForm) -> NeighbourhoodSettings:
    return NeighbourhoodSettings(
        name=form.name.data or "",
        description=form.description.data or "",
        areas=form.areas.data or "",
        lsoas=form.lsoas.data or "",
    )


@bp.get("/neighbourhoods")
def neighbourhoods() -> str:
    return render_template(
        "officer/neighbourhoods.html",
        neighbourhoods=places.neighbourhoods(db.session),
        reference=refdata.reference_counts(db.session),
    )


@bp.route("/neighbourhoods/new", methods=["GET", "POST"])
def new_neighbourhood() -> Response | str:
    form = NeighbourhoodForm()
    if form.validate_on_submit():
        try:
            made = places.create_neighbourhood(db.session, _settings(form), by=acting_user())
        except DomainError as error:
            refuse(form, error)
        else:
            flash(f"{made.name} is set up.", "success")
            return redirect(url_for("officer.neighbourhoods"))
    return render_template("officer/neighbourhood_form.html", form=form, neighbourhood=None)


@bp.route("/neighbourhoods/<int:neighbourhood_id>/edit", methods=["GET", "POST"])
def edit_neighbourhood(neighbourhood_id: int) -> Response | str:
    neighbourhood = get_or_404(Neighbourhood, neighbourhood_id)
    saved = places.settings_of(neighbourhood)
    form = NeighbourhoodForm(
        data={"name": saved.name, "description": saved.description, "areas": saved.areas, "lsoas": saved.lsoas}
    )
    if form.validate_on_submit():
        try:
            changed = places.change_neighbourhood(db.session, neighbourhood, _settings(form), by=acting_user())
        except DomainError as error:
            refuse(form, error)
        else:
            flash(f"{neighbourhood.name} is saved." if changed else "Nothing was changed.", "success")
            return redirect(url_for("officer.neighbourhoods"))
    return render_template("officer/neighbourhood_form.html", form=form, neighbourhood=neighbourhood)


@bp.route("/neighbourhoods/<int:neighbourhood_id>/retire", methods=["GET", "POST"])
def retire_neighbourhood(neighbourhood_id: int) -> Response | str:
    """Retire a neighbourhood in use, or reinstate a retired one, after a confirmation page."""
    neighbourhood = get_or_404(Neighbourhood, neighbourhood_id)
    form = ButtonForm()
    if form.validate_on_submit():
        try:
            if neighbourhood.retired:
                places.reinstate_neighbourhood(db.session, neighbourhood, by=acting_user())
                message = f"{neighbourhood.name} is back in use: new rounds may fund it."
            else:
                places.retire_neighbourhood(db.session, neighbourhood, by=acting_user())
                message = f"{neighbourhood.name} is retired. Rounds and groups that name it keep it."
        except DomainError as error:
            refuse(form, error)
        else:
            flash(message, "success")
            return redirect(url_for("officer.neighbourhoods"))
    return render_template("officer/retire_neighbourhood.html", form=form, neighbourhood=neighbourhood)
