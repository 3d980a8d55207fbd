"""The public open data: the 360Giving file of the awards officers chose to publish, at a stable address."""

from __future__ import annotations

from flask import Response as FlaskResponse
from flask import render_template, request
from werkzeug.wrappers import Response

from portal.errors import DomainError
from portal.extensions import db
from portal.infra import rate_limits
from portal.main import bp
from portal.officer.downloads import streamed
from portal.services.opendata import threesixty
from portal.services.programme import settings as programme


@bp.get("/open-data")
def open_data() -> str:
    session = db.session
    try:
        threesixty.check_publishable(session)
    except DomainError:
        ready = False
    else:
        ready = True
    return render_template(
        "main/open_data.html",
        ready=ready,
        grants=session.scalar(threesixty.count_published()) or 0,
        licence=programme.current(session).open_data_licence,
    )


def _file(kind: str) -> FlaskResponse | Response | tuple[str, int]:
    session = db.session
    try:
        threesixty.check_publishable(session)
    except DomainError:
        # The reason names the programme's own set-up: the public is told only that it is not ready.
        return render_template("main/open_data_unavailable.html"), 503
    version = threesixty.public_version(session)
    if request.if_none_match.contains_weak(version):
        not_modified = FlaskResponse(status=304)
        not_modified.set_etag(version, weak=True)
        return not_modified
    publisher = threesixty.publisher(session)
    if kind == "json":
        response = streamed(lambda s: threesixty.json_package(s, publisher), "360giving.json", "application/json")
    else:
        response = streamed(lambda s: threesixty.flat_csv(s, publisher), "360giving.csv", "text/csv")
    response.set_etag(version, weak=True)
    # Anyone may keep a copy, but must ask whether it is still current before using it.
    response.headers["Cache-Control"] = "public, no-cache"
    return response


@bp.get("/open-data/360giving.json")
@rate_limits.exports
def open_data_json() -> FlaskResponse | Response | tuple[str, int]:
    return _file("json")


@bp.get("/open-data/360giving.csv")
@rate_limits.exports
def open_data_csv() -> FlaskResponse | Response | tuple[str, int]:
    return _file("csv")
