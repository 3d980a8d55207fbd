"""Setting up the programme's neighbourhoods (postcode areas, LSOAs, retiring) and importing reference data."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from portal.access import acting_user, get_or_404
from portal.errors import DomainError, StorageUnavailable, UploadRejected
from portal.extensions import db
from portal.form_errors import refuse
from portal.forms import ButtonForm
from portal.infra.i18n import _l, gettext
from portal.models.funding import Neighbourhood
from portal.models.reference_data import REFERENCE_KIND_LABELS, ReferenceImport, ReferenceKind
from portal.officer import bp
from portal.officer.neighbourhood_forms import NeighbourhoodForm, ReferenceUploadForm
from portal.request_bodies import large_files
from portal.services.opendata import refdata
from portal.services.places import neighbourhoods as places
from portal.services.places import reference_imports
from portal.services.places.neighbourhoods import NeighbourhoodSettings
from portal.storage import get_storage

REFRESH_SECONDS = 3
STORAGE_OUTAGE = _l("The file could not be saved just now. Nothing was imported. Try again in a few minutes.")


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
            flash(gettext("%(made_name)s is set up.", made_name=made.name), "success")
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
            flash(
                gettext("%(neighbourhood_name)s is saved.", neighbourhood_name=neighbourhood.name)
                if changed
                else gettext("Nothing was changed."),
                "success",
            )
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
                message = gettext(
                    "%(neighbourhood_name)s is back in use: new rounds may fund it.",
                    neighbourhood_name=neighbourhood.name,
                )
            else:
                places.retire_neighbourhood(db.session, neighbourhood, by=acting_user())
                message = gettext(
                    "%(neighbourhood_name)s is retired. Rounds and groups that name it keep it.",
                    neighbourhood_name=neighbourhood.name,
                )
        except DomainError as error:
            refuse(form, error)
        else:
            flash(message, "success")
            return redirect(url_for("officer.neighbourhoods"))
    return render_template("officer/retire_neighbourhood.html", form=form, neighbourhood=neighbourhood)


@bp.route("/reference-data", methods=["GET", "POST"])
@large_files("REFERENCE_DATA_MAX_MB")
def reference_data() -> Response | str:
    """Upload the ONS postcode lookup or an IMD file; the worker imports it."""
    form = ReferenceUploadForm()
    if form.validate_on_submit():
        upload = form.file.data
        if upload is None or not upload.filename:
            refuse(form, gettext("Choose the CSV file to upload"), at=form.file)
        else:
            max_bytes = current_app.config["REFERENCE_DATA_MAX_MB"] * 1024 * 1024
            try:
                received = reference_imports.receive_csv(upload.stream, upload.filename, max_bytes=max_bytes)
                try:
                    job = reference_imports.start_import(
                        db.session, get_storage(), received, ReferenceKind(form.kind.data), by=acting_user()
                    )
                finally:
                    received.close()
            except StorageUnavailable:
                refuse(form, STORAGE_OUTAGE, at=form.file)
            except UploadRejected as error:
                refuse(form, error, at=form.file)
            except DomainError as error:
                refuse(form, error)
            else:
                return redirect(url_for("officer.reference_import", import_id=job.id))
    return render_template(
        "officer/reference_data.html",
        form=form,
        imports=reference_imports.recent_imports(db.session),
        reference=refdata.reference_counts(db.session),
        max_mb=current_app.config["REFERENCE_DATA_MAX_MB"],
        labels=REFERENCE_KIND_LABELS,
    )


@bp.get("/reference-data/<int:import_id>")
def reference_import(import_id: int) -> str:
    """How far an import has got; the page reloads itself until it has finished."""
    job = get_or_404(ReferenceImport, import_id)
    percent = min(100, round(100 * job.rows_done / job.rows_total)) if job.rows_total else 0
    return render_template(
        "officer/reference_import.html",
        job=job,
        label=REFERENCE_KIND_LABELS[job.kind],
        percent=percent,
        refresh_seconds=REFRESH_SECONDS,
    )
