"""download_response: files always leave the portal as attachments."""

from __future__ import annotations

import hashlib
import io
import urllib.request
from pathlib import Path

import pytest
from flask import Flask

from portal.models.applications import Evidence, EvidenceKind
from portal.storage.download import download_response
from portal.storage.local import LocalStorage
from portal.storage.s3 import S3Storage
from tests.storage.sample_files import make_pdf

KEY = "evidence/2026/05/0123456789abcdef0123456789abcdef.pdf"


def evidence_for(data: bytes, filename: str) -> Evidence:
    return Evidence(
        organisation_id=1,
        kind=EvidenceKind.BANK_STATEMENT,
        original_filename=filename,
        content_type="application/pdf",
        size_bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        storage_key=KEY,
    )


def test_local_files_are_streamed_as_attachments(app: Flask, tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path / "files")
    pdf = make_pdf()
    storage.put(KEY, io.BytesIO(pdf), "application/pdf")

    with app.test_request_context("/download"):
        response = download_response(storage, evidence_for(pdf, "Caf\u00e9 statement.pdf"))
        response.direct_passthrough = False
        body = response.get_data()
        response.close()

    assert response.status_code == 200
    assert body == pdf
    assert response.mimetype == "application/pdf"
    assert response.content_length == len(pdf)
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=\"Cafe statement.pdf\"; filename*=UTF-8''Caf%C3%A9%20statement.pdf"
    )
    assert response.headers["Cache-Control"] == "private, no-store"


def test_a_missing_local_file_raises_file_not_found(app: Flask, tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path / "files")

    with app.test_request_context("/download"), pytest.raises(FileNotFoundError):
        download_response(storage, evidence_for(b"x", "scan.pdf"))


@pytest.mark.s3
def test_s3_files_are_a_redirect_to_a_short_lived_attachment_url(app: Flask, s3_storage: S3Storage) -> None:
    pdf = make_pdf()
    s3_storage.put(KEY, io.BytesIO(pdf), "application/pdf")

    with app.test_request_context("/download"):
        response = download_response(s3_storage, evidence_for(pdf, "statement.pdf"))

    assert response.status_code == 302
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "X-Amz-Expires=300" in response.location
    with urllib.request.urlopen(response.location, timeout=10) as fetched:  # noqa: S310 (the moto server's URL)
        assert fetched.read() == pdf
        assert fetched.headers["Content-Disposition"].startswith('attachment; filename="statement.pdf"')
