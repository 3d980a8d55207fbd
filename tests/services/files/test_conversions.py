"""Recordings accepted, kept and converted in the background, on both storage backends, surviving a restart."""

from __future__ import annotations

import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.models.applications import Application, Evidence, EvidenceKind
from portal.models.audit import AuditAction, AuditEntry
from portal.models.base import utcnow
from portal.models.media import ConversionStatus, MediaConversion
from portal.models.users import User
from portal.services.applications import form as form_rules
from portal.services.applications import spoken
from portal.services.files import conversions, media, sweep
from portal.services.people import retention
from portal.storage.base import Storage
from tests.factories import make_application, make_organisation, make_round, make_user
from tests.fixtures.media import MediaSamples

MAX_SECONDS = 300


@pytest.fixture
def applicant(session: Session) -> User:
    return make_user(session, email="speaker@example.org")


@pytest.fixture
def draft(session: Session, applicant: User) -> Application:
    group = make_organisation(session, members=(applicant,))
    return make_application(session, grant_round=make_round(session), organisation=group)


def accept(session: Session, storage: Storage, draft: Application, path: Path, by: User) -> Evidence:
    with (
        path.open("rb") as stream,
        media.receive_recording(stream, path.name, max_bytes=10 * 1024 * 1024, max_seconds=MAX_SECONDS) as got,
    ):
        evidence = spoken.add_recording(session, storage, draft, got, by=by)
    session.commit()
    return evidence


def stored_keys(storage: Storage) -> list[str]:
    return sorted(key for key, _ in storage.listing("evidence/"))


def job_of(session: Session, evidence_id: int) -> MediaConversion:
    session.expire_all()
    found = session.scalar(select(MediaConversion).where(MediaConversion.evidence_id == evidence_id))
    assert found is not None
    return found


def converted_codecs(storage: Storage, key: str) -> list[tuple[str, str, tuple[int, int] | None]]:
    with tempfile.TemporaryDirectory() as folder, storage.open(key) as stored:
        copy = Path(folder) / "converted"
        copy.write_bytes(stored.read())
        return media.stream_codecs(copy)


def test_sound_is_kept_as_it_came_then_converted_to_m4a_and_the_original_deleted(
    session: Session, storage: Storage, draft: Application, applicant: User, media_samples: MediaSamples
) -> None:
    evidence = accept(session, storage, draft, media_samples.tone, applicant)
    original = evidence.storage_key
    assert (evidence.kind, evidence.content_type) == (EvidenceKind.RECORDING, "audio/webm")
    assert stored_keys(storage) == [original]
    assert job_of(session, evidence.id).status is ConversionStatus.WAITING

    assert conversions.run_waiting(session, storage, max_seconds=MAX_SECONDS) == 1

    job = job_of(session, evidence.id)
    converted = job.evidence
    assert (job.status, job.attempts, job.lease_until) == (ConversionStatus.DONE, 1, None)
    assert (converted.content_type, converted.storage_key.endswith(".m4a")) == ("audio/mp4", True)
    assert stored_keys(storage) == [converted.storage_key]  # the original is gone
    with storage.open(converted.storage_key) as stored:
        assert len(stored.read()) == converted.size_bytes
    assert converted_codecs(storage, converted.storage_key) == [("audio", "aac", None)]
    assert (
        session.scalar(
            select(AuditEntry.action).where(AuditEntry.object_id == evidence.id).order_by(AuditEntry.id.desc())
        )
        == AuditAction.RECORDING_CONVERTED.value
    )
    assert conversions.run_waiting(session, storage, max_seconds=MAX_SECONDS) == 0


def test_a_film_becomes_mp4_no_taller_than_720(
    session: Session, storage: Storage, draft: Application, applicant: User, media_samples: MediaSamples
) -> None:
    evidence = accept(session, storage, draft, media_samples.film, applicant)
    conversions.run_waiting(session, storage, max_seconds=MAX_SECONDS)
    converted = job_of(session, evidence.id).evidence
    assert converted.content_type == "video/mp4"
    assert sorted(converted_codecs(storage, converted.storage_key)) == [
        ("audio", "aac", None),
        ("video", "h264", (960, 720)),
    ]


