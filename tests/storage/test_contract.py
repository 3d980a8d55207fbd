"""One contract, both backends: what the portal relies on from file storage."""

from __future__ import annotations

import hashlib
import io
import os
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest

from portal.errors import StorageUnavailable
from portal.storage.base import Storage
from portal.storage.local import LocalStorage
from portal.storage.s3 import S3Storage

MIB = 1024 * 1024
KEY = "evidence/2026/05/0123456789abcdef0123456789abcdef.pdf"


@pytest.fixture(params=["local", pytest.param("s3", marks=pytest.mark.s3)])
def broken_storage(request: pytest.FixtureRequest, tmp_path: Path) -> Storage:
    """Storage that cannot be reached: a root beneath a plain file, or an S3
    endpoint where nothing listens (port 9, discard, is closed)."""
    if request.param == "local":
        blocker = tmp_path / "not-a-folder"
        blocker.write_bytes(b"")
        return LocalStorage(blocker / "files")
    request.getfixturevalue("fake_aws_credentials")
    return S3Storage("unreachable", endpoint_url="http://127.0.0.1:9")


class ChunkedStream(io.RawIOBase):
    """A stream that cannot seek, like a request body, yielding ``size`` random bytes."""

    def __init__(self, size: int, *, fail_after: int | None = None) -> None:
        self.remaining = size
        self.sent = 0
        self.fail_after = fail_after
        self.digest = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        if self.fail_after is not None and self.sent >= self.fail_after:
            raise OSError("the connection dropped")
        count = min(len(buffer), self.remaining, 64 * 1024)
        data = os.urandom(count)
        buffer[:count] = data
        self.digest.update(data)
        self.remaining -= count
        self.sent += count
        return count


def read_all(stream: io.IOBase) -> bytes:
    with stream:
        return stream.read()


def test_put_and_open_round_trip_3_mb(storage: Storage) -> None:
    data = os.urandom(3 * MIB)

    stored = storage.put(KEY, io.BytesIO(data), "application/pdf")

    assert stored.key == KEY
    assert stored.size == 3 * MIB
    assert read_all(storage.open(KEY)) == data


def test_put_streams_from_a_stream_that_cannot_seek(storage: Storage) -> None:
    # 9 MiB: above the S3 multipart threshold, so parts are sent as they are read.
    source = ChunkedStream(9 * MIB)

    stored = storage.put(KEY, io.BufferedReader(source), "application/pdf")  # type: ignore[arg-type]

    assert stored.size == 9 * MIB
    assert hashlib.sha256(read_all(storage.open(KEY))).hexdigest() == source.digest.hexdigest()


def test_put_replaces_an_existing_object(storage: Storage) -> None:
    storage.put(KEY, io.BytesIO(b"first"), "application/pdf")
    storage.put(KEY, io.BytesIO(b"second"), "application/pdf")

    assert read_all(storage.open(KEY)) == b"second"


def test_exists_and_delete(storage: Storage) -> None:
    assert not storage.exists(KEY)
    storage.put(KEY, io.BytesIO(b"%PDF-1.4"), "application/pdf")
    assert storage.exists(KEY)

    storage.delete(KEY)

    assert not storage.exists(KEY)


def test_deleting_a_missing_object_is_not_an_error(storage: Storage) -> None:
    storage.delete(KEY)


def test_opening_a_missing_object_raises_file_not_found(storage: Storage) -> None:
    with pytest.raises(FileNotFoundError):
        storage.open(KEY)


COPY = "evidence/2026/06/fedcba9876543210fedcba9876543210.pdf"


def test_a_copy_is_independent_of_its_source(storage: Storage) -> None:
    data = os.urandom(64 * 1024)
    storage.put(KEY, io.BytesIO(data), "application/pdf")

    copied = storage.copy(KEY, COPY)

    assert (copied.key, copied.size) == (COPY, len(data))
    storage.delete(KEY)
    assert read_all(storage.open(COPY)) == data
    storage.put(KEY, io.BytesIO(b"%PDF-1.4 changed"), "application/pdf")
    storage.delete(COPY)
    assert read_all(storage.open(KEY)) == b"%PDF-1.4 changed"


def test_copying_a_big_object_copies_every_byte(storage: Storage) -> None:
    # 9 MiB: above the S3 multipart threshold, so it is copied in parts.
    source = ChunkedStream(9 * MIB)
    storage.put(KEY, io.BufferedReader(source), "application/pdf")  # type: ignore[arg-type]

    assert storage.copy(KEY, COPY).size == 9 * MIB
    assert hashlib.sha256(read_all(storage.open(COPY))).hexdigest() == source.digest.hexdigest()


def test_copying_a_missing_object_raises_file_not_found_and_leaves_nothing(storage: Storage) -> None:
    with pytest.raises(FileNotFoundError):
        storage.copy(KEY, COPY)
    assert not storage.exists(COPY)


def test_ping_when_reachable(storage: Storage) -> None:
    assert storage.ping() is True


