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
from collections.abc import Iterator
from datetime import timedelta
from typing import BinaryIO, Protocol

from flask import abort, redirect, request, send_file
from werkzeug.wrappers import Response

from portal.storage.base import Storage
from portal.storage.sniff import EXTENSIONS

# Whatever the database says, a type not in this list is served as bytes to save.
UNKNOWN_TYPE = ("application/octet-stream", ".bin")
# Converted spoken or filmed answers (portal/services/files/media.py): the portal made these itself.
RECORDING_TYPES = {"audio/mp4": ".m4a", "video/mp4": ".mp4"}
SERVED_TYPES = {**EXTENSIONS, **RECORDING_TYPES}
CHUNK_SIZE = 64 * 1024
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
    extension = SERVED_TYPES.get(content_type or "", UNKNOWN_TYPE[1])
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
    content_type = evidence.content_type if evidence.content_type in SERVED_TYPES else UNKNOWN_TYPE[0]
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


def _skip(stream: BinaryIO, count: int) -> None:
    """Move ``count`` bytes into the stream: by seeking where it can, else by reading past them."""
    if count and stream.seekable():
        stream.seek(count)
        return
    while count > 0:
        chunk = stream.read(min(CHUNK_SIZE, count))
        if not chunk:
            return
        count -= len(chunk)


def _body(stream: BinaryIO, length: int) -> Iterator[bytes]:
    try:
        while length > 0:
            chunk = stream.read(min(CHUNK_SIZE, length))
            if not chunk:
                return
            length -= len(chunk)
            yield chunk
    finally:
        stream.close()


def media_response(storage: Storage, media: StoredFile, download_name: str) -> Response:
    """A converted recording for an <audio> or <video> element: its own type, as an attachment (which the
    element still plays), and the part asked for when the player asks for a byte range (it does, to seek).
    FileNotFoundError when the stored file is gone."""
    content_type = media.content_type if media.content_type in RECORDING_TYPES else UNKNOWN_TYPE[0]
    size = media.size_bytes
    stream = storage.open(media.storage_key)
    start, stop, status = 0, size, 200
    asked = request.range
    if asked is not None and asked.units == "bytes":
        bounds = asked.range_for_length(size)
        if bounds is None or len(asked.ranges) != 1:
            stream.close()
            response = Response(status=416)
            response.headers["Content-Range"] = f"bytes */{size}"
            return response
        start, stop = bounds
        status = 206
    _skip(stream, start)
    response = Response(_body(stream, stop - start), status=status, mimetype=content_type, direct_passthrough=True)
    response.content_length = stop - start
    if status == 206:
        response.headers["Content-Range"] = f"bytes {start}-{stop - 1}/{size}"
    response.headers["Accept-Ranges"] = "bytes"
    response.headers["Content-Disposition"] = attachment_header(download_name)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    response.set_etag(media.sha256)
    return response


def attachment_header(filename: str) -> str:
    """``attachment`` with the name for old and new browsers (the name is ASCII here: built by the portal)."""
    return f'attachment; filename="{filename}"'
