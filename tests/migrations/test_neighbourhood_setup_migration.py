"""Migration 0015 adds retiring neighbourhoods, their LSOAs and reference-data imports,
keeping every neighbourhood and area on the way up and down."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect, text

from portal.cli.database import alembic_config
from portal.infra.database import make_engine
from tests.migrations.test_conflict_register_migration import ROWS as EARLIER_ROWS
from tests.migrations.test_conflict_register_migration import insert_rows
from tests.migrations.test_migrations import empty_database  # noqa: F401  (fixture)

ROWS = {
    "funds": EARLIER_ROWS["funds"],
    "rounds": EARLIER_ROWS["rounds"][:1],
    "neighbourhoods": [{"id": 1, "name": "Oxhey", "description": "South Oxhey"}],
    "neighbourhood_areas": [{"id": 1, "neighbourhood_id": 1, "prefix": "WD19"}],
    "round_neighbourhoods": [{"round_id": 1, "neighbourhood_id": 1}],
}


def test_neighbourhoods_are_kept_up_and_down(empty_database: str) -> None:  # noqa: F811
    config = alembic_config(empty_database)
    command.upgrade(config, "0014")
    engine = make_engine(empty_database)
    insert_rows(engine, ROWS)

    command.upgrade(config, "0015")

    with engine.connect() as connection:
        rows = connection.execute(text("SELECT id, name, retired_at FROM neighbourhoods")).all()
        tables = set(inspect(connection).get_table_names())
    assert [tuple(row) for row in rows] == [(1, "Oxhey", None)]
    assert {"neighbourhood_lsoas", "reference_imports"} <= tables

    with engine.begin() as connection:
        connection.execute(
            text("INSERT INTO neighbourhood_lsoas (id, neighbourhood_id, lsoa_code) VALUES (1, 1, 'E01023856')")
        )

    command.downgrade(config, "0014")
    with engine.connect() as connection:
        columns = connection.execute(text("SELECT * FROM neighbourhoods")).keys()
        areas = connection.execute(text("SELECT count(*) FROM neighbourhood_areas")).scalar_one()
        links = connection.execute(text("SELECT count(*) FROM round_neighbourhoods")).scalar_one()
        tables = set(inspect(connection).get_table_names())
    engine.dispose()
    assert "retired_at" not in columns
    assert (areas, links) == (1, 1)
    assert not {"neighbourhood_lsoas", "reference_imports"} & tables
