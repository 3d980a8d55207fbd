"""Importing reference data uploaded in the browser, in the background.

An officer uploads the ONS postcode lookup or an Indices of Deprivation file.
``receive_csv`` copies it to a temporary file, checking on the way that it is
a CSV file (text in UTF-8, no NUL bytes, a header of comma-separated names)
and no bigger than the limit, and counting its lines. ``start_import`` keeps
it in storage and records a waiting ``ReferenceImport``.

The worker (``flask --app portal refdata work --loop``, run beside the
outbox worker by ``make run``) calls ``run_waiting``. Each import reads the
stored file as a stream, committing its progress (lines read of the total)
every few thousand lines so the progress page can show it; nothing else is
written while it reads. When every line is good it replaces the old data,
marks the import done and commits, all in one transaction; otherwise it
records the first bad lines and the old data stays as it was.
"""

from __future__ import annotations

import codecs
import io
import logging
import secrets
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import IO, BinaryIO

from sqlalchemy import ColumnElement, and_, or_, select, update
from sqlalchemy.orm import Session

from portal.errors import DomainError, UploadRejected
from portal.infra.i18n import _l, gettext
from portal.models.audit import AuditAction
from portal.models.base import utcnow
from portal.models.reference_data import REFERENCE_KIND_LABELS, ImportStatus, ReferenceImport, ReferenceKind
from portal.models.users import User
from portal.services import audit
from portal.services.files.uploads import clean_filename
from portal.services.opendata import refdata
from portal.storage.base import Storage

log = logging.getLogger(__name__)

CHUNK_SIZE = 1024 * 1024
# A running import that has reported no progress for this long is started again.
STALE_AFTER = timedelta(minutes=15)
SPOOL_MAX_BYTES = 1024 * 1024
MIB = 1024 * 1024
NOT_CSV = _l(
    "The file is not a CSV file. Open it in a spreadsheet, save it as CSV (comma-separated values, UTF-8) "
    "and upload that. If you downloaded a .zip file, unzip it and upload the CSV file inside."
)


@dataclass
class ReceivedCsv:
    """A checked CSV upload waiting in a temporary file; close it when done."""

    file: BinaryIO
    filename: str
    size: int
    lines: int  # data lines, not counting the header

    def close(self) -> None:
        self.file.close()


