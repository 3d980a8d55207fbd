"""Receiving and storing evidence: limits, hashing, naming and failure paths."""

from __future__ import annotations

import hashlib
import io
import re
from pathlib import Path
from typing import BinaryIO

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal.errors import StorageUnavailable, UploadRejected
from portal.models.applications import Evidence, EvidenceKind
from portal.models.audit import AuditEntry
from portal.models.organisations import Organisation
from portal.services.files.uploads import clean_filename, delete_evidence, receive_upload, store_evidence
from portal.storage.base import Storage, StoredObject
from portal.storage.local import LocalStorage
from tests.factories import make_organisation, make_user
from tests.storage.sample_files import make_pdf, make_png

MIB = 1024 * 1024
KEY_PATTERN = re.compile(r"evidence/\d{4}/\d{2}/[0-9a-f]{32}\.pdf")


class EndlessPdf(io.RawIOBase):
    """A request body that would go on for ``size`` bytes, counting what is read."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.read_so_far = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        count = min(len(buffer), self.size - self.read_so_far)
        start = b"%PDF-1.4\n" if self.read_so_far == 0 else b""
        buffer[:count] = (start + b"\x00" * count)[:count]
        self.read_so_far += count
        return count


class RecordingStorage(LocalStorage):
    """Local storage that remembers what was deleted."""

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self.deleted: list[str] = []

    def delete(self, key: str) -> None:
        self.deleted.append(key)
        super().delete(key)


class BrokenStorage(LocalStorage):
    """Storage whose every write fails, as in an outage."""

    def put(self, key: str, stream: BinaryIO, content_type: str) -> StoredObject:
        raise StorageUnavailable("We could not store your file just now.")


def count_evidence(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Evidence)) or 0


def stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


# Receiving


def test_a_file_over_the_limit_is_refused_after_reading_just_past_the_limit() -> None:
    body = EndlessPdf(200 * MIB)

    with pytest.raises(UploadRejected) as refused:
        receive_upload(body, "scan.pdf", max_bytes=20 * MIB)  # type: ignore[arg-type]

    assert refused.value.message.startswith("The file is larger than 20 MB.")
    assert body.read_so_far == 20 * MIB + 1


def test_a_file_exactly_at_the_limit_is_accepted() -> None:
    pdf = make_pdf()

    with receive_upload(io.BytesIO(pdf), "scan.pdf", max_bytes=len(pdf)) as received:
        assert received.size == len(pdf)


def test_an_empty_file_is_refused() -> None:
    with pytest.raises(UploadRejected, match="The file is empty"):
        receive_upload(io.BytesIO(b""), "scan.pdf", max_bytes=MIB)


def test_size_and_sha256_are_measured_while_copying() -> None:
    pdf = make_pdf(trailing=b"\n" + b"\x00" * 3000)

    with receive_upload(io.BytesIO(pdf), "scan.pdf", max_bytes=MIB) as received:
        assert received.size == len(pdf)
        assert received.sha256 == hashlib.sha256(pdf).hexdigest()
        received.file.seek(0)
        assert received.file.read() == pdf


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\Ann\\Desktop\\bank statement.pdf", "bank statement.pdf"),
        ("..\\..\\windows\\system32\\evil.pdf", "evil.pdf"),
        ("evil\x00name\r\n\t.pdf", "evilname.pdf"),
        ("invoice\u202efdp.exe", "invoicefdp.exe"),
        ("  lots   of   space  .pdf ", "lots of space .pdf"),
        ("Cafe\u0301 receipts.pdf", "Caf\u00e9 receipts.pdf"),
        (
            "\u062a\u0642\u0631\u064a\u0631 \u0627\u0644\u0628\u0646\u0643.pdf",
            "\u062a\u0642\u0631\u064a\u0631 \u0627\u0644\u0628\u0646\u0643.pdf",
        ),
        ("", "upload"),
        ("..", "upload"),
        ("uploads/", "upload"),
        ("\x00\x01", "upload"),
    ],
)
def test_filenames_are_cleaned_for_display(raw: str, cleaned: str) -> None:
    assert clean_filename(raw) == cleaned


def test_very_long_non_ascii_filenames_are_shortened_keeping_the_extension() -> None:
    raw = "\u0421\u043c\u0435\u0442\u0430 \u0440\u0430\u0441\u0445\u043e\u0434\u043e\u0432 " * 40 + ".pdf"

    cleaned = clean_filename(raw)

    assert len(cleaned) <= 200
    assert cleaned.startswith("\u0421\u043c\u0435\u0442\u0430 ")
    assert cleaned.endswith(".pdf")


# Storing


def test_store_evidence_records_size_hash_type_and_a_random_key(session: Session, tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path / "files")
    user = make_user(session)
    organisation = make_organisation(session, members=(user,))
    pdf = make_pdf()

    with receive_upload(io.BytesIO(pdf), "../Our constitution.pdf", max_bytes=MIB) as received:
        evidence = store_evidence(
            session,
            storage,
            received,
            kind=EvidenceKind.GOVERNING_DOCUMENT,
            uploaded_by=user,
            organisation_id=organisation.id,
        )
    session.commit()

    assert evidence.id is not None
    assert evidence.organisation_id == organisation.id
    assert evidence.original_filename == "Our constitution.pdf"
    assert evidence.content_type == "application/pdf"
    assert evidence.size_bytes == len(pdf)
    assert evidence.sha256 == hashlib.sha256(pdf).hexdigest()
    assert evidence.uploaded_by_id == user.id
    assert KEY_PATTERN.fullmatch(evidence.storage_key)
    assert "constitution" not in evidence.storage_key.lower()
    with storage.open(evidence.storage_key) as stored:
        assert stored.read() == pdf
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "evidence uploaded")).one()
    assert (entry.actor_id, entry.object_type, entry.object_id) == (user.id, "Evidence", evidence.id)
    assert "Our constitution.pdf" in entry.summary


def test_each_upload_gets_its_own_key(session: Session, tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path / "files")
    organisation = make_organisation(session)
    keys = set()
    for _ in range(3):
        with receive_upload(io.BytesIO(make_pdf()), "scan.pdf", max_bytes=MIB) as received:
            evidence = store_evidence(
                session, storage, received, kind=EvidenceKind.OTHER, uploaded_by=None, organisation_id=organisation.id
            )
        keys.add(evidence.storage_key)

    assert len(keys) == 3


@pytest.mark.parametrize("owners", [{}, {"organisation_id": 1, "application_id": 1}])
def test_evidence_needs_exactly_one_owner(session: Session, tmp_path: Path, owners: dict[str, int]) -> None:
    storage = RecordingStorage(tmp_path / "files")

    with (
        receive_upload(io.BytesIO(make_pdf()), "scan.pdf", max_bytes=MIB) as received,
        pytest.raises(ValueError, match="exactly one"),
    ):
        store_evidence(session, storage, received, kind=EvidenceKind.OTHER, uploaded_by=None, **owners)

    assert stored_files(tmp_path / "files") == []


def test_a_storage_outage_adds_no_row_and_keeps_the_draft(session: Session, tmp_path: Path) -> None:
    organisation = make_organisation(session, name="Before")
    organisation.name = "The applicant's unsaved edit"

    with (
        receive_upload(io.BytesIO(make_pdf()), "scan.pdf", max_bytes=MIB) as received,
        pytest.raises(StorageUnavailable),
    ):
        store_evidence(
            session,
            BrokenStorage(tmp_path / "files"),
            received,
            kind=EvidenceKind.OTHER,
            uploaded_by=None,
            organisation_id=organisation.id,
        )

    session.commit()
    assert count_evidence(session) == 0
    assert session.get(Organisation, organisation.id).name == "The applicant's unsaved edit"  # type: ignore[union-attr]


def test_a_failed_flush_deletes_the_stored_object_and_keeps_the_draft(session: Session, tmp_path: Path) -> None:
    storage = RecordingStorage(tmp_path / "files")
    organisation = make_organisation(session, name="Before")
    organisation.name = "The applicant's unsaved edit"

    with (
        receive_upload(io.BytesIO(make_png()), "photo.png", max_bytes=MIB) as received,
        pytest.raises(IntegrityError),
    ):
        # No such organisation: the foreign key refuses the row at flush.
        store_evidence(
            session, storage, received, kind=EvidenceKind.PHOTO, uploaded_by=None, organisation_id=organisation.id + 999
        )

    assert len(storage.deleted) == 1
    assert stored_files(tmp_path / "files") == []
    session.commit()
    assert count_evidence(session) == 0
    assert session.scalar(select(func.count()).select_from(AuditEntry)) == 0
    assert session.get(Organisation, organisation.id).name == "The applicant's unsaved edit"  # type: ignore[union-attr]


def test_both_backends_store_the_same(session: Session, storage: Storage) -> None:
    organisation = make_organisation(session)
    pdf = make_pdf(trailing=b"\n" + bytes(range(256)) * 8 + b"%%EOF\n")

    with receive_upload(io.BytesIO(pdf), "Bank statement \u2013 March.pdf", max_bytes=MIB) as received:
        evidence = store_evidence(
            session,
            storage,
            received,
            kind=EvidenceKind.BANK_STATEMENT,
            uploaded_by=None,
            organisation_id=organisation.id,
        )
    session.commit()

    assert storage.exists(evidence.storage_key)
    with storage.open(evidence.storage_key) as stored:
        data = stored.read()
    assert data == pdf
    assert hashlib.sha256(data).hexdigest() == evidence.sha256
    assert evidence.original_filename == "Bank statement \u2013 March.pdf"


def test_delete_evidence_removes_the_row_then_the_object(session: Session, storage: Storage) -> None:
    user = make_user(session)
    organisation = make_organisation(session, members=(user,))
    with receive_upload(io.BytesIO(make_pdf()), "scan.pdf", max_bytes=MIB) as received:
        evidence = store_evidence(
            session, storage, received, kind=EvidenceKind.OTHER, uploaded_by=user, organisation_id=organisation.id
        )
    session.commit()
    key, evidence_id = evidence.storage_key, evidence.id

    delete_evidence(session, storage, evidence, by=user)
    session.commit()

    assert session.get(Evidence, evidence_id) is None
    assert not storage.exists(key)
    actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["evidence uploaded", "evidence deleted"]
