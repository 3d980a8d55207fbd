"""Receiving uploaded evidence and keeping it (DESIGN §6).

An upload is copied in chunks to a spooled temporary file (memory up to
1 MiB, disk beyond), hashed and measured on the way, checked by content,
then stored under a random key before its Evidence row is written. A failure
at any step leaves neither a row without a file nor a file without a row.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
import tempfile
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from types import TracebackType
from typing import IO, BinaryIO

from sqlalchemy.orm import Session

from portal.errors import StorageUnavailable, UploadRejected
from portal.infra.i18n import gettext
from portal.models.applications import Evidence, EvidenceKind
from portal.models.audit import AuditAction
from portal.models.base import utcnow
from portal.models.users import User
from portal.services import audit
from portal.storage.base import Storage
from portal.storage.download import visible
from portal.storage.sniff import sniff

log = logging.getLogger(__name__)

CHUNK_SIZE = 64 * 1024
SPOOL_MAX_BYTES = 1024 * 1024
MAX_FILENAME_LENGTH = 200
MIB = 1024 * 1024


@dataclass
class ReceivedFile:
    """An upload that passed the checks, waiting in a temporary file.

    Close it when done (or use it in a ``with`` block); the temporary file
    then disappears.
    """

    file: BinaryIO = field(repr=False)
    filename: str
    content_type: str
    extension: str
    size: int
    sha256: str

    def close(self) -> None:
        self.file.close()

    def __enter__(self) -> ReceivedFile:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()


def receive_upload(stream: IO[bytes], filename: str, *, max_bytes: int) -> ReceivedFile:
    """Copy ``stream`` to a temporary file and check it; raise UploadRejected
    if it is empty, larger than ``max_bytes`` or not an accepted type."""
    # Not a with-block: on success the file lives on in the ReceivedFile. The
    # spooled file is typed apart from BinaryIO but does all that BinaryIO promises.
    spool: BinaryIO = tempfile.SpooledTemporaryFile(max_size=SPOOL_MAX_BYTES)  # type: ignore[assignment]  # noqa: SIM115
    try:
        digest = hashlib.sha256()
        size = 0
        while True:
            # Never ask for more than one byte past the limit: a huge upload
            # is refused having read max_bytes + 1, not all of it.
            chunk = stream.read(min(CHUNK_SIZE, max_bytes - size + 1))
            if not chunk:
                break
            size += len(chunk)
            if size > max_bytes:
                raise UploadRejected(
                    gettext(
                        "The file is larger than %(megabytes)s MB. Make it smaller (for example, "
                        "scan at a lower resolution or send a smaller photo) and upload it again.",
                        megabytes=_megabytes(max_bytes),
                    )
                )
            digest.update(chunk)
            spool.write(chunk)
        if size == 0:
            raise UploadRejected(gettext("The file is empty. Check you chose the right file and upload it again."))
        file_type = sniff(spool)
    except BaseException:
        spool.close()
        raise
    return ReceivedFile(
        file=spool,
        filename=clean_filename(filename),
        content_type=file_type.mime_type,
        extension=file_type.extension,
        size=size,
        sha256=digest.hexdigest(),
    )


def _megabytes(size: int) -> str:
    return f"{size / MIB:g}"


def clean_filename(raw: str | None) -> str:
    """The name to show people: the last path part only, without control or
    invisible formatting characters, at most 200 characters.

    It is only ever displayed (escaped, like all text); storage keys never use
    it, and downloads are saved under ``download_filename``, which swaps its
    extension for the detected type's.
    """
    name = unicodedata.normalize("NFC", raw or "")
    # Browsers on Windows used to send "C:\\Users\\…\\scan.pdf".
    name = re.split(r"[/\\]", name)[-1]
    name = visible(name)
    name = " ".join(name.split())
    if name.strip(".") == "":
        return "upload"
    if len(name) > MAX_FILENAME_LENGTH:
        stem, dot, extension = name.rpartition(".")
        if dot and stem and len(extension) <= 10:
            name = f"{stem[: MAX_FILENAME_LENGTH - len(extension) - 1].rstrip()}.{extension}"
        else:
            name = name[:MAX_FILENAME_LENGTH].rstrip()
    return name


def new_storage_key(extension: str) -> str:
    """A random key: nothing in it comes from the applicant."""
    now = utcnow()
    return f"evidence/{now:%Y}/{now:%m}/{secrets.token_hex(16)}{extension}"


def store_evidence(
    session: Session,
    storage: Storage,
    received: ReceivedFile,
    *,
    kind: EvidenceKind,
    uploaded_by: User | None,
    organisation_id: int | None = None,
    application_id: int | None = None,
    report_id: int | None = None,
    info_request_id: int | None = None,
    message_id: int | None = None,
) -> Evidence:
    """Store the file, then add its Evidence row (with an audit entry) and flush.

    If storage fails, StorageUnavailable propagates and nothing is added. If
    the row cannot be written, the stored object is deleted again; the rest
    of the caller's transaction (their draft) stays usable either way.
    """
    owners = (organisation_id, application_id, report_id, info_request_id, message_id)
    if sum(owner is not None for owner in owners) != 1:
        raise ValueError(
            "Evidence belongs to exactly one organisation, application, report, information request or message."
        )

    key = new_storage_key(received.extension)
    received.file.seek(0)
    storage.put(key, received.file, received.content_type)

    evidence = Evidence(
        organisation_id=organisation_id,
        application_id=application_id,
        report_id=report_id,
        info_request_id=info_request_id,
        message_id=message_id,
        kind=kind,
        original_filename=received.filename,
        content_type=received.content_type,
        size_bytes=received.size,
        sha256=received.sha256,
        storage_key=key,
        uploaded_by_id=uploaded_by.id if uploaded_by is not None else None,
    )
    _add_row(session, storage, evidence, uploaded_by, AuditAction.EVIDENCE_UPLOADED, _summary(evidence))
    return evidence


def thumbnail_key(storage_key: str) -> str:
    """Where a file's preview is stored: beside it, under the same random name."""
    return storage_key.rsplit(".", 1)[0] + ".thumb.jpg"


