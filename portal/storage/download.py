"""The HTTP response that hands a stored file to someone allowed to have it.

Views check access first, then return ``download_response``. Files are
always served as attachments, so a browser saves them instead of rendering
them on the portal's origin (STYLE §13).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Protocol

from flask import redirect, send_file
from werkzeug.wrappers import Response

from portal.storage.base import Storage


class StoredFile(Protocol):
    """What a download needs to know about a stored file (an Evidence row, a file Resource)."""

    storage_key: str
    original_filename: str
    content_type: str
    size_bytes: int
    sha256: str


# Long enough to start the download on a slow phone connection, short
# enough that a forwarded link is soon useless.
URL_LIFETIME = timedelta(minutes=5)


def download_response(storage: Storage, evidence: StoredFile) -> Response:
    """A redirect to a presigned URL, or the file streamed by the portal."""
    url = storage.url(evidence.storage_key, evidence.original_filename, URL_LIFETIME, evidence.content_type)
    if url is not None:
        response = redirect(url)
    else:
        response = send_file(
            storage.open(evidence.storage_key),
            mimetype=evidence.content_type,
            as_attachment=True,
            download_name=evidence.original_filename,
            etag=evidence.sha256,
        )
        if response.status_code == 200:
            response.content_length = evidence.size_bytes
    # Neither the signed URL nor the file belongs in a shared cache.
    response.headers["Cache-Control"] = "private, no-store"
    return response
