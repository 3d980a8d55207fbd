"""Turning one uploaded picture into a small JPEG preview, inside a child process.

``portal.services.files.thumbnails`` runs this file as a separate, isolated Python
(``python -I thumbnail_decoder.py MAX_PIXELS MAX_DECODED_BYTES MEMORY_BYTES
CPU_SECONDS``) with the picture on standard input. It imports nothing from the
portal, so it can run without the portal on its path. Before it reads a byte it
caps its own address space and CPU time, so a picture that makes a decoder
misbehave costs this process, not a web worker. It then reads only the
picture's header and refuses, without decoding, a picture with more pixels than
``MAX_PIXELS`` or whose decoded pixels would take more than
``MAX_DECODED_BYTES`` of memory (JPEG is judged at the reduced scale it will be
decoded at).

It writes the preview's bytes to standard output and one JSON line to standard
error (``reason``: ``ok``, ``too big: …`` or ``unreadable: …``; ``peak_kb``: its
own peak resident memory). Exit status: 0 preview written, 3 refused before
decoding, 4 the picture would not decode.
"""

from __future__ import annotations

import io
import json
import resource
import sys
import warnings
from typing import BinaryIO

import pillow_heif
from PIL import Image, ImageOps

THUMBNAIL_PIXELS = 240
OK, TOO_BIG, UNREADABLE = 0, 3, 4
# Bytes Pillow keeps per pixel: one for single-band 8-bit modes, two for
# 16-bit grey, four for everything else (RGB is stored padded to four).
BYTES_PER_PIXEL = {"1": 1, "L": 1, "P": 1, "I;16": 2, "I;16L": 2, "I;16B": 2, "I;16N": 2}


class TooBig(Exception):
    """The header says decoding would take more pixels or memory than allowed."""


def decoded_bytes(image: Image.Image) -> int:
    """How much memory the decoded pixels will take, from the header (after any draft)."""
    width, height = image.size
    return width * height * BYTES_PER_PIXEL.get(image.mode, 4)


def render(source: BinaryIO, *, max_pixels: int, max_decoded_bytes: int) -> bytes:
    """JPEG bytes of a preview at most 240 pixels square, upright and without metadata.

    Raises TooBig, before anything is decoded, for a picture over either limit;
    any other exception means the picture would not decode.
    """
    with warnings.catch_warnings():
        # Pillow's own bomb check, in case the limits here are ever loosened past it.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(source)  # reads the header only
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise TooBig(str(error)) from error
        with image:
            width, height = image.size
            if width * height > max_pixels:
                raise TooBig(f"{width} x {height} pixels is more than {max_pixels:,}")
            # JPEG only: decode at 1/2, 1/4 or 1/8 scale, still at least twice the preview's size.
            image.draft("RGB", (THUMBNAIL_PIXELS * 2, THUMBNAIL_PIXELS * 2))
            needed = decoded_bytes(image)
            if needed > max_decoded_bytes:
                raise TooBig(f"{width} x {height} pixels would take {needed:,} bytes to decode")
            # Shrink first (this decodes), then turn the small copy upright.
            image.thumbnail((THUMBNAIL_PIXELS, THUMBNAIL_PIXELS))
            upright = ImageOps.exif_transpose(image)
            output = io.BytesIO()
            # Saved without exif or other info, so a preview never carries where a photo was taken.
            upright.convert("RGB").save(output, "JPEG", quality=80, optimize=True)
    return output.getvalue()


def _peak_kb() -> int:
    """This process's peak resident memory. ``ru_maxrss`` will not do: Linux
    carries the parent's peak over into a child started by vfork and exec."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _report(reason: str) -> None:
    sys.stderr.write(json.dumps({"reason": reason, "peak_kb": _peak_kb()}) + "\n")


def _cap(kind: int, soft: int, hard: int) -> None:
    """Lower a limit to ``soft``/``hard``, never above a stricter one already set
    (raising a hard limit is not allowed, and would loosen it)."""
    _, current = resource.getrlimit(kind)
    if current != resource.RLIM_INFINITY:
        soft, hard = min(soft, current), min(hard, current)
    resource.setrlimit(kind, (soft, hard))


def main(argv: list[str]) -> int:
    max_pixels, max_decoded_bytes, memory_bytes, cpu_seconds = (int(value) for value in argv[1:5])
    _cap(resource.RLIMIT_AS, memory_bytes, memory_bytes)
    # Past the soft limit the kernel sends SIGXCPU, past the hard one SIGKILL.
    _cap(resource.RLIMIT_CPU, cpu_seconds, cpu_seconds + 1)
    Image.MAX_IMAGE_PIXELS = max_pixels
    pillow_heif.options.DECODE_THREADS = 1  # one decoding thread: its memory is predictable
    pillow_heif.register_heif_opener()
    source: BinaryIO = sys.stdin.buffer
    if not source.seekable():
        source = io.BytesIO(source.read())
    try:
        preview = render(source, max_pixels=max_pixels, max_decoded_bytes=max_decoded_bytes)
    except TooBig as error:
        _report(f"too big: {error}")
        return TOO_BIG
    except MemoryError:
        _report("unreadable: ran out of memory")
        return UNREADABLE
    except Exception as error:  # a hostile file may make a decoder raise anything; this process only reports it
        _report(f"unreadable: {type(error).__name__}: {error}")
        return UNREADABLE
    sys.stdout.buffer.write(preview)
    sys.stdout.buffer.flush()
    _report("ok")
    return OK


if __name__ == "__main__":
    sys.exit(main(sys.argv))
