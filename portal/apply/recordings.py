"""Playing a spoken or filmed answer: to its group, to officers and to the panellists who may open the application.

The recording is one of the application's files, so the same rule decides who
may have it (``evidence.can_see_evidence``); anyone else, and any recording not
yet prepared, gets 404. It is served as an attachment with its own type and
byte ranges, so an <audio> or <video> element plays it and can seek.
"""

from __future__ import annotations

from flask import abort
from flask_login import current_user
from werkzeug.wrappers import Response

from portal.apply import bp
from portal.extensions import db
from portal.services.applications import evidence as evidence_rules
from portal.services.applications import spoken
from portal.storage import get_storage
from portal.storage.download import RECORDING_TYPES, media_response


@bp.get("/recordings/<int:evidence_id>")
def recording(evidence_id: int) -> Response:
    found = spoken.recording_of(db.session, evidence_id)
    if found is None:
        abort(404)
    item, job = found
    if not evidence_rules.can_see_evidence(db.session, item, by=current_user) or not job.ready:
        abort(404)
    # A name of our own: the group's file name could name the group, which blind review hides.
    name = "spoken-answer" + RECORDING_TYPES.get(item.content_type, ".bin")
    try:
        return media_response(get_storage(), item, name)
    except FileNotFoundError:
        abort(404)
