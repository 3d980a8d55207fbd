"""Previews of photo evidence: upright, small, without metadata; never a reason to refuse an
upload; and never able to exhaust the process that asks for one."""

from __future__ import annotations

import io

import pillow_heif
import pytest
from PIL import Image, ImageFile

from portal.services.files import thumbnails
from portal.services.files.thumbnail_decoder import THUMBNAIL_PIXELS, TooBig, render
from portal.services.files.thumbnails import make_thumbnail
from tests.storage.sample_files import make_big_png, make_jpeg

GPS_IFD = 0x8825
ORIENTATION = 0x0112
MIB = 1024 * 1024


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


@pytest.fixture
def no_decoding(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to decode pixels in this process fails the test."""

    def refuse(self: ImageFile.ImageFile) -> None:
        raise AssertionError("the picture was decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", refuse)


@pytest.mark.usefixtures("no_decoding")
@pytest.mark.parametrize(
    ("width", "height", "message"),
    [
        (9_000, 7_000, "9000 x 7000 pixels is more than 50,000,000"),
        (60_000, 60_000, "3600000000 pixels"),  # so big that Pillow's own check stops it first
    ],
)
def test_a_picture_with_too_many_pixels_is_refused_from_its_header(width: int, height: int, message: str) -> None:
    # The pixel data could never be decoded: the header alone decides.
    huge = make_big_png(width, height, header_only=True)
    with pytest.raises(TooBig, match=message):
        render(io.BytesIO(huge), max_pixels=thumbnails.MAX_PIXELS, max_decoded_bytes=thumbnails.MAX_DECODED_BYTES)


@pytest.mark.usefixtures("no_decoding")
def test_a_picture_that_would_not_fit_the_memory_limit_is_refused_from_its_header() -> None:
    # 36 megapixels is under the pixel limit, but as RGBA it would take 144 MB once decoded.
    wide = make_big_png(6_000, 6_000, colour_type=6, header_only=True)
    with pytest.raises(TooBig, match="144,000,000 bytes"):
        render(io.BytesIO(wide), max_pixels=thumbnails.MAX_PIXELS, max_decoded_bytes=thumbnails.MAX_DECODED_BYTES)


def test_a_49_megapixel_png_gets_no_preview_and_is_never_decoded(caplog: pytest.LogCaptureFixture) -> None:
    # The attack: a one-colour PNG of 49 megapixels, a few hundred kilobytes on the wire.
    attack = make_big_png(8_100, 6_050)
    with caplog.at_level("INFO", logger="portal.services.files.thumbnails"):
        assert make_thumbnail(io.BytesIO(attack)) is None
    assert "too big: 8100 x 6050 pixels would take 196,020,000 bytes to decode" in caplog.text


def test_a_49_megapixel_jpeg_is_decoded_at_an_eighth_of_its_size(monkeypatch: pytest.MonkeyPatch) -> None:
    # Decoded whole it would take 49 MB even in grey; at 1/8 scale it takes under 1 MB.
    monkeypatch.setattr(thumbnails, "MAX_DECODED_BYTES", 2 * MIB)
    outcome = thumbnails.decode(io.BytesIO(make_jpeg(8_100, 6_050)))
    assert outcome.reason == "ok"
    assert opened(outcome.preview or b"").size == (THUMBNAIL_PIXELS, 179)


def test_decoding_happens_in_a_child_whose_memory_is_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    # 25 megapixels of RGB: allowed, 100 MB decoded, in a PNG of a few hundred kilobytes.
    picture = make_big_png(5_000, 5_000)
    allowed = thumbnails.decode(io.BytesIO(picture))
    assert allowed.reason == "ok", allowed.reason
    assert allowed.peak_kb is not None
    assert allowed.peak_kb * 1024 < thumbnails.CHILD_MEMORY_BYTES

    # The same picture with a child allowed room for the interpreter and Pillow (about
    # 55 MB of address space) but not for the 100 MB of pixels: the kernel refuses the
    # allocation, the child gives up, and this process carries on.
    monkeypatch.setattr(thumbnails, "CHILD_MEMORY_BYTES", 96 * MIB)
    starved = thumbnails.decode(io.BytesIO(picture))
    assert starved.preview is None
    assert starved.reason.startswith("unreadable"), starved.reason


def test_a_child_that_runs_past_its_time_is_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(thumbnails, "CHILD_WALL_SECONDS", 0.001)
    outcome = thumbnails.decode(io.BytesIO(photo()))
    assert outcome.preview is None
    assert "took longer than" in outcome.reason


def test_when_the_decoder_cannot_start_there_is_simply_no_preview(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(thumbnails.sys, "executable", "/nonexistent/python")
    assert make_thumbnail(io.BytesIO(photo())) is None