def receive_csv(stream: IO[bytes], filename: str, *, max_bytes: int) -> ReceivedCsv:
    """Copy ``stream`` to a temporary file; UploadRejected when it is empty, too big or not CSV text."""
    spool: BinaryIO = tempfile.SpooledTemporaryFile(max_size=SPOOL_MAX_BYTES)  # type: ignore[assignment]  # noqa: SIM115
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        size = newlines = 0
        last = b""
        while chunk := stream.read(min(CHUNK_SIZE, max_bytes - size + 1)):
            size += len(chunk)
            if size > max_bytes:
                raise UploadRejected(
                    gettext(
                        "The file is larger than %(MIB)s MB, the most the portal takes.",
                        MIB=format(max_bytes // MIB, ","),
                    )
                )
            if b"\x00" in chunk:
                raise UploadRejected(NOT_CSV)
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                raise UploadRejected(NOT_CSV) from None
            newlines += chunk.count(b"\n")
            last = chunk[-1:]
            spool.write(chunk)
        if size == 0:
            raise UploadRejected(gettext("The file is empty. Check you chose the right file and upload it again."))
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise UploadRejected(NOT_CSV) from None
        spool.seek(0)
        header = spool.read(64 * 1024).decode("utf-8-sig", errors="replace").splitlines()[0]
        if "," not in header or "<" in header:
            raise UploadRejected(NOT_CSV)
    except BaseException:
        spool.close()
        raise
    lines = newlines + (0 if last == b"\n" else 1)
    return ReceivedCsv(file=spool, filename=clean_filename(filename), size=size, lines=max(lines - 1, 0))


def _new_key() -> str:
    now = utcnow()
    return f"reference-data/{now:%Y}/{secrets.token_hex(16)}.csv"


def start_import(
    session: Session, storage: Storage, received: ReceivedCsv, kind: ReferenceKind, *, by: User
) -> ReferenceImport:
    """Keep the file and record its import as waiting for the worker."""
    if kind is ReferenceKind.POSTCODES and not any(refdata.programme_places(session)):
        raise DomainError(refdata.NO_NEIGHBOURHOODS, field="kind")
    key = _new_key()
    received.file.seek(0)
    storage.put(key, received.file, "text/csv")
    job = ReferenceImport(
        kind=kind,
        filename=received.filename,
        storage_key=key,
        size_bytes=received.size,
        rows_total=received.lines,
        uploaded_by_id=by.id,
    )
    session.add(job)
    session.flush()
    audit.record(
        session,
        by,
        AuditAction.REFERENCE_DATA_UPLOADED,
        job,
        f"{REFERENCE_KIND_LABELS[kind]}: {received.filename} ({received.lines:,} lines)",
    )
    session.flush()
    return job


def recent_imports(session: Session, limit: int = 10) -> list[ReferenceImport]:
    return list(session.scalars(select(ReferenceImport).order_by(ReferenceImport.id.desc()).limit(limit)))


def _claimable(now: datetime) -> ColumnElement[bool]:
    """Waiting, or running but silent for STALE_AFTER (its worker stopped part-way)."""
    return or_(
        ReferenceImport.status == ImportStatus.WAITING,
        and_(ReferenceImport.status == ImportStatus.RUNNING, ReferenceImport.progress_at < now - STALE_AFTER),
    )


def _claim(session: Session) -> ReferenceImport | None:
    """The oldest import to run, marked running and committed (so only one worker runs it)."""
    while True:
        now = utcnow()
        job_id = session.scalar(select(ReferenceImport.id).where(_claimable(now)).order_by(ReferenceImport.id).limit(1))
        if job_id is None:
            return None
        claimed = session.execute(
            update(ReferenceImport)
            .where(ReferenceImport.id == job_id, _claimable(now))
            .values(status=ImportStatus.RUNNING, started_at=now, progress_at=now, rows_done=0)
        )
        session.commit()
        if claimed.rowcount == 1:  # type: ignore[attr-defined]
            return session.get(ReferenceImport, job_id)


def _progress(session: Session, job: ReferenceImport) -> Callable[[int], None]:
    def report(line: int) -> None:
        job.rows_done = max(line - 1, 0)
        job.rows_total = max(job.rows_total, job.rows_done)
        job.progress_at = utcnow()
        session.commit()  # only the progress has changed: the data is written at the end

    return report


def run_import(session: Session, storage: Storage, job: ReferenceImport) -> None:
    """Read the claimed import's file and, if every line is good, replace the old data; commit either way."""
    try:
        with storage.open(job.storage_key) as raw:
            text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
            progress = _progress(session, job)
            if job.kind is ReferenceKind.DEPRIVATION:
                result = refdata.import_imd(session, text, source=job.filename, progress=progress)
            else:
                result = refdata.import_postcodes(session, text, source=job.filename, progress=progress)
    except refdata.ReferenceDataError as error:
        session.rollback()
        _fail(session, job, error.problems, error.bad_lines)
        return
    except (UnicodeDecodeError, FileNotFoundError) as error:
        session.rollback()
        _fail(session, job, [f"The file could not be read ({type(error).__name__})."], 0)
        return
    job.status = ImportStatus.DONE
    job.rows_done = job.rows_total
    job.rows_kept = result.rows
    job.finished_at = utcnow()
    job.message = (
        f"Imported IoD{result.edition} deprivation for {result.rows:,} LSOAs, replacing {result.replaced:,}."
        if job.kind is ReferenceKind.DEPRIVATION
        else f"Imported {result.rows:,} postcodes in the neighbourhoods, replacing {result.replaced:,}."
    )
    session.commit()


def _fail(session: Session, job: ReferenceImport, problems: list[str], bad_lines: int) -> None:
    job.status = ImportStatus.FAILED
    job.problems = problems
    job.bad_lines = bad_lines
    job.finished_at = utcnow()
    job.message = "Nothing was imported: the data from before is kept."
    audit.record(
        session,
        None,
        AuditAction.REFERENCE_DATA_IMPORT_FAILED,
        job,
        f"{job.filename}: {problems[0] if problems else 'could not be read'}",
    )
    session.commit()


def run_waiting(session: Session, storage: Storage) -> int:
    """Run every waiting import, oldest first; return how many ran. Commits as it goes."""
    if session.new or session.dirty or session.deleted:
        raise RuntimeError("run_waiting commits as it goes: commit or roll back the session first")
    ran = 0
    while (job := _claim(session)) is not None:
        try:
            run_import(session, storage, job)
        except Exception:
            session.rollback()
            log.exception("Reference data import %s failed", job.id)
            _fail(session, job, ["The import stopped because of a fault in the portal. Upload the file again."], 0)
        ran += 1
    return ran
