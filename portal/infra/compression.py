"""Gzip for text responses, so a page reaches a phone on a weak signal in one round trip.

Pages, CSS, JavaScript, SVG and JSON are compressed when the browser says it
accepts gzip and the body is big enough to gain from it. Streamed responses
(CSV exports, file downloads) pass through untouched; static files are read
whole first, which is fine because they are a few kilobytes each. A
compressed static file gets a weak ETag, so revalidation still matches.
"""

from __future__ import annotations

import gzip

from flask import Flask, request
from werkzeug.wrappers import Response

COMPRESSIBLE = frozenset(
    {"text/html", "text/css", "text/plain", "application/javascript", "text/javascript", "image/svg+xml"}
    | {"application/json", "application/manifest+json"}
)
MINIMUM_BYTES = 500
LEVEL = 6


def accepts_gzip(header: str) -> bool:
    for part in header.split(","):
        name, _, params = part.strip().partition(";")
        if name.strip().lower() in {"gzip", "*"}:
            return params.replace(" ", "").lower() not in {"q=0", "q=0.0", "q=0.00", "q=0.000"}
    return False


def compress(response: Response) -> Response:
    """Gzip ``response`` in place when it is a whole text body worth compressing."""
    response.vary.add("Accept-Encoding")
    if (
        response.status_code != 200
        or response.mimetype not in COMPRESSIBLE
        or "Content-Encoding" in response.headers
        or not accepts_gzip(request.headers.get("Accept-Encoding", ""))
    ):
        return response
    if response.direct_passthrough:
        if request.endpoint != "static":
            return response
        response.direct_passthrough = False  # a static file: read it whole
    elif response.is_streamed:
        return response
    source = response.response
    body = response.get_data()
    if hasattr(source, "close"):
        source.close()  # a static file's handle: set_data below drops the iterator without closing it
    if len(body) < MINIMUM_BYTES:
        return response
    response.set_data(gzip.compress(body, compresslevel=LEVEL, mtime=0))
    response.headers["Content-Encoding"] = "gzip"
    etag, weak = response.get_etag()
    if etag and not weak:
        response.set_etag(etag, weak=True)
    return response


def init_app(app: Flask) -> None:
    # Registered first, so it runs after every other after_request hook on the final body.
    app.after_request(compress)
