"""A signed-in person's own account: a copy of the data the portal holds about them.

The export only ever covers the person who is signed in: the route takes no
id, so nobody can ask for someone else's data.
"""

from __future__ import annotations

import tempfile

from flask import render_template, send_file
from flask_login import current_user
from werkzeug.wrappers import Response

from portal.access import acting_user
from portal.account import bp
from portal.extensions import db, limiter
from portal.models.base import utcnow
from portal.services.people.your_data import write_export
from portal.storage import get_storage

# A zip of every upload is heavy work: a few a day is plenty for one person.
EXPORTS_PER_PERSON = "5 per hour"


def _person_key() -> str:
    return f"user:{current_user.get_id()}"


@bp.get("/your-data")
def your_data() -> str:
    return render_template("account/your_data.html", person=acting_user())


@bp.post("/your-data")
@limiter.limit(EXPORTS_PER_PERSON, key_func=_person_key, scope="data-export")
def download_data() -> Response:
    # Spooled to a temporary file on disk, never built whole in memory;
    # send_file streams it and closes (so removes) it after the response.
    spool = tempfile.TemporaryFile()  # noqa: SIM115  (closed by the response)
    try:
        write_export(db.session, get_storage(), acting_user(), spool)
        size = spool.tell()
        spool.seek(0)
    except BaseException:
        spool.close()
        raise
    response = send_file(
        spool,
        mimetype="application/zip",
        as_attachment=True,
        download_name=f"anchor-offer-your-data-{utcnow():%Y-%m-%d}.zip",
        max_age=0,
    )
    response.content_length = size
    response.headers["Cache-Control"] = "private, no-store"
    return response
