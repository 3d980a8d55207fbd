"""Helpers that look for personal data left behind, in the database and in storage."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, LargeBinary, String, Text, select
from sqlalchemy.orm import Session

from portal.models.base import Base
from portal.storage.base import Storage
from portal.storage.local import LocalStorage
from portal.storage.s3 import S3Storage


def _texts(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [text for item in value for text in _texts(item)]
    if isinstance(value, dict):
        return [text for key, item in value.items() for text in [str(key), *_texts(item)]]
    return []


def personal_data_left(session: Session, *needles: str) -> list[str]:
    """Every ``table.column = value`` in the whole database (every table the models
    declare, every text and JSON column) that contains one of ``needles``, any case."""
    wanted = [needle.lower() for needle in needles if needle]
    found = []
    for table in Base.metadata.sorted_tables:
        columns = [column for column in table.columns if isinstance(column.type, String | Text | JSON)]
        if not columns:
            continue
        for row in session.execute(select(*columns)).all():
            for column, value in zip(columns, row, strict=True):
                for text in _texts(value):
                    if any(needle in text.lower() for needle in wanted):
                        found.append(f"{table.name}.{column.name} = {text!r}")
    return found


def binary_columns() -> list[str]:
    """Binary columns cannot be scanned as text; the tests name the ones they expect."""
    return [
        f"{table.name}.{column.name}"
        for table in Base.metadata.sorted_tables
        for column in table.columns
        if isinstance(column.type, LargeBinary)
    ]


def stored_objects(storage: Storage) -> dict[str, bytes]:
    """Every object in the storage (key relative to its root or prefix -> content), on either backend."""
    if isinstance(storage, LocalStorage):
        if not storage.root.exists():
            return {}
        return {
            str(path.relative_to(storage.root)): path.read_bytes() for path in storage.root.rglob("*") if path.is_file()
        }
    assert isinstance(storage, S3Storage)
    objects = {}
    for page in storage.client.get_paginator("list_objects_v2").paginate(Bucket=storage.bucket):
        for item in page.get("Contents", []):
            key = item["Key"].removeprefix(f"{storage.prefix}/")
            objects[key] = storage.client.get_object(Bucket=storage.bucket, Key=item["Key"])["Body"].read()
    return objects


def files_containing(storage: Storage, *needles: bytes) -> list[str]:
    return [key for key, content in stored_objects(storage).items() if any(n in content for n in needles)]
