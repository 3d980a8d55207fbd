"""On SQLite, a migration that copies a table (batch mode) must not take the rows that point at it with it:
dropping the old copy with foreign keys on would run their ON DELETE CASCADE."""

from __future__ import annotations

from alembic import command
from sqlalchemy import text

from portal.cli.database import alembic_config
from portal.infra.database import make_engine
from tests.migrations.test_conflict_register_migration import ROWS as EARLIER_ROWS
from tests.migrations.test_conflict_register_migration import WHEN, insert_rows
from tests.migrations.test_migrations import empty_database  # noqa: F401  (fixture)

ROWS = {
    **{table: EARLIER_ROWS[table] for table in ("users", "organisations", "funds", "rounds")},
    "applications": [
        {"id": 1, "reference": "AO-2026-0001", "round_id": 1, "organisation_id": 1, "status": "submitted",
         "title": "Project", "answers": "{}", "section_revisions": "{}", "amount_requested_pence": 5_000,
         "version": 1, "created_at": WHEN, "updated_at": WHEN},
    ],
    "budget_lines": [{"id": 1, "application_id": 1, "position": 0, "item": "Tea urn", "amount_pence": 5_000}],
}  # fmt: skip


def test_copying_the_applications_table_keeps_what_points_at_it(empty_database: str) -> None:  # noqa: F811
    config = alembic_config(empty_database)
    command.upgrade(config, "0007")
    engine = make_engine(empty_database)
    insert_rows(engine, ROWS)

    command.upgrade(config, "head")  # 0008 copies applications on SQLite to add a foreign key

    with engine.connect() as connection:
        lines = connection.execute(text("SELECT application_id, item FROM budget_lines")).all()
    engine.dispose()
    assert [tuple(line) for line in lines] == [(1, "Tea urn")]
