"""Migration 0016 keeps the programme's settings in one row, filled from the environment
variables that held them before (so published grant identifiers keep their prefix)."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import text

from portal.cli.database import alembic_config
from portal.infra.database import make_engine
from tests.migrations.test_conflict_register_migration import insert_rows
from tests.migrations.test_ineligible_reason_migration import ROWS as EARLIER_ROWS
from tests.migrations.test_migrations import empty_database  # noqa: F401  (fixture)

COLUMNS = "name, contact_email, privacy_contact, hourly_rate_pence, grant_id_prefix, publisher_name, updated_by_id"


def settings_rows(url: str) -> list[tuple[object, ...]]:
    engine = make_engine(url)
    with engine.connect() as connection:
        rows = [tuple(row) for row in connection.execute(text(f"SELECT {COLUMNS} FROM programme_settings"))]  # noqa: S608
    engine.dispose()
    return rows


def test_the_settings_start_from_the_defaults_and_going_down_keeps_everything_else(
    empty_database: str,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for variable in ("PROGRAMME_EMAIL", "GRANT_ID_PREFIX", "PUBLISHER_NAME"):
        monkeypatch.delenv(variable, raising=False)
    config = alembic_config(empty_database)
    command.upgrade(config, "0015")
    engine = make_engine(empty_database)
    insert_rows(engine, EARLIER_ROWS)
    engine.dispose()

    command.upgrade(config, "0016")
    assert settings_rows(empty_database) == [
        ("Anchor Offer grants", "", "", 1360, "anchoroffer", "Anchor Offer grants", None)
    ]

    command.downgrade(config, "0015")
    engine = make_engine(empty_database)
    with engine.connect() as connection:
        tables = {
            table: connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()  # noqa: S608
            for table in EARLIER_ROWS
        }
    engine.dispose()
    assert tables == {table: len(rows) for table, rows in EARLIER_ROWS.items()}
    command.upgrade(config, "0016")
    assert len(settings_rows(empty_database)) == 1


def test_the_settings_the_environment_held_are_carried_over(
    empty_database: str,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PROGRAMME_EMAIL", "grants@herts.example")
    monkeypatch.setenv("GRANT_ID_PREFIX", "hertsgrants")
    monkeypatch.setenv("PUBLISHER_NAME", "Herts Community Trust")
    command.upgrade(alembic_config(empty_database), "0016")

    assert settings_rows(empty_database) == [
        ("Anchor Offer grants", "grants@herts.example", "", 1360, "hertsgrants", "Herts Community Trust", None)
    ]


def test_a_prefix_360giving_would_refuse_is_not_carried_over(
    empty_database: str,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("PROGRAMME_EMAIL", raising=False)
    monkeypatch.delenv("PUBLISHER_NAME", raising=False)
    monkeypatch.setenv("GRANT_ID_PREFIX", "Herts Grants!")
    command.upgrade(alembic_config(empty_database), "0016")

    assert settings_rows(empty_database)[0][4] == "anchoroffer"
