"""Sending a message from an award's thread page: the one way the group's page and the officer's page
take the text and files, so a refused file or a storage outage reads the same and loses nothing."""

from __future__ import annotations

from flask import current_app, request
from flask_login import current_user

from portal.errors import DomainError, StorageUnavailable, UploadRejected
from portal.extensions import db
from portal.form_errors import refuse
from portal.forms import MessageForm
from portal.infra.i18n import _l
from portal.models.awards import Award
from portal.services.files.uploads import ReceivedFile, receive_upload
from portal.services.messages import threads
from portal.storage import get_storage

STORAGE_DOWN = _l(
    "We could not save your files just now, so the message has not been sent. Try again in a few "
    "minutes: your message is still here."
)


def send(award: Award, form: MessageForm) -> int | None:
    """Post the form's message and files; None when sent, else the status to show the form again with."""
    received: list[ReceivedFile] = []
    uploads = [upload for upload in request.files.getlist(form.files.name) if upload and upload.filename]
    max_bytes = current_app.config["MAX_UPLOAD_MB"] * 1024 * 1024
    try:
        for upload in uploads:
            received.append(receive_upload(upload.stream, upload.filename or "", max_bytes=max_bytes))
        threads.post(
            db.session, award, by=current_user, body=form.body.data or "", storage=get_storage(), files=received
        )
    except UploadRejected as error:
        db.session.rollback()
        form.files.errors = [error.message]
        return 400
    except StorageUnavailable:
        db.session.rollback()
        refuse(form, STORAGE_DOWN, at=form.files)
        return 503
    except DomainError as error:
        db.session.rollback()
        refuse(form, error)
        return 400
    finally:
        for item in received:
            item.close()
    return None
