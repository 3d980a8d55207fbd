"""Migration 0032 adds the language a person chose and the language an application was written in."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect

from portal.cli.database import alembic_config
from portal.infra.database import make_engine
from tests.migrations.test_migrations import empty_database  # noqa: F401  (fixture)


def _columns(engine, table: str) -> set[str]:  # type: ignore[no-untyped-def]
    return {column["name"] for column in inspect(engine).get_columns(table)}


def test_languages_come_and_go(empty_database: str) -> None:  # noqa: F811
    config = alembic_config(empty_database)
    command.upgrade(config, "0032")
    engine = make_engine(empty_database)
    assert "language" in _columns(engine, "users")
    assert "language" in _columns(engine, "applications")

    command.downgrade(config, "0031")
    engine.dispose()
    engine = make_engine(empty_database)
    assert "language" not in _columns(engine, "users")
    assert "language" not in _columns(engine, "applications")
    engine.dispose()
    command.upgrade(config, "head")
