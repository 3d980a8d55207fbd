"""Fingerprinted static files.

``url_for('static', filename=…)`` gains ``?v=<first 12 hex digits of the
file's SHA-256>``. The hashes are worked out once, when the app is built, so
no request touches the disk for them. A static response asked for with the
current hash may be cached for a year; without it (or with an old hash) it
is cached briefly, so a new release is picked up within minutes.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from flask import Flask, request
from werkzeug.wrappers import Response

IMMUTABLE = "public, max-age=31536000, immutable"
SHORT = "public, max-age=300"


def file_hashes(folder: str | Path) -> dict[str, str]:
    """Map each file's path under ``folder`` (with forward slashes) to its short SHA-256."""
    root = Path(folder)
    hashes: dict[str, str] = {}
    if not root.is_dir():
        return hashes
    for path in sorted(root.rglob("*")):
        if path.is_file():
            digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
            hashes[path.relative_to(root).as_posix()] = digest
    return hashes


def init_app(app: Flask) -> None:
    hashes = file_hashes(app.static_folder or "")
    app.extensions["portal.asset_hashes"] = hashes

    @app.url_defaults
    def add_version(endpoint: str, values: dict[str, Any]) -> None:
        if endpoint != "static" or "v" in values:
            return
        digest = hashes.get(str(values.get("filename", "")))
        if digest:
            values["v"] = digest

    @app.after_request
    def static_cache(response: Response) -> Response:
        if request.endpoint != "static":
            return response
        filename = (request.view_args or {}).get("filename", "")
        digest = hashes.get(filename)
        if digest and request.args.get("v") == digest and response.status_code in (200, 304):
            response.headers["Cache-Control"] = IMMUTABLE
        else:
            response.headers["Cache-Control"] = SHORT
        return response