def copy_evidence(
    session: Session, storage: Storage, source: Evidence, *, by: User, application_id: int, why: str
) -> Evidence:
    """A copy of ``source`` for another application: its own stored object (and preview), so
    retention deleting either file never removes the other. The copy keeps the name, type and
    date the group first gave it with; ``why`` goes in the audit entry.

    Raises FileNotFoundError if the source's stored object has gone, StorageUnavailable if
    storage fails; either way nothing is added.
    """
    key = new_storage_key(_extension(source.storage_key))
    storage.copy(source.storage_key, key)
    evidence = Evidence(
        application_id=application_id,
        kind=source.kind,
        original_filename=source.original_filename,
        content_type=source.content_type,
        size_bytes=source.size_bytes,
        sha256=source.sha256,
        storage_key=key,
        uploaded_by_id=source.uploaded_by_id,
        uploaded_at=source.uploaded_at,
    )
    if source.thumbnail_key:
        thumbnail = thumbnail_key(key)
        try:
            storage.copy(source.thumbnail_key, thumbnail)
            evidence.thumbnail_key = thumbnail
        except (FileNotFoundError, StorageUnavailable):
            log.warning("Copied %s without its preview", source.storage_key, exc_info=True)
    try:
        _add_row(session, storage, evidence, by, AuditAction.EVIDENCE_REUSED, f"{_summary(evidence)}; {why}")
    except BaseException:
        if evidence.thumbnail_key:
            _delete_quietly(storage, evidence.thumbnail_key)
        raise
    return evidence


def _extension(key: str) -> str:
    name = key.rsplit("/", 1)[-1]
    return "." + name.split(".", 1)[1] if "." in name else ""


def _add_row(
    session: Session, storage: Storage, evidence: Evidence, by: User | None, action: AuditAction, summary: str
) -> None:
    """Add the row for a stored object and its audit entry; if that fails, delete the object again."""
    try:
        # A savepoint: if this insert fails, only it is undone, not the
        # applicant's unsaved changes in the same transaction.
        with session.begin_nested():
            session.add(evidence)
            session.flush()
            audit.record(session, by, action, evidence, summary)
            session.flush()
    except BaseException:
        _delete_quietly(storage, evidence.storage_key)
        raise


def store_all(
    session: Session,
    storage: Storage,
    files: Iterable[ReceivedFile],
    *,
    uploaded_by: User,
    info_request_id: int | None = None,
    message_id: int | None = None,
) -> list[Evidence]:
    """Store every file sent with an answer or a message, or none: if storage fails part-way, the files
    already stored are removed again (the request rolls back their rows) and StorageUnavailable is raised."""
    stored: list[Evidence] = []
    try:
        for received in files:
            stored.append(
                store_evidence(
                    session,
                    storage,
                    received,
                    kind=EvidenceKind.OTHER,
                    uploaded_by=uploaded_by,
                    info_request_id=info_request_id,
                    message_id=message_id,
                )
            )
    except StorageUnavailable:
        for evidence in stored:
            _delete_quietly(storage, evidence.storage_key)
        raise
    return stored


def delete_evidence(session: Session, storage: Storage, evidence: Evidence, *, by: User | None) -> None:
    """Remove the Evidence row, then its stored object.

    The row goes first: if storage then fails, StorageUnavailable makes the
    request roll back and the row (and file) are still there to try again.
    """
    key = evidence.storage_key
    audit.record(session, by, AuditAction.EVIDENCE_DELETED, evidence, _summary(evidence))
    session.delete(evidence)
    session.flush()
    storage.delete(key)


def _summary(evidence: Evidence) -> str:
    return (
        f"{EvidenceKind(evidence.kind).value}: {evidence.original_filename} "
        f"({evidence.content_type}, {evidence.size_bytes} bytes, sha256 {evidence.sha256})"
    )


def _delete_quietly(storage: Storage, key: str) -> None:
    try:
        storage.delete(key)
    except StorageUnavailable:
        # The original error matters more; log the key so the orphan can be removed.
        log.exception("Could not remove stored object %s after its Evidence row failed", key)
