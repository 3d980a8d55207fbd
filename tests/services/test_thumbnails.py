"""Previews of photo evidence: upright, small, without metadata; never a reason to refuse an upload."""

from __future__ import annotations

import io

import pillow_heif
from PIL import Image

from portal.services.thumbnails import THUMBNAIL_PIXELS, make_thumbnail

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def photo(format_: str = "JPEG", size: tuple[int, int] = (1200, 600), orientation: int | None = None) -> bytes:
    image = Image.new("RGB", size, "navy")
    exif = Image.Exif()
    if orientation:
        exif[ORIENTATION] = orientation
    exif[GPS_IFD] = {1: "N", 2: (51.0, 39.0, 20.0)}
    output = io.BytesIO()
    image.save(output, format_, exif=exif.tobytes()) if format_ == "JPEG" else image.save(output, format_)
    return output.getvalue()


def opened(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data))


def test_a_jpeg_is_shrunk_turned_upright_and_stripped() -> None:
    thumbnail = make_thumbnail(io.BytesIO(photo(orientation=6)))  # taken with the phone on its side
    assert thumbnail is not None
    image = opened(thumbnail)
    assert image.format == "JPEG"
    assert image.size == (THUMBNAIL_PIXELS // 2, THUMBNAIL_PIXELS)  # rotated: taller than wide
    assert GPS_IFD not in image.getexif()
    assert ORIENTATION not in image.getexif()


def test_png_and_heic_photos_get_previews() -> None:
    assert opened(make_thumbnail(io.BytesIO(photo("PNG"))) or b"").size == (THUMBNAIL_PIXELS, THUMBNAIL_PIXELS // 2)
    pillow_heif.register_heif_opener()
    heic = io.BytesIO()
    Image.new("RGB", (800, 800), "green").save(heic, format="HEIF")
    assert opened(make_thumbnail(io.BytesIO(heic.getvalue())) or b"").size == (THUMBNAIL_PIXELS, THUMBNAIL_PIXELS)


def test_a_broken_image_has_no_preview() -> None:
    assert make_thumbnail(io.BytesIO(photo()[:200])) is None
    assert make_thumbnail(io.BytesIO(b"\xff\xd8\xff\xe0 not really a jpeg")) is None


def test_a_huge_image_is_not_decoded() -> None:
    assert make_thumbnail(io.BytesIO(photo("PNG", size=(10_000, 6_000)))) is None
