"""Spoken or filmed answers: checking an upload by its content with ffprobe, and converting it with ffmpeg.

Nothing here trusts the file's name or the type the browser claims. The
upload is copied to a temporary file with no extension (so the name cannot
steer ffprobe's guess) and probed with only the container formats phones and
browsers record in allowed (so a playlist or a concatenation list, which
would make ffmpeg read other files, is never opened) and only local file
reading. Every run of ffprobe or ffmpeg is a plain argument list (no shell)
with a timeout.

It must hold real sound, last no longer than the limit and be no bigger than
the size limit; it may have pictures too. ``convert`` then makes the one
format every phone and browser plays: MP4 with H.264 video (no more than
720 lines on its shorter side) and AAC sound, or M4A (AAC) for sound only.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from portal.errors import UploadRejected
from portal.infra.i18n import _l, gettext, ngettext
from portal.services.files.uploads import clean_filename

log = logging.getLogger(__name__)

CHUNK_SIZE = 64 * 1024
MIB = 1024 * 1024
PROBE_TIMEOUT_SECONDS = 30
CONVERT_TIMEOUT_SECONDS = 30 * 60
# The container formats (ffmpeg's demuxers) recordings come in: MP4/MOV/M4A/3GP, WebM/Matroska,
# Ogg, MP3, WAV, AAC, FLAC and AMR. Nothing else is opened.
FORMATS = "mov,matroska,ogg,mp3,wav,aac,flac,amr"
# What the converted file is, by whether it has pictures.
VIDEO_TYPE = ("video/mp4", ".mp4")
AUDIO_TYPE = ("audio/mp4", ".m4a")
# The type each accepted format is kept as until it is converted: (with pictures, sound only).
UPLOADED_TYPES = {
    "mov": (("video/mp4", ".mp4"), ("audio/mp4", ".m4a")),
    "matroska": (("video/webm", ".webm"), ("audio/webm", ".weba")),
    "ogg": (("video/ogg", ".ogv"), ("audio/ogg", ".ogg")),
    "mp3": (("audio/mpeg", ".mp3"), ("audio/mpeg", ".mp3")),
    "wav": (("audio/wav", ".wav"), ("audio/wav", ".wav")),
    "aac": (("audio/aac", ".aac"), ("audio/aac", ".aac")),
    "flac": (("audio/flac", ".flac"), ("audio/flac", ".flac")),
    "amr": (("audio/amr", ".amr"), ("audio/amr", ".amr")),
}
NOT_A_RECORDING = _l(
    "The file is not a sound or video recording we can play. Record your answer again on your phone, "
    "or choose the recording file (for example, .mp4, .m4a, .mp3 or .webm)."
)
NO_SOUND = _l("The recording has no sound. Check your microphone is on, record your answer again and upload it.")
EMPTY = _l("The file is empty. Check you chose the right recording and upload it again.")


class ConversionFailed(Exception):
    """ffmpeg could not make the playable file (the recording is damaged, or it took too long)."""


@dataclass(frozen=True)
class Probe:
    format_name: str  # the demuxer that opened it: one of FORMATS
    has_audio: bool
    has_video: bool
    duration_seconds: float | None


@dataclass
class ReceivedRecording:
    """An upload that passed the checks, waiting in a temporary file; close it (or use ``with``) when done."""

    path: Path
    filename: str
    content_type: str
    extension: str
    size: int
    sha256: str
    has_video: bool
    duration_seconds: float

    def close(self) -> None:
        shutil.rmtree(self.path.parent, ignore_errors=True)

    def __enter__(self) -> ReceivedRecording:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()


def _megabytes(size: int) -> str:
    return f"{size / MIB:g}"


def duration(total_seconds: int) -> str:
    """A length of time in words, in the reader's language: "2 minutes 30 seconds"."""
    minutes, seconds = divmod(total_seconds, 60)
    parts = [ngettext("%(num)d minute", "%(num)d minutes", minutes)] if minutes else []
    if seconds or not minutes:
        parts.append(ngettext("%(num)d second", "%(num)d seconds", seconds))
    return " ".join(parts)


def too_long_message(max_seconds: int) -> str:
    return gettext(
        "The recording is longer than %(limit)s. Record a shorter answer and upload it again.",
        limit=duration(max_seconds),
    )


def limits_hint(max_seconds: int, max_megabytes: int) -> str:
    """What the recording field's hint says about the limits."""
    return gettext("Up to %(length)s and %(megabytes)s MB.", length=duration(max_seconds), megabytes=max_megabytes)


def receive_recording(stream: IO[bytes], filename: str, *, max_bytes: int, max_seconds: int) -> ReceivedRecording:
    """Copy ``stream`` to a temporary file and check it is a recording with sound within the limits;
    raise UploadRejected (saying what to do) and leave nothing behind otherwise."""
    folder = Path(tempfile.mkdtemp(prefix="recording-"))
    path = folder / "upload"
    try:
        digest = hashlib.sha256()
        size = 0
        with path.open("wb") as out:
            while chunk := stream.read(min(CHUNK_SIZE, max_bytes - size + 1)):
                size += len(chunk)
                if size > max_bytes:
                    raise UploadRejected(
                        gettext(
                            "The recording is larger than %(megabytes)s MB. Record a shorter answer, "
                            "or a lower quality video, and upload it again.",
                            megabytes=_megabytes(max_bytes),
                        )
                    )
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise UploadRejected(EMPTY)
        found = probe(path)
        if found is None:
            raise UploadRejected(NOT_A_RECORDING)
        if not found.has_audio:
            raise UploadRejected(NO_SOUND)
        duration = found.duration_seconds
        if duration is None:
            duration = measure_duration(path)
        if duration is None:
            raise UploadRejected(NOT_A_RECORDING)
        if duration > max_seconds:
            raise UploadRejected(too_long_message(max_seconds))
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    with_pictures, sound_only = UPLOADED_TYPES[found.format_name]
    content_type, extension = with_pictures if found.has_video else sound_only
    return ReceivedRecording(
        path=path,
        filename=clean_filename(filename),
        content_type=content_type,
        extension=extension,
        size=size,
        sha256=digest.hexdigest(),
        has_video=found.has_video,
        duration_seconds=duration,
    )


