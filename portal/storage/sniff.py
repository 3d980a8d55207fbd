"""What kind of file is this? Decided by its first bytes, never by its name
or the type the browser claims (DESIGN §6).

Only a few kinds are accepted: PDF, JPEG, PNG, HEIC/HEIF (iPhone photos) and
Word or OpenDocument text documents. Anything else, including HTML, SVG,
programs and plain ZIP files, is refused with a message the applicant can act on.

A file of an accepted kind that also carries web-page or script markup near
its start (a polyglot: a PDF or JPEG that a browser or web server could take
for HTML, SVG, PHP or ASP) is refused too.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from typing import BinaryIO, NamedTuple

from portal.errors import UploadRejected
from portal.infra.i18n import _l

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
HEIC = "image/heic"
HEIF = "image/heif"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"

EXTENSIONS = {PDF: ".pdf", JPEG: ".jpg", PNG: ".png", HEIC: ".heic", HEIF: ".heif", DOCX: ".docx", ODT: ".odt"}

# HEVC-coded HEIF (what phones write) and the generic HEIF image brands.
HEIC_BRANDS = frozenset({b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis"})
HEIF_BRANDS = frozenset({b"mif1", b"msf1"})
# A PDF ends with "%%EOF", perhaps followed by a little padding. Looking in
# the last few KiB catches a file cut short in transit without refusing
# scanners that add trailing whitespace or NUL bytes.
PDF_TAIL_BYTES = 8 * 1024
HEAD_BYTES = 512
# Browsers decide what a response is from its first 512 bytes (1,445 in the
# WHATWG sniffing standard; old Internet Explorer looked at 256). Scanning the
# first 64 KiB covers those with a wide margin, and the comment and metadata
# segments where a JPEG or PNG polyglot keeps its markup.
SCAN_BYTES = 64 * 1024
# Markup that makes a file a web page or a server script. Each tag must end
# as a tag does (space, ">" or "/"), and an ASP/JSP block must be closed by
# "%>" with printable text between, so the compressed bytes of a real photo
# or document (which can hold any short sequence) practically never match.
MARKUP = re.compile(
    rb"<(?:html|head|body|script|iframe|object|embed|svg|!doctype)[\s>/]|<\?php|<%[\x20-\x7e\t\r\n]{1,200}?%>",
    re.IGNORECASE,
)
# What zipfile raises for damaged, encrypted or oddly compressed archives.
BROKEN_ZIP = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    NotImplementedError,
    RuntimeError,
    EOFError,
    ValueError,
)

NOT_ACCEPTED = _l(
    "This type of file is not accepted. Upload a PDF, a photo (JPEG, PNG or HEIC) "
    "or a Word or OpenDocument text document."
)
EMPTY = _l("The file is empty. Check you chose the right file and upload it again.")
INCOMPLETE_PDF = _l("The PDF seems to be incomplete. Save or scan it again, then upload it.")
PLAIN_ZIP = _l("ZIP files are not accepted. Upload the documents inside it one at a time.")
MACROS = _l(
    "Word documents with macros are not accepted. Save it as an ordinary Word document (.docx) and upload that."
)
POLYGLOT = _l(
    "This file has web page or script code hidden inside it, so it is not accepted. "
    "Open it, save or scan it again as a new file, and upload that."
)


class FileType(NamedTuple):
    mime_type: str
    extension: str


def _type(mime_type: str) -> FileType:
    return FileType(mime_type, EXTENSIONS[mime_type])


def sniff(stream: BinaryIO) -> FileType:
    """The accepted type of the seekable ``stream``, or UploadRejected.

    Reads only what it needs (the first 64 KiB, the end of a PDF, a ZIP's
    directory) and leaves the stream at its start.
    """
    stream.seek(0)
    head = stream.read(HEAD_BYTES)
    try:
        file_type = _detect(stream, head)
        stream.seek(0)
        if MARKUP.search(stream.read(SCAN_BYTES)):
            raise UploadRejected(POLYGLOT)
        return file_type
    finally:
        stream.seek(0)


def _detect(stream: BinaryIO, head: bytes) -> FileType:
    if not head:
        raise UploadRejected(EMPTY)
    if head.startswith(b"%PDF-"):
        _check_pdf_ends(stream)
        return _type(PDF)
    if head.startswith(b"\xff\xd8\xff"):
        return _type(JPEG)
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return _type(PNG)
    if head[4:8] == b"ftyp":
        return _heif_type(head)
    if head.startswith(b"PK\x03\x04"):
        return _document_type(stream)
    raise UploadRejected(NOT_ACCEPTED)


def _check_pdf_ends(stream: BinaryIO) -> None:
    end = stream.seek(0, io.SEEK_END)
    stream.seek(max(0, end - PDF_TAIL_BYTES))
    if b"%%EOF" not in stream.read(PDF_TAIL_BYTES):
        raise UploadRejected(INCOMPLETE_PDF)


def _heif_type(head: bytes) -> FileType:
    """HEIC/HEIF from the ISO BMFF ``ftyp`` box: size, "ftyp", major brand,
    minor version, then compatible brands to the end of the box."""
    box_size = int.from_bytes(head[0:4], "big")
    if not 16 <= box_size <= len(head):
        raise UploadRejected(NOT_ACCEPTED)
    major = head[8:12]
    compatible = {head[offset : offset + 4] for offset in range(16, box_size - 3, 4)}
    if major in HEIC_BRANDS:
        return _type(HEIC)
    if major in HEIF_BRANDS:
        # Many phones write major brand "mif1" and list "heic" as compatible.
        return _type(HEIC if compatible & HEIC_BRANDS else HEIF)
    # MP4 and QuickTime video, AVIF and the rest share the box but not the brands.
    raise UploadRejected(NOT_ACCEPTED)


def _document_type(stream: BinaryIO) -> FileType:
    """DOCX or ODT, judged from the ZIP's central directory (read by seeking,
    so the file is never loaded whole and nothing is decompressed but the
    few bytes of an ODT's ``mimetype`` entry)."""
    stream.seek(0)
    try:
        with zipfile.ZipFile(stream) as archive:
            entries = archive.infolist()
            names = {entry.filename for entry in entries}
            if "[Content_Types].xml" in names and any(name.startswith("word/") for name in names):
                if "word/vbaProject.bin" in names:
                    raise UploadRejected(MACROS)
                return _type(DOCX)
            if entries and entries[0].filename == "mimetype":
                # ODF puts an uncompressed "mimetype" entry first, so a reader
                # finds the type at a fixed place; spreadsheets and the like differ.
                if entries[0].file_size < 100 and archive.read(entries[0]).strip() == ODT.encode("ascii"):
                    return _type(ODT)
                raise UploadRejected(NOT_ACCEPTED)
            if "[Content_Types].xml" in names:
                raise UploadRejected(NOT_ACCEPTED)  # Excel, PowerPoint and other Office files
    except BROKEN_ZIP as exc:
        raise UploadRejected(NOT_ACCEPTED) from exc
    raise UploadRejected(PLAIN_ZIP)
