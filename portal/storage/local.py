"""Files in a folder on this machine: the embedded default (DESIGN §6)."""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import BinaryIO

from portal.errors import StorageUnavailable
from portal.infra.i18n import gettext
from portal.storage.base import COULD_NOT_DELETE, COULD_NOT_READ, COULD_NOT_STORE, StoredObject, check_key

log = logging.getLogger(__name__)

CHUNK_SIZE = 64 * 1024
NOT_WRITABLE = "File storage cannot be written to."


class LocalStorage:
    """Objects as files under ``root``; keys map to relative paths."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root).resolve()

    def _path(self, key: str) -> Path:
        path = (self.root / check_key(key)).resolve()
        # check_key already forbids "..", "/…" and odd characters; this second
        # check also catches a symlink inside root that points elsewhere.
        if not path.is_relative_to(self.root):
            raise ValueError(f"Not a safe storage key: {key!r}")
        return path

    def put(self, key: str, stream: BinaryIO, content_type: str) -> StoredObject:
        path = self._path(key)
        temp_name: str | None = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # Write beside the target and rename: os.replace is atomic within
            # one filesystem, so readers see the whole file or none of it.
            fd, temp_name = tempfile.mkstemp(dir=path.parent, prefix=".upload-", suffix=".tmp")
            with os.fdopen(fd, "wb") as temp:
                shutil.copyfileobj(stream, temp, CHUNK_SIZE)
                temp.flush()
                os.fsync(temp.fileno())
                size = temp.tell()
            os.replace(temp_name, path)
            temp_name = None
        except OSError as exc:
            log.warning("Local storage could not write %s", key, exc_info=True)
            raise StorageUnavailable(COULD_NOT_STORE) from exc
        finally:
            if temp_name is not None:
                Path(temp_name).unlink(missing_ok=True)
        return StoredObject(key=key, size=size)

    def open(self, key: str) -> BinaryIO:
        path = self._path(key)
        try:
            return path.open("rb")
        except FileNotFoundError:
            raise
        except OSError as exc:
            log.warning("Local storage could not read %s", key, exc_info=True)
            raise StorageUnavailable(COULD_NOT_READ) from exc

    def url(self, key: str, filename: str, expires: timedelta, content_type: str | None = None) -> str | None:
        # No URL: the portal streams local files itself, after its own access check.
        self._path(key)
        return None

    def copy(self, source: str, target: str) -> StoredObject:
        # A real copy, never a hard link: retention deletes each independently.
        with self.open(source) as stream:
            return self.put(target, stream, "application/octet-stream")

    def delete(self, key: str) -> None:
        path = self._path(key)
        try:
            path.unlink(missing_ok=True)
        except OSError as exc:
            log.warning("Local storage could not delete %s", key, exc_info=True)
            raise StorageUnavailable(COULD_NOT_DELETE) from exc

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def listing(self, prefix: str) -> Iterator[tuple[str, datetime]]:
        try:
            paths = sorted(self.root.rglob("*")) if self.root.exists() else []
            for path in paths:
                key = path.relative_to(self.root).as_posix()
                # Skip folders and the ".upload-…" temporary files (never keys).
                if not key.startswith(prefix) or not path.is_file() or path.name.startswith("."):
                    continue
                written = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
                yield key, written
        except OSError as exc:
            raise StorageUnavailable(COULD_NOT_READ) from exc

    def ping(self) -> bool:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageUnavailable(
                gettext(
                    "%(NOT_WRITABLE)s The folder %(root)s cannot be created.", NOT_WRITABLE=NOT_WRITABLE, root=self.root
                )
            ) from exc
        # access(2) also reports a read-only filesystem (EROFS).
        if not os.access(self.root, os.W_OK | os.X_OK):
            raise StorageUnavailable(
                gettext(
                    "%(NOT_WRITABLE)s The folder %(root)s is not writable.", NOT_WRITABLE=NOT_WRITABLE, root=self.root
                )
            )
        return True
