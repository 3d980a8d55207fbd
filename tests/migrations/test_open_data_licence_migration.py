"""Migration 0023 gives saved programme settings the licence they were published under (CC BY 4.0)."""

from __future__ import annotations

from alembic import command
from sqlalchemy import text

from portal.cli.database import alembic_config
from portal.infra.database import make_engine
from tests.migrations.test_migrations import empty_database  # noqa: F401  (fixture)


def test_saved_settings_keep_publishing_under_cc_by(empty_database: str) -> None:  # noqa: F811
    config = alembic_config(empty_database)
    command.upgrade(config, "0022")
    engine = make_engine(empty_database)
    command.upgrade(config, "0023")
    with engine.connect() as connection:
        licence = connection.execute(text("SELECT open_data_licence FROM programme_settings")).scalar()
    assert licence == "https://creativecommons.org/licenses/by/4.0/"
    command.downgrade(config, "0022")
    engine.dispose()
    command.upgrade(config, "head")