@pytest.mark.timeout(30)
def test_unreachable_storage_fails_fast_with_a_plain_message(broken_storage: Storage) -> None:
    started = time.monotonic()

    with pytest.raises(StorageUnavailable):
        broken_storage.ping()
    with pytest.raises(StorageUnavailable) as refused:
        broken_storage.put(KEY, io.BytesIO(b"%PDF-1.4"), "application/pdf")
    with pytest.raises(StorageUnavailable):
        broken_storage.copy(KEY, COPY)

    assert refused.value.message.startswith("We could not store your file just now.")
    assert time.monotonic() - started < 15


@pytest.mark.parametrize(
    "key",
    [
        "",
        "../outside.pdf",
        "evidence/../../outside.pdf",
        "/etc/passwd",
        "evidence//double.pdf",
        "evidence/.hidden",
        "Evidence/Upper.pdf",
        "evidence/with space.pdf",
        "evidence\\windows.pdf",
        "evidence/caf\u00e9.pdf",
        "a" * 201,
    ],
)
def test_unsafe_keys_are_refused(storage: Storage, key: str) -> None:
    with pytest.raises(ValueError, match="Not a safe storage key"):
        storage.put(key, io.BytesIO(b"x"), "application/pdf")
    with pytest.raises(ValueError, match="Not a safe storage key"):
        storage.open(key)
    with pytest.raises(ValueError, match="Not a safe storage key"):
        storage.delete(key)


def test_local_keys_cannot_escape_root_through_a_symlink(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    storage = LocalStorage(tmp_path / "files")
    (tmp_path / "files").mkdir()
    (tmp_path / "files" / "evidence").symlink_to(outside)

    with pytest.raises(ValueError, match="Not a safe storage key"):
        storage.put("evidence/escape.pdf", io.BytesIO(b"x"), "application/pdf")
    assert list(outside.iterdir()) == []


def test_local_put_that_fails_midway_leaves_no_file(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path / "files")
    storage.put(KEY, io.BytesIO(b"the old file"), "application/pdf")

    with pytest.raises(StorageUnavailable):
        storage.put(KEY, io.BufferedReader(ChunkedStream(MIB, fail_after=256 * 1024)), "application/pdf")  # type: ignore[arg-type]

    assert read_all(storage.open(KEY)) == b"the old file"
    assert sorted(path.name for path in (tmp_path / "files" / "evidence" / "2026" / "05").iterdir()) == [
        KEY.rsplit("/", 1)[1]
    ]


def test_local_url_is_none_because_the_portal_streams_the_file(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path / "files")
    storage.put(KEY, io.BytesIO(b"%PDF-1.4"), "application/pdf")

    assert storage.url(KEY, "scan.pdf", timedelta(minutes=5), "application/pdf") is None


@pytest.mark.s3
def test_s3_url_downloads_the_file_as_an_attachment(s3_storage: S3Storage) -> None:
    data = os.urandom(100 * 1024)
    s3_storage.put(KEY, io.BytesIO(data), "application/pdf")

    url = s3_storage.url(KEY, 'Caf\u00e9 "receipts"\r\n.pdf', timedelta(minutes=5), "application/pdf")

    assert url is not None
    assert "X-Amz-Signature=" in url
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (the moto server's http URL)
        body = response.read()
        disposition = response.headers["Content-Disposition"]
        content_type = response.headers["Content-Type"]
    assert body == data
    assert content_type == "application/pdf"
    assert disposition.startswith("attachment; ")
    assert 'filename="Cafe _receipts___.pdf"' in disposition
    assert "filename*=UTF-8''Caf%C3%A9%20%22receipts%22%0D%0A.pdf" in disposition


@pytest.mark.s3
def test_s3_objects_are_private_and_encrypted(s3_storage: S3Storage) -> None:
    s3_storage.put(KEY, io.BytesIO(b"%PDF-1.4"), "application/pdf")

    head = s3_storage.client.head_object(Bucket=s3_storage.bucket, Key=f"portal/{KEY}")
    grants = s3_storage.client.get_object_acl(Bucket=s3_storage.bucket, Key=f"portal/{KEY}")["Grants"]
    assert head["ContentType"] == "application/pdf"
    assert head["ServerSideEncryption"] == "AES256"
    assert all("URI" not in grant["Grantee"] for grant in grants)  # no AllUsers / AuthenticatedUsers grant


@pytest.mark.s3
@pytest.mark.parametrize("size", [64 * 1024, 9 * MIB])
def test_an_s3_copy_keeps_the_type_and_is_encrypted(s3_storage: S3Storage, size: int) -> None:
    s3_storage.put(KEY, io.BytesIO(os.urandom(size)), "application/pdf")

    s3_storage.copy(KEY, COPY)

    head = s3_storage.client.head_object(Bucket=s3_storage.bucket, Key=s3_storage._object_key(COPY))
    assert (head["ContentType"], head["ContentLength"]) == ("application/pdf", size)
    assert head["ServerSideEncryption"] == "AES256"
