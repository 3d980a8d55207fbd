"""Checking recordings by their content with ffprobe, and converting them with ffmpeg (both for real)."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

import pytest

from portal.errors import UploadRejected
from portal.services.files import media
from tests.fixtures.media import SHORT_LIMIT_SECONDS, MediaSamples

MIB = 1024 * 1024


def receive(
    path: Path, *, max_bytes: int = 10 * MIB, max_seconds: int = SHORT_LIMIT_SECONDS
) -> media.ReceivedRecording:
    with path.open("rb") as stream:
        return media.receive_recording(stream, path.name, max_bytes=10 * MIB, max_seconds=max_seconds)


def leftover_folders() -> set[Path]:
    return set(Path(tempfile.gettempdir()).glob("recording-*"))


def test_a_browser_recording_is_sound_only(media_samples: MediaSamples) -> None:
    with receive(media_samples.tone) as received:
        assert (received.content_type, received.has_video, received.filename) == ("audio/webm", False, "tone.webm")
        assert received.duration_seconds == pytest.approx(2, abs=0.1)
        assert received.size == media_samples.tone.stat().st_size
        folder = received.path.parent
    assert not folder.exists()  # closing removes the temporary copy


def test_a_phone_film_has_pictures_and_sound(media_samples: MediaSamples) -> None:
    with receive(media_samples.film) as received:
        assert (received.content_type, received.has_video) == ("video/mp4", True)


@pytest.mark.parametrize(
    ("sample", "message"),
    [
        ("program", media.NOT_A_RECORDING),
        ("archive", media.NOT_A_RECORDING),
        ("text", media.NOT_A_RECORDING),
        ("silent_film", media.NO_SOUND),
        ("long_tone", media.too_long_message(SHORT_LIMIT_SECONDS)),
    ],
)
def test_disguised_silent_and_long_files_are_refused_leaving_nothing(
    media_samples: MediaSamples, sample: str, message: str
) -> None:
    before = leftover_folders()
    with pytest.raises(UploadRejected) as refused:
        receive(getattr(media_samples, sample))
    assert refused.value.message == message
    assert leftover_folders() == before


def test_a_recording_over_the_size_limit_is_refused_reading_just_past_it() -> None:
    stream = io.BytesIO(b"\0" * (3 * MIB))
    with pytest.raises(UploadRejected, match="larger than 1 MB"):
        media.receive_recording(stream, "big.mp4", max_bytes=MIB, max_seconds=300)
    assert stream.tell() <= MIB + media.CHUNK_SIZE


def test_an_empty_file_is_refused() -> None:
    with pytest.raises(UploadRejected, match="empty"):
        media.receive_recording(io.BytesIO(b""), "empty.m4a", max_bytes=MIB, max_seconds=300)


def test_the_limit_reads_in_minutes() -> None:
    assert media.too_long_message(300) == (
        "The recording is longer than 5 minutes. Record a shorter answer and upload it again."
    )
    assert "1 minute 30 seconds" in media.too_long_message(90)


def test_a_recording_that_does_not_say_how_long_it_is_is_measured(media_samples: MediaSamples) -> None:
    assert media.measure_duration(media_samples.tone) == pytest.approx(2, abs=0.1)


def test_sound_becomes_aac_in_m4a(media_samples: MediaSamples, tmp_path: Path) -> None:
    target = tmp_path / "out"
    media.convert(media_samples.tone, target, has_video=False, max_seconds=300)
    found = media.probe(target)
    assert found == media.Probe("mov", has_audio=True, has_video=False, duration_seconds=pytest.approx(2, abs=0.1))
    assert media.stream_codecs(target) == [("audio", "aac", None)]


def test_film_becomes_h264_no_taller_than_720_with_aac(media_samples: MediaSamples, tmp_path: Path) -> None:
    target = tmp_path / "out"
    media.convert(media_samples.film, target, has_video=True, max_seconds=300)
    assert sorted(media.stream_codecs(target)) == [("audio", "aac", None), ("video", "h264", (960, 720))]


def test_a_damaged_recording_fails_to_convert(tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    broken.write_bytes(b"\x1a\x45\xdf\xa3" + b"\0" * 100)
    with pytest.raises(media.ConversionFailed):
        media.convert(broken, tmp_path / "out", has_video=False, max_seconds=300)
