"""Migration 0026 lets a file belong to a message; every existing file keeps its one owner, both ways."""

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


def test_files_keep_their_owner_both_ways(empty_database: str) -> None:  # noqa: F811
    config = alembic_config(empty_database)
    command.upgrade(config, "0007")
    engine = make_engine(empty_database)
    insert_rows(engine, ROWS | {"evidence": [FILE]})
    command.upgrade(config, "0026")
    with engine.connect() as connection:
        kept = connection.execute(text("SELECT id, application_id, message_id FROM evidence")).all()
        lines = connection.execute(text("SELECT count(*) FROM budget_lines")).scalar()
    assert ([tuple(row) for row in kept], lines) == ([(5, 1, None)], 1)

    command.downgrade(config, "0025")
    with engine.connect() as connection:
        kept = connection.execute(text("SELECT id, application_id FROM evidence")).all()
    engine.dispose()
    assert [tuple(row) for row in kept] == [(5, 1)]
    command.upgrade(config, "head")
