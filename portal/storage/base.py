"""The storage interface every backend implements."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import BinaryIO, Protocol

from portal.infra.i18n import _l

# One path segment of a key: lower-case letters, digits, "-", "_" and ".",
# never starting with "." (so no "..", no hidden files, and no clash with the
# ".upload-…" temporary files LocalStorage writes beside its objects).
_SEGMENT = re.compile(r"[a-z0-9_-][a-z0-9._-]*")
MAX_KEY_LENGTH = 200  # Evidence.storage_key is String(200)

# What a person is told when storage fails, whichever backend it is; nothing was saved.
COULD_NOT_STORE = _l(
    "We could not store your file just now. Nothing has been saved; please try again in a few minutes."
)
COULD_NOT_READ = _l("We could not open this file just now. Please try again in a few minutes.")
COULD_NOT_DELETE = _l("We could not remove this file just now. Please try again in a few minutes.")


def check_key(key: str) -> str:
    """Return ``key`` if it is a safe storage key, else raise ValueError.

    Both backends apply the same rule, so a key that works on one works on
    the other, and a key can never name a path outside the storage root.
    """
    if not key or len(key) > MAX_KEY_LENGTH or key.startswith("/"):
        raise ValueError(f"Not a safe storage key: {key!r}")
    if not all(_SEGMENT.fullmatch(segment) for segment in key.split("/")):
        raise ValueError(f"Not a safe storage key: {key!r}")
    return key


@dataclass(frozen=True)
class StoredObject:
    key: str
    size: int


class Storage(Protocol):
    """Private object storage. Keys are built by the server, never from filenames."""

    def put(self, key: str, stream: BinaryIO, content_type: str) -> StoredObject:
        """Store ``stream`` (read from its current position to the end) under
        ``key``; raise StorageUnavailable if it fails, leaving nothing behind."""
        ...

    def open(self, key: str) -> BinaryIO:
        """A readable stream of the object; raise FileNotFoundError if missing."""
        ...

    def url(self, key: str, filename: str, expires: timedelta, content_type: str | None = None) -> str | None:
        """A short-lived download URL (served as an attachment named ``filename``),
        or None when the portal must stream the file itself."""
        ...

    def copy(self, source: str, target: str) -> StoredObject:
        """Store a copy of the object at ``source`` under ``target``, leaving the two independent
        (deleting one never removes the other); raise FileNotFoundError if ``source`` is missing and
        StorageUnavailable if the copy fails, leaving nothing at ``target``."""
        ...

    def delete(self, key: str) -> None:
        """Remove the object; deleting a missing object is not an error."""
        ...

    def exists(self, key: str) -> bool: ...

    def listing(self, prefix: str) -> Iterator[tuple[str, datetime]]:
        """Every key starting with ``prefix``, with when it was last written (in UTC);
        raise StorageUnavailable if the storage cannot be read."""
        ...

    def ping(self) -> bool:
        """True when the storage can be reached (for /healthz); raises
        StorageUnavailable, saying why, when it cannot."""
        ...
