"""Migration 0021 adds two-stage rounds: existing rounds stay one stage and their applications keep
everything; an expression of interest becomes possible, and going down makes a waiting one a draft again."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from portal.cli.database import alembic_config
from portal.infra.database import make_engine
from tests.migrations.test_conflict_register_migration import insert_rows
from tests.migrations.test_migrations import empty_database  # noqa: F401  (fixture)
from tests.migrations.test_sqlite_table_copies import ROWS

EOI = text("UPDATE applications SET status = 'eoi_submitted', eoi_submitted_at = created_at WHERE id = 1")


def test_two_stages_come_and_go(empty_database: str) -> None:  # noqa: F811
    config = alembic_config(empty_database)
    command.upgrade(config, "0007")
    engine = make_engine(empty_database)
    insert_rows(engine, ROWS)
    command.upgrade(config, "0020")
    with engine.begin() as connection, pytest.raises(IntegrityError):
        connection.execute(text("UPDATE applications SET status = 'eoi_submitted' WHERE id = 1"))

    command.upgrade(config, "0021")
    with engine.begin() as connection:
        rounds = connection.execute(text("SELECT DISTINCT two_stages FROM rounds")).scalars().all()
        connection.execute(EOI)
        lines = connection.execute(text("SELECT count(*) FROM budget_lines")).scalar()
    assert (rounds, lines) == ([False], 1)

    command.downgrade(config, "0020")
    with engine.connect() as connection:
        status = connection.execute(text("SELECT status FROM applications WHERE id = 1")).scalar()
        lines = connection.execute(text("SELECT count(*) FROM budget_lines")).scalar()
    engine.dispose()
    assert (status, lines) == ("draft", 1)
    command.upgrade(config, "head")
