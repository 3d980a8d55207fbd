"""The migrations are the schema: ``upgrade head`` must give exactly the
models' tables, and every revision must go down and up again, on SQLite and
on PostgreSQL. Each test builds its own scratch database."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from portal.cli.database import alembic_config
from portal.infra.database import make_engine
from portal.models import Base
from tests.fixtures.databases import scratch_postgres_database

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres_only)])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'scratch.sqlite3'}"
    else:
        with scratch_postgres_database(POSTGRES_URL) as url:
            yield url


def differences(url: str) -> list[object]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            return list(compare_metadata(context, Base.metadata))
    finally:
        engine.dispose()


def table_names(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_upgrade_head_matches_the_models(empty_database: str) -> None:
    command.upgrade(alembic_config(empty_database), "head")

    assert table_names(empty_database) == set(Base.metadata.tables)
    assert differences(empty_database) == []


def test_downgrade_base_then_upgrade_head(empty_database: str) -> None:
    config = alembic_config(empty_database)
    command.upgrade(config, "head")
    command.downgrade(config, "base")
    assert table_names(empty_database) == set()

    command.upgrade(config, "head")
    assert differences(empty_database) == []


def test_every_revision_steps_down_and_up(empty_database: str) -> None:
    config = alembic_config(empty_database)
    revisions = list(reversed(list(ScriptDirectory.from_config(config).walk_revisions())))
    for revision in revisions:
        command.upgrade(config, revision.revision)
        command.downgrade(config, "-1")
        command.upgrade(config, revision.revision)


def test_revision_files_have_ordered_descriptive_names() -> None:
    versions = Path(__file__).resolve().parents[2] / "migrations" / "versions"
    names = sorted(p.name for p in versions.glob("*.py"))
    assert names, "no migrations found"
    for number, name in enumerate(names, start=1):
        assert name.startswith(f"{number:04d}_"), name
        assert len(name.removesuffix(".py")) > len("0001_") + 3, name
