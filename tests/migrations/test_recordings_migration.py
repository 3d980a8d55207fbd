"""Migration 0031 lets a file be a recording with a conversion job; going down removes recordings only."""

from __future__ import annotations

from alembic import command
from sqlalchemy import text

from portal.cli.database import alembic_config
from portal.infra.database import make_engine
from tests.migrations.test_conflict_register_migration import WHEN, insert_rows
from tests.migrations.test_migrations import empty_database  # noqa: F401  (fixture)
from tests.migrations.test_sqlite_table_copies import ROWS

FILE = {
    "id": 5, "application_id": 1, "kind": "other", "original_filename": "plan.pdf", "content_type": "application/pdf",
    "size_bytes": 10, "sha256": "0" * 64, "storage_key": "evidence/plan.pdf", "uploaded_at": WHEN,
}  # fmt: skip
RECORDING = FILE | {"id": 6, "kind": "recording", "original_filename": "why.webm", "storage_key": "evidence/why.webm"}
JOB = {
    "id": 1, "evidence_id": 6, "status": "waiting", "has_video": False, "duration_seconds": 3, "attempts": 0,
    "message": "", "created_at": WHEN,
}  # fmt: skip


def test_recordings_come_and_go_and_other_files_stay(empty_database: str) -> None:  # noqa: F811
    config = alembic_config(empty_database)
    command.upgrade(config, "0007")
    engine = make_engine(empty_database)
    insert_rows(engine, ROWS | {"evidence": [FILE]})
    command.upgrade(config, "0031")
    insert_rows(engine, {"evidence": [RECORDING], "media_conversions": [JOB]})
    with engine.connect() as connection:
        kinds = connection.execute(text("SELECT id, kind FROM evidence ORDER BY id")).all()
        jobs = connection.execute(text("SELECT evidence_id, status FROM media_conversions")).all()
    assert [tuple(row) for row in kinds] == [(5, "other"), (6, "recording")]
    assert [tuple(row) for row in jobs] == [(6, "waiting")]

    command.downgrade(config, "0030")
    with engine.connect() as connection:
        kept = connection.execute(text("SELECT id, kind FROM evidence")).all()
    engine.dispose()
    assert [tuple(row) for row in kept] == [(5, "other")]
    command.upgrade(config, "head")
