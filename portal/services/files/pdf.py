"""The one PDF writer: a file of objects with the cross-reference table readers need.

Kept to what the demonstration documents and the upload tests use, so no PDF
library is needed. The second line is the binary comment the format
recommends, so tools that guess text from binary treat the file as binary.
"""

from __future__ import annotations

from collections.abc import Sequence


def pdf_file(objects: Sequence[bytes], *, trailing: bytes = b"\n") -> bytes:
    """A PDF of ``objects`` (numbered from 1, the first the catalogue) with its cross-reference table."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF" % (len(objects) + 1, xref)
    return bytes(out) + trailing
