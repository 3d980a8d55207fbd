"""The HTTP response that hands a stored file to someone allowed to have it.

Views check access first, then return ``download_response``. Files are
always served as attachments, so a browser saves them instead of rendering
them on the portal's origin (STYLE §13), and always under a name whose
extension matches the type their content was found to be: a PDF uploaded as
``statement.bat`` is saved as ``statement.pdf``, so opening the download
opens a PDF reader, never a program. The uploader's name is only shown.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import timedelta
from typing import Protocol

from flask import abort, redirect, send_file
from werkzeug.wrappers import Response

from portal.storage.base import Storage
from portal.storage.sniff import EXTENSIONS

# Whatever the database says, a type not in this list is served as bytes to save.
UNKNOWN_TYPE = ("application/octet-stream", ".bin")
MAX_STEM_LENGTH = 150
# Characters Windows refuses in names; the others are safe on every system.
RESERVED = re.compile(r'[<>:"/\\|?*]')


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


def visible(text: str) -> str:
    """``text`` without control, format or unassigned characters (Unicode category C).

    Format characters include the bidirectional overrides and isolates that make
    ``photo\u202egpj.exe`` look like ``photoexe.jpg``.
    """
    return "".join(ch for ch in text if not unicodedata.category(ch).startswith("C"))


def download_filename(original: str | None, content_type: str | None) -> str:
    """The name a stored file is saved under: the uploader's name without its
    extension, cleaned, plus the extension of the type its content was detected as."""
    extension = EXTENSIONS.get(content_type or "", UNKNOWN_TYPE[1])
    name = visible(unicodedata.normalize("NFC", original or ""))
    name = re.split(r"[/\\]", name)[-1]
    stem, dot, _ = name.rpartition(".")
    stem = stem if dot else name
    stem = " ".join(RESERVED.sub("_", stem).split())[:MAX_STEM_LENGTH].strip(" .")
    if stem.lower().endswith(extension):
        stem = stem[: -len(extension)].rstrip(" .")  # "invoice.pdf.exe" becomes "invoice.pdf", not "invoice.pdf.pdf"
    return f"{stem or 'download'}{extension}"


def download_response(storage: Storage, evidence: StoredFile) -> Response:
    """A redirect to a presigned URL, or the file streamed by the portal."""
    content_type = evidence.content_type if evidence.content_type in EXTENSIONS else UNKNOWN_TYPE[0]
    filename = download_filename(evidence.original_filename, evidence.content_type)
    url = storage.url(evidence.storage_key, filename, URL_LIFETIME, content_type)
    if url is not None:
        response = redirect(url)
    else:
        response = send_file(
            storage.open(evidence.storage_key),
            mimetype=content_type,
            as_attachment=True,
            download_name=filename,
            etag=evidence.sha256,
        )
        if response.status_code == 200:
            response.content_length = evidence.size_bytes
    # Neither the signed URL nor the file belongs in a shared cache.
    response.headers["Cache-Control"] = "private, no-store"
    return response


def thumbnail_response(storage: Storage, key: str) -> Response:
    """A photo's preview: our own re-encoded JPEG, so it may be shown inline (404 when it is gone)."""
    try:
        stream = storage.open(key)
    except FileNotFoundError:
        abort(404)
    response = send_file(stream, mimetype="image/jpeg", max_age=0)
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response