def test_a_worker_killed_after_claiming_leaves_the_job_to_the_next_which_converts_it_once(
    session: Session, storage: Storage, draft: Application, applicant: User, media_samples: MediaSamples
) -> None:
    evidence = accept(session, storage, draft, media_samples.tone, applicant)
    claimed = conversions.claim(session)  # the first worker claims it (committed) ... and is killed
    assert claimed is not None
    assert claimed.status is ConversionStatus.RUNNING
    session.expire_all()

    # A worker started straight after leaves it alone while the lease holds.
    assert conversions.run_waiting(session, storage, max_seconds=MAX_SECONDS) == 0
    assert job_of(session, evidence.id).status is ConversionStatus.RUNNING

    after_the_lease = utcnow() + conversions.LEASE + timedelta(seconds=1)
    assert conversions.run_waiting(session, storage, max_seconds=MAX_SECONDS, now=after_the_lease) == 1
    job = job_of(session, evidence.id)
    assert (job.status, job.attempts) == (ConversionStatus.DONE, 2)
    assert conversions.run_waiting(session, storage, max_seconds=MAX_SECONDS, now=after_the_lease) == 0
    assert stored_keys(storage) == [job.evidence.storage_key]


def test_a_worker_that_wakes_after_its_lease_was_taken_keeps_nothing(
    session: Session, storage: Storage, draft: Application, applicant: User, media_samples: MediaSamples
) -> None:
    evidence = accept(session, storage, draft, media_samples.tone, applicant)
    slow = conversions.claim(session)
    assert slow is not None
    after_the_lease = utcnow() + conversions.LEASE + timedelta(seconds=1)
    assert conversions.run_waiting(session, storage, max_seconds=MAX_SECONDS, now=after_the_lease) == 1
    done = job_of(session, evidence.id)
    kept = done.evidence.storage_key

    conversions.run_conversion(session, storage, slow, max_seconds=MAX_SECONDS)  # the first worker finishes late

    job = job_of(session, evidence.id)
    assert (job.status, job.attempts, job.evidence.storage_key) == (ConversionStatus.DONE, 2, kept)
    assert stored_keys(storage) == [kept]


def test_a_recording_that_cannot_be_prepared_fails_after_three_tries_and_leaves_the_question_unanswered(
    session: Session, storage: Storage, draft: Application, applicant: User, media_samples: MediaSamples
) -> None:
    evidence = accept(session, storage, draft, media_samples.tone, applicant)
    draft.answers = {"idea": {spoken.spoken_name("activities"): spoken.spoken_value(evidence, "")}}
    session.commit()
    with Path(__file__).open("rb") as damaged:  # the stored file was damaged: ffmpeg cannot read it
        storage.put(evidence.storage_key, damaged, "audio/webm")

    assert conversions.run_waiting(session, storage, max_seconds=MAX_SECONDS) == conversions.MAX_ATTEMPTS
    job = job_of(session, evidence.id)
    assert job.status is ConversionStatus.FAILED
    assert form_rules.question_problems(job.evidence.application, "idea")["activities"] == spoken.NOT_PREPARED  # type: ignore[arg-type]


def test_retention_deletes_a_recording_and_its_job_and_the_sweep_finds_no_orphan(
    session: Session, storage: Storage, draft: Application, applicant: User, media_samples: MediaSamples
) -> None:
    evidence = accept(session, storage, draft, media_samples.tone, applicant)
    conversions.run_waiting(session, storage, max_seconds=MAX_SECONDS)
    later = utcnow() + timedelta(days=2)
    assert sweep.sweep(session, storage, now=later).orphans == []  # the converted file is named by its row

    retention.anonymise_application(session, storage, session.get(Application, draft.id), months=24)  # type: ignore[arg-type]
    session.commit()
    assert stored_keys(storage) == []
    assert session.get(Evidence, evidence.id) is None
    assert session.scalar(select(func.count()).select_from(MediaConversion)) == 0


def test_a_recording_deleted_while_it_is_converted_leaves_nothing(
    session: Session, storage: Storage, draft: Application, applicant: User, media_samples: MediaSamples
) -> None:
    evidence = accept(session, storage, draft, media_samples.tone, applicant)
    job = conversions.claim(session)
    assert job is not None
    spoken.discard_recording(session, storage, draft, evidence.id, by=applicant)  # replaced by the group meanwhile
    session.commit()
    conversions.run_conversion(session, storage, job, max_seconds=MAX_SECONDS)
    assert stored_keys(storage) == []