def _run(arguments: list[str], timeout: int) -> subprocess.CompletedProcess[bytes] | None:
    try:
        return subprocess.run(  # noqa: S603  (a fixed program and arguments, no shell)
            arguments, capture_output=True, timeout=timeout, check=False, stdin=subprocess.DEVNULL
        )
    except subprocess.TimeoutExpired:
        log.warning("%s took longer than %s s", arguments[0], timeout)
        return None


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise RuntimeError(f"{name} is not installed (Debian: apt-get install ffmpeg)")
    return found


def _input(path: Path) -> list[str]:
    """The options that open ``path`` as a local file in one of the accepted formats only."""
    return ["-protocol_whitelist", "file", "-format_whitelist", FORMATS, "-i", f"file:{path}"]


def probe(path: Path) -> Probe | None:
    """What ffprobe finds in the file, or None when it is not a recording in an accepted format."""
    result = _run(
        [
            _tool("ffprobe"),
            "-v",
            "error",
            "-show_entries",
            "format=format_name,duration:stream=codec_type:stream_disposition=attached_pic",
            "-of",
            "json",
            *_input(path),
        ],
        PROBE_TIMEOUT_SECONDS,
    )
    if result is None or result.returncode != 0:
        return None
    try:
        report: dict[str, Any] = json.loads(result.stdout)
    except ValueError:
        return None
    format_name = str(report.get("format", {}).get("format_name", "")).split(",")[0]
    if format_name not in UPLOADED_TYPES:
        return None
    streams = report.get("streams", [])
    kinds = [
        stream.get("codec_type")
        for stream in streams
        # A picture stored with a song (its cover) is not a film.
        if not (stream.get("disposition") or {}).get("attached_pic")
    ]
    try:
        duration: float | None = float(report["format"]["duration"])
    except (KeyError, TypeError, ValueError):
        duration = None  # recordings made in a browser often do not say how long they are
    return Probe(format_name, "audio" in kinds, "video" in kinds, duration)


def measure_duration(path: Path) -> float | None:
    """How long the sound lasts, found by reading it through (without decoding) when the file does not say."""
    result = _run(
        [_tool("ffmpeg"), "-nostdin", "-v", "error", *_input(path), "-map", "0:a:0", "-c", "copy", *NULL_OUTPUT],
        PROBE_TIMEOUT_SECONDS,
    )
    if result is None or result.returncode != 0:
        return None
    times = [line for line in result.stdout.decode("ascii", "replace").splitlines() if line.startswith("out_time_us=")]
    try:
        return int(times[-1].split("=", 1)[1]) / 1_000_000 if times else None
    except ValueError:
        return None


# Count the time read without writing anything.
NULL_OUTPUT = ("-f", "null", "-progress", "pipe:1", "-")
# At most 720 lines on the shorter side (landscape or portrait), never enlarged, even sizes for H.264.
SCALE = "scale='if(gt(iw,ih),-2,2*trunc(min(720,iw)/2))':'if(gt(iw,ih),2*trunc(min(720,ih)/2),-2)'"


def converted_type(has_video: bool) -> tuple[str, str]:
    """The content type and extension of a converted recording."""
    return VIDEO_TYPE if has_video else AUDIO_TYPE


def convert(source: Path, target: Path, *, has_video: bool, max_seconds: int) -> None:
    """Make ``target``: MP4 (H.264 and AAC) with pictures, M4A (AAC) without; ConversionFailed if ffmpeg cannot."""
    video = (
        ["-map", "0:v:0", "-c:v", "libx264", "-preset", "veryfast", "-crf", "26", "-pix_fmt", "yuv420p", "-vf", SCALE]
        if has_video
        else ["-vn"]
    )
    result = _run(
        [
            *[_tool("ffmpeg"), "-nostdin", "-v", "error", "-y", *_input(source), "-t", str(max_seconds)],
            *["-map", "0:a:0", *video, "-c:a", "aac", "-b:a", "128k", "-movflags", "+faststart"],
            *["-map_metadata", "-1", "-sn", "-dn", "-f", "mp4", f"file:{target}"],
        ],
        CONVERT_TIMEOUT_SECONDS,
    )
    if result is None:
        raise ConversionFailed("The recording took too long to prepare.")
    if result.returncode != 0 or not target.is_file() or target.stat().st_size == 0:
        log.warning("ffmpeg could not convert a recording: %s", result.stderr.decode("utf-8", "replace")[-500:])
        raise ConversionFailed("The recording could not be prepared: it may be damaged.")


STREAMS = "stream=codec_type,codec_name,width,height"


def stream_codecs(path: Path) -> list[tuple[str, str, tuple[int, int] | None]]:
    """Each stream's kind, codec and (for pictures) width and height: what a converted file holds."""
    result = _run(
        [_tool("ffprobe"), "-v", "error", "-show_entries", STREAMS, "-of", "json", *_input(path)],
        PROBE_TIMEOUT_SECONDS,
    )
    if result is None or result.returncode != 0:
        return []
    streams = json.loads(result.stdout).get("streams", [])
    return [
        (
            str(s.get("codec_type")),
            str(s.get("codec_name")),
            (int(s["width"]), int(s["height"])) if s.get("codec_type") == "video" else None,
        )
        for s in streams
    ]
