"""Converting recordings in the background, in a job that survives a restart.

An accepted recording waits as a ``MediaConversion`` row. The worker (``flask
--app portal media work --loop``, started by ``make run`` beside the others)
claims the oldest waiting job by marking it running with a lease (committed,
so no other worker takes it), converts the stored original in a temporary
folder, stores the result under a new key, points the recording's Evidence
row at it and commits; only then is the original deleted. A worker killed
part-way leaves the job running with its lease: once the lease has run out
another worker claims it and converts it, once. Whatever is stored before a
commit that never happened is found by the orphan sweep.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import ColumnElement, and_, or_, select, update
from sqlalchemy.orm import Session

from portal.errors import StorageUnavailable
from portal.models.audit import AuditAction
from portal.models.base import utcnow
from portal.models.media import ConversionStatus, MediaConversion
from portal.services import audit
from portal.services.files import media
from portal.services.files.uploads import new_storage_key
from portal.storage.base import Storage

log = logging.getLogger(__name__)

# Longer than a conversion may take (media.CONVERT_TIMEOUT_SECONDS), so a working worker is never overtaken.
LEASE = timedelta(seconds=media.CONVERT_TIMEOUT_SECONDS + 5 * 60)
MAX_ATTEMPTS = 3
CHUNK_SIZE = 1024 * 1024


def _claimable(now: datetime) -> ColumnElement[bool]:
    """Waiting, or running under a lease that has run out (its worker stopped part-way)."""
    return or_(
        MediaConversion.status == ConversionStatus.WAITING,
        and_(MediaConversion.status == ConversionStatus.RUNNING, MediaConversion.lease_until < now),
    )


def claim(session: Session, *, now: datetime | None = None) -> MediaConversion | None:
    """The oldest job to run, marked running under a new lease and committed (so only one worker runs it)."""
    while True:
        at = now or utcnow()
        job_id = session.scalar(select(MediaConversion.id).where(_claimable(at)).order_by(MediaConversion.id).limit(1))
        if job_id is None:
            return None
        claimed = session.execute(
            update(MediaConversion)
            .where(MediaConversion.id == job_id, _claimable(at))
            .values(
                status=ConversionStatus.RUNNING,
                lease_until=at + LEASE,
                attempts=MediaConversion.attempts + 1,
            )
        )
        session.commit()
        if claimed.rowcount == 1:  # type: ignore[attr-defined]
            return session.get(MediaConversion, job_id)


def _still_mine(session: Session, job_id: int, attempt: int) -> MediaConversion | None:
    """The job, if it is still running under this worker's claim (not finished or taken by another)."""
    session.expire_all()
    job = session.get(MediaConversion, job_id)
    if job is None or job.status is not ConversionStatus.RUNNING or job.attempts != attempt:
        return None
    return job


def run_conversion(session: Session, storage: Storage, job: MediaConversion, *, max_seconds: int) -> None:
    """Convert the claimed job's recording and keep the result in its place; commit either way."""
    job_id, attempt, has_video = job.id, job.attempts, job.has_video
    source_key = job.evidence.storage_key
    folder = Path(tempfile.mkdtemp(prefix="conversion-"))
    try:
        source, target = folder / "source", folder / "target"
        with storage.open(source_key) as stored, source.open("wb") as copy:
            shutil.copyfileobj(stored, copy, CHUNK_SIZE)
        media.convert(source, target, has_video=has_video, max_seconds=max_seconds)
        content_type, extension = media.converted_type(has_video)
        size = target.stat().st_size
        digest = hashlib.sha256()
        with target.open("rb") as made:
            while chunk := made.read(CHUNK_SIZE):
                digest.update(chunk)
        new_key = new_storage_key(extension)
        with target.open("rb") as made:
            storage.put(new_key, made, content_type)
    except media.ConversionFailed as error:
        session.rollback()
        _failed(session, job_id, attempt, str(error))
        return
    except FileNotFoundError:
        session.rollback()
        _failed(session, job_id, attempt, "The recording could not be found in storage.", final=True)
        return
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    current = _still_mine(session, job_id, attempt)
    if current is None:  # deleted with its application, replaced, or taken over: keep nothing of ours
        session.rollback()
        _delete_quietly(storage, new_key)
        return
    evidence = current.evidence
    evidence.storage_key = new_key
    evidence.content_type = content_type
    evidence.size_bytes = size
    evidence.sha256 = digest.hexdigest()
    current.status = ConversionStatus.DONE
    current.lease_until = None
    current.finished_at = utcnow()
    current.message = ""
    audit.record(
        session,
        None,
        AuditAction.RECORDING_CONVERTED,
        evidence,
        f"{evidence.original_filename}: {content_type}, {evidence.size_bytes} bytes, sha256 {evidence.sha256}",
    )
    session.commit()
    _delete_quietly(storage, source_key)


def _failed(session: Session, job_id: int, attempt: int, message: str, *, final: bool = False) -> None:
    """Try again later, or (after MAX_ATTEMPTS, or when there is nothing to try) give up and say so."""
    job = _still_mine(session, job_id, attempt)
    if job is None:
        session.rollback()
        return
    job.message = message
    job.lease_until = None
    if final or job.attempts >= MAX_ATTEMPTS:
        job.status = ConversionStatus.FAILED
        job.finished_at = utcnow()
        audit.record(session, None, AuditAction.RECORDING_CONVERSION_FAILED, job.evidence, message)
    else:
        job.status = ConversionStatus.WAITING
    session.commit()


def _delete_quietly(storage: Storage, key: str) -> None:
    try:
        storage.delete(key)
    except StorageUnavailable:
        log.exception("Could not delete %s; the orphan sweep will find it", key)


def run_waiting(session: Session, storage: Storage, *, max_seconds: int, now: datetime | None = None) -> int:
    """Convert every job there is to claim, oldest first; return how many ran. Commits as it goes."""
    if session.new or session.dirty or session.deleted:
        raise RuntimeError("run_waiting commits as it goes: commit or roll back the session first")
    ran = 0
    while (job := claim(session, now=now)) is not None:
        job_id, attempt = job.id, job.attempts
        try:
            run_conversion(session, storage, job, max_seconds=max_seconds)
        except Exception:
            session.rollback()
            log.exception("Converting recording job %s failed", job_id)
            _failed(session, job_id, attempt, "The recording could not be prepared because of a fault in the portal.")
        ran += 1
    return ran
