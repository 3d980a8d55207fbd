"""Migration 0022 adds payment runs and the paying account; every payment is kept, in no run, both ways."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect, text

from portal.cli.database import alembic_config
from portal.infra.database import make_engine
from tests.migrations.test_bank_details_confirmation_migration import ROWS
from tests.migrations.test_conflict_register_migration import insert_rows
from tests.migrations.test_migrations import empty_database  # noqa: F401  (fixture)


def test_payment_runs_come_and_go_keeping_every_payment(empty_database: str) -> None:  # noqa: F811
    config = alembic_config(empty_database)
    command.upgrade(config, "0018")
    engine = make_engine(empty_database)
    insert_rows(engine, ROWS)
    command.upgrade(config, "0022")

    with engine.connect() as connection:
        payments = connection.execute(text("SELECT id, amount_pence, run_id FROM payments")).all()
        settings_columns = {c["name"] for c in inspect(connection).get_columns("programme_settings")}
    assert [tuple(p) for p in payments] == [(3, 2_000, None)]
    assert {"paying_sort_code", "service_user_number"} <= settings_columns

    command.downgrade(config, "0021")
    with engine.connect() as connection:
        payments = connection.execute(text("SELECT id, amount_pence FROM payments")).all()
        tables = inspect(connection).get_table_names()
    engine.dispose()
    assert [tuple(p) for p in payments] == [(3, 2_000)]
    assert "payment_runs" not in tables
    command.upgrade(config, "head")
