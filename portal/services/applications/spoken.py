"""Spoken or filmed answers to long-text questions: what is kept, and when such a question counts as answered.

Any long-text question may be answered with a recording instead of (or as
well as) writing. The recording is an ``Evidence`` row of kind ``RECORDING``
(stored, checked and deleted like every other file of the application), with
a ``MediaConversion`` job that makes it playable. The section's answers hold,
beside the written answer, ``<question>__spoken``: ``{"evidence_id", "filename",
"transcript"}``. A question with an accepted recording counts as answered
while the recording is still being prepared; only a recording that could not
be prepared at all leaves it unanswered.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from portal.errors import DomainError
from portal.infra.i18n import _l, gettext
from portal.models.applications import Application, ApplicationStatus, Evidence, EvidenceKind
from portal.models.media import ConversionStatus, MediaConversion
from portal.models.users import User
from portal.services.files.media import ReceivedRecording
from portal.services.files.uploads import ReceivedFile, delete_evidence, store_evidence
from portal.services.rounds import stages
from portal.storage.base import Storage

SUFFIX = "__spoken"
MAX_TRANSCRIPT_CHARS = 10_000
NOT_PREPARED = _l("We could not prepare your recording. Upload it again, or write your answer instead.")


def spoken_name(name: str) -> str:
    """Where a question's spoken answer is kept among the section's answers."""
    return f"{name}{SUFFIX}"


def takes_recording(kind: str) -> bool:
    """Whether a question of this kind may be answered by a recording: every long-text question."""
    return kind == "long"


def saved_spoken(application: Application, key: str, name: str) -> dict[str, Any] | None:
    value = ((application.answers or {}).get(key) or {}).get(spoken_name(name))
    return value if isinstance(value, dict) and value.get("evidence_id") else None


@dataclass(frozen=True)
class SpokenAnswer:
    """A recording as every page shows it (the group, officers and the panel alike)."""

    evidence_id: int
    filename: str
    transcript: str
    has_video: bool
    ready: bool
    failed: bool


def _conversion(application: Application, evidence_id: int) -> MediaConversion | None:
    session = object_session(application)
    if session is None:  # pragma: no cover - applications are always read through a session
        return None
    return session.scalar(select(MediaConversion).where(MediaConversion.evidence_id == evidence_id))


def spoken_answer(application: Application, key: str, name: str) -> SpokenAnswer | None:
    """The question's recording, with whether it is ready to play; None when it has none (or it is gone)."""
    saved = saved_spoken(application, key, name)
    if saved is None:
        return None
    job = _conversion(application, int(saved["evidence_id"]))
    if job is None:
        return None
    return SpokenAnswer(
        evidence_id=job.evidence_id,
        filename=str(saved.get("filename") or ""),
        transcript=str(saved.get("transcript") or ""),
        has_video=job.has_video,
        ready=job.status is ConversionStatus.DONE,
        failed=job.status is ConversionStatus.FAILED,
    )


def _editable(application: Application) -> None:
    if application.status is not ApplicationStatus.DRAFT:
        raise DomainError(gettext("This application has been sent, so it can no longer be changed."))
    if not stages.open_for(application):
        raise DomainError(gettext("This round has closed, so answers can no longer be changed."))


def add_recording(
    session: Session, storage: Storage, application: Application, received: ReceivedRecording, *, by: User
) -> Evidence:
    """Keep the checked recording as the application's file and queue its conversion (nothing is committed)."""
    _editable(application)
    with received.path.open("rb") as stream:
        as_file = ReceivedFile(
            file=stream,
            filename=received.filename,
            content_type=received.content_type,
            extension=received.extension,
            size=received.size,
            sha256=received.sha256,
        )
        evidence = store_evidence(
            session, storage, as_file, kind=EvidenceKind.RECORDING, uploaded_by=by, application_id=application.id
        )
    session.add(
        MediaConversion(
            evidence_id=evidence.id,
            has_video=received.has_video,
            duration_seconds=round(received.duration_seconds),
        )
    )
    session.flush()
    return evidence


def spoken_value(evidence: Evidence, transcript: str) -> dict[str, Any]:
    """What the section's answers keep for a new recording."""
    return {"evidence_id": evidence.id, "filename": evidence.original_filename, "transcript": transcript}


def discard_recording(
    session: Session, storage: Storage, application: Application, evidence_id: int, *, by: User
) -> None:
    """Delete a recording the group replaced or removed (its row, its job, its stored file)."""
    found = session.get(Evidence, evidence_id)
    if found is None or found.application_id != application.id or found.kind is not EvidenceKind.RECORDING:
        return
    job = session.scalar(select(MediaConversion).where(MediaConversion.evidence_id == evidence_id))
    if job is not None:
        session.delete(job)
        session.flush()
    delete_evidence(session, storage, found, by=by)


def recording_of(session: Session, evidence_id: int) -> tuple[Evidence, MediaConversion] | None:
    """A recording and its conversion job, by the file's id; None for any other file."""
    found = session.get(Evidence, evidence_id)
    if found is None or found.kind is not EvidenceKind.RECORDING:
        return None
    job = session.scalar(select(MediaConversion).where(MediaConversion.evidence_id == evidence_id))
    return (found, job) if job is not None else None
