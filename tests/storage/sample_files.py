"""Real, minimal files of each kind, built byte by byte for tests (no Pillow,
no office suite): enough structure for real viewers to open them."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

from portal.services.files.pdf import pdf_file

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"


def make_pdf(*, trailing: bytes = b"\n") -> bytes:
    """A one-page PDF with a correct cross-reference table."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    ]
    return pdf_file(objects, trailing=trailing)


def make_jpeg(width: int = 1, height: int = 1, *, comment: bytes = b"") -> bytes:
    """A grey baseline JPEG: every 8x8 block's coefficients are zero, coded with
    one-symbol Huffman tables, so even a 49-megapixel picture takes a few
    hundred kilobytes to make and no memory to speak of. ``comment`` goes in a
    COM segment before the picture."""

    def segment(marker: int, payload: bytes) -> bytes:
        return struct.pack(">BBH", 0xFF, marker, len(payload) + 2) + payload

    one_code = bytes([1] + [0] * 15) + b"\x00"  # one code of length 1, for symbol 0
    blocks = -(-width // 8) * -(-height // 8)
    # Each block is two 0 bits (DC difference 0, end of block); the last byte is padded with 1 bits.
    bits = 2 * blocks
    scan = bytes(bits // 8) + (bytes([0xFF >> (bits % 8)]) if bits % 8 else b"")
    return (
        b"\xff\xd8"
        + segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
        # A segment holds at most 65,533 bytes, so a long comment takes several.
        + b"".join(segment(0xFE, comment[start : start + 65_533]) for start in range(0, len(comment), 65_533))
        + segment(0xDB, b"\x00" + bytes([1] * 64))
        + segment(0xC0, struct.pack(">BHHB", 8, height, width, 1) + b"\x01\x11\x00")
        + segment(0xC4, b"\x00" + one_code)
        + segment(0xC4, b"\x10" + one_code)
        + segment(0xDA, b"\x01\x01\x00\x00\x3f\x00")
        + scan
        + b"\xff\xd9"
    )


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


PNG_CHANNELS = {0: 1, 2: 3, 6: 4}  # grey, RGB, RGBA


def make_big_png(width: int, height: int, *, colour_type: int = 2, header_only: bool = False) -> bytes:
    """A black PNG of any size, compressed row by row (a 25-megapixel one is
    about 75 KB and never held whole). With ``header_only`` the pixel data is
    cut short: the header is true, but the picture cannot be decoded."""
    header = struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0)
    if header_only:
        pixels = zlib.compress(bytes(64))
    else:
        compressor = zlib.compressobj(6)
        row = bytes(1 + width * PNG_CHANNELS[colour_type])  # filter byte 0, then the pixels
        pixels = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", pixels) + _png_chunk(b"IEND", b"")


def make_png() -> bytes:
    """A 1x1 black greyscale PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\x00")) + chunk(b"IEND", b"")
    )


def make_png_with_text(text: bytes) -> bytes:
    """A 1x1 PNG with ``text`` in a tEXt chunk before its pixels."""
    png = make_png()
    header_end = 8 + 25  # the signature, then IHDR (length, type, 13 bytes, CRC)
    return png[:header_end] + _png_chunk(b"tEXt", b"Comment\x00" + text) + png[header_end:]


def make_ftyp(major: bytes, *compatible: bytes) -> bytes:
    """The start of an ISO BMFF file: an ``ftyp`` box, then an empty ``meta`` box."""
    box = b"ftyp" + major + b"\x00\x00\x00\x00" + b"".join(compatible)
    return struct.pack(">I", len(box) + 4) + box + struct.pack(">I", 12) + b"meta\x00\x00\x00\x00"


def make_zip(entries: list[tuple[str, bytes]], *, first_stored: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for index, (name, data) in enumerate(entries):
            method = zipfile.ZIP_STORED if first_stored and index == 0 else zipfile.ZIP_DEFLATED
            archive.writestr(name, data, compress_type=method)
    return buffer.getvalue()


def make_docx(*extra: tuple[str, bytes]) -> bytes:
    return make_zip(
        [
            (
                "[Content_Types].xml",
                b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                b'<Default Extension="xml" ContentType="application/xml"/>'
                b'<Override PartName="/word/document.xml" ContentType="application/'
                b'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
            ),
            (
                "_rels/.rels",
                b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                b'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
                b'2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
            ),
            (
                "word/document.xml",
                b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/'
                b'2006/main"><w:body><w:p><w:r><w:t>Our constitution</w:t></w:r></w:p></w:body></w:document>',
            ),
            *extra,
        ]
    )


def make_odf(mimetype: bytes = ODT.encode()) -> bytes:
    return make_zip(
        [
            ("mimetype", mimetype),
            (
                "META-INF/manifest.xml",
                b'<?xml version="1.0"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:'
                b'manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type="' + mimetype + b'"/>'
                b'<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                b"</manifest:manifest>",
            ),
            ("content.xml", b'<?xml version="1.0"?><office:document-content/>'),
        ],
        first_stored=True,
    )
