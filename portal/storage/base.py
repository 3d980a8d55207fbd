"""The storage interface every backend implements."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import BinaryIO, Protocol


@dataclass(frozen=True)
class StoredObject:
    key: str
    size: int


class Storage(Protocol):
    """Private object storage. Keys are built by the server, never from filenames."""

    def put(self, key: str, stream: BinaryIO, content_type: str) -> StoredObject:
        """Store ``stream`` under ``key``; raise StorageUnavailable if it fails."""
        ...

    def open(self, key: str) -> BinaryIO:
        """A readable stream of the object; raise FileNotFoundError if missing."""
        ...

    def url(self, key: str, filename: str, expires: timedelta) -> str | None:
        """A short-lived download URL (served as an attachment), or None when the
        portal must stream the file itself."""
        ...

    def delete(self, key: str) -> None:
        """Remove the object; deleting a missing object is not an error."""
        ...

    def exists(self, key: str) -> bool: ...

    def ping(self) -> bool:
        """Whether the storage can be reached (for /healthz)."""
        ...
