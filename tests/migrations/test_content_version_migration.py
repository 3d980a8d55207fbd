"""Migration 0029 adds the one-row version of what officers and admins edit, with a first version."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect, text

from portal.cli.database import alembic_config
from portal.infra.database import make_engine
from tests.migrations.test_migrations import empty_database  # noqa: F401  (fixture)


def test_content_version_comes_and_goes(empty_database: str) -> None:  # noqa: F811
    config = alembic_config(empty_database)
    command.upgrade(config, "0029")
    engine = make_engine(empty_database)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT id, token FROM content_versions")).all()
    assert [row[0] for row in rows] == [1]
    assert len(rows[0][1]) == 32

    command.downgrade(config, "0028")
    assert "content_versions" not in inspect(engine).get_table_names()
    engine.dispose()
    command.upgrade(config, "head")
