"""Small JPEG previews of photo evidence, made so that no picture can exhaust a web worker.

A preview is turned the right way up, shrunk to at most 240 pixels and saved
without any metadata, so it never carries the photo's location. It is a
convenience: a picture that cannot be previewed safely keeps its upload and
simply has no preview (the page lists it by name, and officers and the group
can download it). Refusing the upload instead would make a group take the
photo again for the sake of a 240-pixel picture nobody needs.

How decoding is bounded, and why this way:

- **The header decides first.** Before any pixel is decoded, a picture with
  more than ``MAX_PIXELS`` pixels, or whose decoded pixels would need more than
  ``MAX_DECODED_BYTES``, is refused. Pillow allocates what the header declares,
  so this bounds well-formed files cheaply. JPEG is judged at the scale it is
  decoded at: its "draft" mode decodes at 1/2 to 1/8 scale, so a 48-megapixel
  phone photo costs under a megapixel; PNG and HEIC have no such mode, so a
  picture of more than about 32 megapixels (four bytes a pixel) gets no preview.
- **Decoding happens in a child process** (``thumbnail_decoder.py``, run with
  the same Python, isolated) that caps its own address space (``RLIMIT_AS``)
  and CPU time (``RLIMIT_CPU``) before reading the file, and that this process
  kills after ``CHILD_WALL_SECONDS``. The header check only covers what we
  foresaw; the decoders are large C libraries (libjpeg, zlib, libheif and
  libde265) parsing a stranger's bytes, and a slow path, a leak or a crash in
  one of them must not take a gunicorn worker that is serving other people
  with it. In a child the kernel enforces the limits, a crash is "no
  preview", and the memory a big decode touched goes back to the system when
  the child exits instead of staying in the worker's heap. Starting the child
  costs about 60 ms, small beside uploading a photo from a phone. A fork
  without exec would be cheaper but is unsafe in a process that may have
  threads (database pools, S3 transfers); threads cannot be limited at all.

``sys.executable`` must be a Python interpreter, as it is under gunicorn and
``flask``; if the child cannot start, pictures simply have no preview (logged).
"""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

log = logging.getLogger(__name__)

IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/heic", "image/heif"})
# More than any phone camera mode in common use (48 to 50 megapixels).
MAX_PIXELS = 50_000_000
# A 24-megapixel HEIC photo (the default on recent iPhones) needs about 98 MB.
MAX_DECODED_BYTES = 128 * 1024 * 1024
# The child's whole address space. The largest pictures allowed (about 33
# megapixels of PNG or HEIC) peak near 280 MB resident and decode within 384 MB;
# a 49-megapixel HEIC, were it allowed, would need 512 MB.
CHILD_MEMORY_BYTES = 512 * 1024 * 1024
CHILD_CPU_SECONDS = 10
# Wall-clock time, for a child that waits rather than computes; well inside
# gunicorn's 30-second worker timeout.
CHILD_WALL_SECONDS = 20
DECODER = Path(__file__).with_name("thumbnail_decoder.py")
COPY_CHUNK = 64 * 1024
# The child's whole environment: no inherited settings or secrets, and at most
# two malloc arenas (each thread's arena reserves address space the limit counts).
CHILD_ENVIRONMENT = {"MALLOC_ARENA_MAX": "2", "LC_ALL": "C"}


@dataclass(frozen=True)
class Outcome:
    """What the child made of a picture: the preview, or why there is none."""

    preview: bytes | None
    reason: str
    peak_kb: int | None = None


def decoder_command() -> list[str]:
    """The command that runs the decoder with the current limits (read at call time)."""
    limits = (MAX_PIXELS, MAX_DECODED_BYTES, CHILD_MEMORY_BYTES, CHILD_CPU_SECONDS)
    return [sys.executable, "-I", str(DECODER), *(str(limit) for limit in limits)]


def make_thumbnail(source: BinaryIO) -> bytes | None:
    """JPEG bytes of a small preview of the picture in ``source`` (read from its
    current position), or None when it cannot be previewed safely."""
    outcome = decode(source)
    if outcome.preview is None:
        log.info("no thumbnail: %s", outcome.reason)
    return outcome.preview


def decode(source: BinaryIO) -> Outcome:
    """Run the decoder on a private copy of ``source`` and say how it went."""
    # A copy of its own: the child reads it through a file descriptor, and a
    # descriptor shared with ``source`` would move that file's position under it.
    with tempfile.TemporaryFile() as copy:
        shutil.copyfileobj(source, copy, COPY_CHUNK)
        copy.seek(0)
        try:
            finished = subprocess.run(  # noqa: S603 (our own script, run by our own interpreter, no shell)
                decoder_command(),
                stdin=copy,
                capture_output=True,
                timeout=CHILD_WALL_SECONDS,
                env=CHILD_ENVIRONMENT,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return Outcome(None, f"decoding took longer than {CHILD_WALL_SECONDS} seconds and was stopped")
        except OSError as error:
            return Outcome(None, f"the decoder could not be started: {error}")
    report = _last_report(finished.stderr)
    reason = str(report.get("reason") or f"the decoder stopped with status {finished.returncode}")
    peak = report.get("peak_kb")
    peak_kb = peak if isinstance(peak, int) else None
    if finished.returncode == 0 and finished.stdout.startswith(b"\xff\xd8"):
        return Outcome(finished.stdout, reason, peak_kb)
    return Outcome(None, reason, peak_kb)


def _last_report(stderr: bytes) -> dict[str, object]:
    """The child's closing JSON line; empty when it was killed before writing one."""
    lines = stderr.decode("utf-8", "replace").strip().splitlines()
    try:
        report = json.loads(lines[-1]) if lines else {}
    except ValueError:
        return {}
    return report if isinstance(report, dict) else {}
