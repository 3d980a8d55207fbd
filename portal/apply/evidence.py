"""Documents and photos: uploading from a phone (camera or files), removing, downloading."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.datastructures import FileStorage
from werkzeug.wrappers import Response

from portal.apply import bp
from portal.apply.application_forms import EvidenceUploadForm, ReuseDocumentForm
from portal.apply.loaders import application_for_member
from portal.errors import DomainError, StorageUnavailable, UploadRejected
from portal.extensions import db
from portal.form_errors import refuse
from portal.forms import ButtonForm
from portal.infra import rate_limits
from portal.infra.i18n import _l, gettext
from portal.models.applications import Application, Evidence, EvidenceKind
from portal.services.applications import earlier_documents, lifecycle
from portal.services.applications import evidence as evidence_rules
from portal.services.files.uploads import receive_upload
from portal.storage import get_storage
from portal.storage.download import download_response, thumbnail_response

OUTAGE = _l("We could not save your file just now. Your application is saved: try again in a few minutes.")
PHOTOS = "image/*,.heic,.heif"
DOCUMENTS = "image/*,application/pdf,.pdf,.heic,.heif,.doc,.docx,.odt"


def _forms(needs: list[evidence_rules.EvidenceNeed], errors: dict[str, str]) -> dict[str, EvidenceUploadForm]:
    """One upload form per document needed, the refusal (if any) at its file control."""
    forms = {}
    for need in needs:
        kind = need.kind.value
        label = (
            gettext("Add a photo")
            if need.images_only
            else (
                gettext("Add another file")
                if need.files
                else gettext("Upload your %(lower)s", lower=need.label.lower())
            )
        )
        form = EvidenceUploadForm(formdata=None, kind=kind).for_need(
            kind, label, PHOTOS if need.images_only else DOCUMENTS
        )
        if kind in errors:
            form.file.errors = [errors[kind]]
        forms[kind] = form
    return forms


def _page(application: Application, *, errors: dict[str, str] | None = None, status: int = 200) -> tuple[str, int]:
    needs = evidence_rules.evidence_needed(application)
    return (
        render_template(
            "apply/evidence.html",
            application=application,
            needs=needs,
            forms=_forms(needs, errors or {}),
            earlier=earlier_documents.earlier_documents(db.session, application, by=current_user),
            reuse_form=ReuseDocumentForm(formdata=None),
            may_edit=lifecycle.may_edit(application),
            max_mb=current_app.config["MAX_UPLOAD_MB"],
        ),
        status,
    )


@bp.route("/applications/<int:application_id>/evidence", methods=["GET", "POST"])
@rate_limits.uploads
def evidence(application_id: int) -> Response | tuple[str, int]:
    application = application_for_member(application_id)
    if request.method == "GET":
        return _page(application)
    # Problems that are not about one document are shown at the first document's upload.
    first = evidence_rules.evidence_needed(application)[0].kind.value
    form = EvidenceUploadForm()
    if not form.validate():
        return _page(application, errors={first: gettext("This page had been open too long. Try again.")}, status=400)
    try:
        kind = EvidenceKind(form.kind.data or "")
    except ValueError:
        return _page(application, errors={first: gettext("Choose which document you are adding")})
    upload = form.file.data
    if not isinstance(upload, FileStorage) or not upload.filename:
        return _page(application, errors={kind.value: gettext("Choose a file to upload")})
    max_bytes = current_app.config["MAX_UPLOAD_MB"] * 1024 * 1024
    try:
        with receive_upload(upload.stream, upload.filename, max_bytes=max_bytes) as received:
            added = evidence_rules.add_evidence(db.session, get_storage(), application, received, kind, by=current_user)
    except UploadRejected as error:
        return _page(application, errors={kind.value: error.message}, status=400)
    except StorageUnavailable:
        return _page(application, errors={kind.value: OUTAGE}, status=503)
    except DomainError as error:
        return _page(application, errors={kind.value: error.message}, status=409)
    # The cleaned name: the one sent may hide its real ending behind a right-to-left override.
    flash(gettext("%(original_filename)s is uploaded.", original_filename=added.original_filename), "success")
    return redirect(url_for("apply.evidence", application_id=application.id))


@bp.post("/applications/<int:application_id>/evidence/reuse")
@rate_limits.uploads
def reuse_evidence(application_id: int) -> Response | tuple[str, int]:
    application = application_for_member(application_id)
    form = ReuseDocumentForm()
    if not form.validate() or form.evidence_id.data is None:
        flash(gettext("Choose a document to use again."), "error")
        return redirect(url_for("apply.evidence", application_id=application.id))
    first = evidence_rules.evidence_needed(application)[0].kind.value
    try:
        added = earlier_documents.reuse_document(
            db.session, get_storage(), application, form.evidence_id.data, by=current_user
        )
    except StorageUnavailable:
        return _page(application, errors={first: OUTAGE}, status=503)
    except DomainError as error:
        return _page(application, errors={first: error.message}, status=409)
    flash(gettext("%(original_filename)s is added again.", original_filename=added.original_filename), "success")
    return redirect(url_for("apply.evidence", application_id=application.id))


def _evidence_of(application: Application, evidence_id: int) -> Evidence:
    item = evidence_rules.evidence_of(db.session, application, evidence_id)
    if item is None:
        abort(404)
    return item


@bp.route("/applications/<int:application_id>/evidence/<int:evidence_id>/remove", methods=["GET", "POST"])
def remove_evidence(application_id: int, evidence_id: int) -> str | Response | tuple[str, int]:
    application = application_for_member(application_id)
    item = _evidence_of(application, evidence_id)
    form = ButtonForm()
    if form.validate_on_submit():
        try:
            evidence_rules.remove_evidence(db.session, get_storage(), application, item, by=current_user)
        except StorageUnavailable:
            refuse(form, gettext("We could not remove the file just now. Try again in a few minutes."))
            return render_template("apply/remove_evidence.html", application=application, item=item, form=form), 503
        except DomainError as error:
            refuse(form, error.message)
            return render_template("apply/remove_evidence.html", application=application, item=item, form=form), 409
        flash(gettext("%(original_filename)s is removed.", original_filename=item.original_filename), "success")
        return redirect(url_for("apply.evidence", application_id=application.id))
    return render_template("apply/remove_evidence.html", application=application, item=item, form=form)


def _visible(evidence_id: int) -> Evidence:
    item = evidence_rules.visible_evidence(db.session, evidence_id, by=current_user)
    if item is None:
        abort(404)
    return item


@bp.get("/evidence/<int:evidence_id>")
def download_evidence(evidence_id: int) -> Response:
    item = _visible(evidence_id)
    try:
        return download_response(get_storage(), item)
    except FileNotFoundError:
        abort(404)


@bp.get("/evidence/<int:evidence_id>/thumbnail")
def evidence_thumbnail(evidence_id: int) -> Response:
    item = _visible(evidence_id)
    if not item.thumbnail_key:
        abort(404)
    return thumbnail_response(get_storage(), item.thumbnail_key)
