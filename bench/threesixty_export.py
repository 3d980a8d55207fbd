"""The whole 360Giving export as one callable, for ``bench/export_memory.py``.

DATABASE_URL=… .venv/bin/python bench/export_memory.py --callable bench.threesixty_export:json_package
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy.orm import Session

from portal.services.opendata import threesixty


def json_package(session: Session) -> Iterator[str]:
    """Every published award of every round, as the JSON data package."""
    return threesixty.json_package(session, threesixty.publisher(session))


def flat_csv(session: Session) -> Iterator[str]:
    """Every published award of every round, as the flat CSV."""
    return threesixty.flat_csv(session, threesixty.publisher(session))
