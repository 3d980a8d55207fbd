"""File storage: one interface, a local and an S3 backend (DESIGN §6)."""

from __future__ import annotations

from flask import Flask, current_app

from portal.storage.base import Storage, StoredObject


def storage_from_url(url: str, *, endpoint_url: str | None = None) -> Storage:
    """Build the backend named by ``STORAGE_URL`` (``file://…`` or ``s3://bucket/prefix``)."""
    if url.startswith("file://"):
        from portal.storage.local import LocalStorage

        return LocalStorage(url.removeprefix("file://"))
    if url.startswith("s3://"):
        from portal.storage.s3 import S3Storage

        bucket, _, prefix = url.removeprefix("s3://").partition("/")
        return S3Storage(bucket, prefix=prefix, endpoint_url=endpoint_url)
    raise ValueError(f"STORAGE_URL must start with file:// or s3://, not {url!r}")


def init_storage(app: Flask) -> None:
    app.extensions["portal.storage"] = storage_from_url(
        app.config["STORAGE_URL"], endpoint_url=app.config.get("S3_ENDPOINT_URL")
    )


def get_storage() -> Storage:
    storage: Storage = current_app.extensions["portal.storage"]
    return storage


__all__ = ["Storage", "StoredObject", "get_storage", "init_storage", "storage_from_url"]
