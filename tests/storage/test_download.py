"""download_response: files always leave the portal as attachments."""

from __future__ import annotations

import hashlib
import io
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from flask import Flask

from portal.models.applications import Evidence, EvidenceKind
from portal.models.events import Resource, ResourceKind
from portal.storage.download import download_filename, download_response
from portal.storage.local import LocalStorage
from portal.storage.s3 import S3Storage
from tests.storage.sample_files import make_jpeg, make_pdf

KEY = "evidence/2026/05/0123456789abcdef0123456789abcdef.pdf"


def evidence_for(data: bytes, filename: str, content_type: str = "application/pdf") -> Evidence:
    return Evidence(
        organisation_id=1,
        kind=EvidenceKind.BANK_STATEMENT,
        original_filename=filename,
        content_type=content_type,
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


@pytest.mark.parametrize(
    ("original", "content_type", "saved_as"),
    [
        ("statement.bat", "application/pdf", "statement.pdf"),
        ("invoice.hta", "application/pdf", "invoice.pdf"),
        ("minutes.html", "application/pdf", "minutes.pdf"),
        ("photo\u202egpj.exe", "image/jpeg", "photogpj.jpg"),  # shown as "photoexe.jpg", really "photogpj.exe"
        ("receipt\u2067fdp.scr\u2069", "application/pdf", "receiptfdp.pdf"),  # an isolate hides ".scr"
        ("invoice.pdf.exe", "application/pdf", "invoice.pdf"),
        ("IMG_0042.HEIC", "image/heic", "IMG_0042.heic"),
        ("Caf\u00e9 accounts 2025-26.PDF", "application/pdf", "Caf\u00e9 accounts 2025-26.pdf"),
        ("constitution", "application/vnd.oasis.opendocument.text", "constitution.odt"),
        ("C:\\Users\\amina\\scan.jpg", "image/png", "scan.png"),
        ('what? "the" <minutes>*.docx', "application/pdf", "what_ _the_ _minutes__.pdf"),
        ("...exe", "image/png", "download.png"),
        ("\u202e", "application/pdf", "download.pdf"),
        ("notes.pdf", "text/html", "notes.bin"),  # a type never detected is never trusted
        ("x" * 300 + ".pdf", "application/pdf", "x" * 150 + ".pdf"),
    ],
)
def test_a_download_is_named_for_the_type_its_content_was_found_to_be(
    original: str, content_type: str, saved_as: str
) -> None:
    assert download_filename(original, content_type) == saved_as


def test_a_pdf_named_like_a_program_is_streamed_as_a_pdf(app: Flask, tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path / "files")
    storage.put(KEY, io.BytesIO(make_pdf()), "application/pdf")

    with app.test_request_context("/download"):
        response = download_response(storage, evidence_for(make_pdf(), "statement.bat"))
        response.close()

    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == "attachment; filename=statement.pdf"


def test_a_stored_type_the_portal_never_detects_is_sent_as_bytes_to_save(app: Flask, tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path / "files")
    storage.put(KEY, io.BytesIO(b"<html>"), "text/html")

    with app.test_request_context("/download"):
        response = download_response(storage, evidence_for(b"<html>", "page.html", "text/html"))
        response.close()

    assert response.mimetype == "application/octet-stream"
    assert response.headers["Content-Disposition"] == "attachment; filename=page.bin"


@pytest.mark.s3
def test_s3_downloads_of_evidence_and_resources_are_named_for_their_detected_type(
    app: Flask, s3_storage: S3Storage
) -> None:
    photo = make_jpeg()
    s3_storage.put(KEY, io.BytesIO(photo), "image/jpeg")
    resource = Resource(
        kind=ResourceKind.FILE,
        title="Slides",
        original_filename="slides.html",
        content_type="application/pdf",
        size_bytes=10,
        sha256="0" * 64,
        storage_key=KEY,
    )

    with app.test_request_context("/download"):
        to_photo = download_response(s3_storage, evidence_for(photo, "photo\u202egpj.exe", "image/jpeg"))
        to_slides = download_response(s3_storage, resource)  # type: ignore[arg-type]

    with urllib.request.urlopen(to_photo.location, timeout=10) as fetched:  # noqa: S310 (the moto server's URL)
        assert fetched.headers["Content-Disposition"].startswith('attachment; filename="photogpj.jpg"')
        assert fetched.headers["Content-Type"] == "image/jpeg"
    assert "slides.pdf" in urllib.parse.unquote(to_slides.location)
    assert "slides.html" not in urllib.parse.unquote(to_slides.location)
