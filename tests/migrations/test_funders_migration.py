"""Migration 0018 turns each fund's free-text funder name into a funder of that
fund, and going down keeps the funds' funder names as they were."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect, text

from portal.cli.database import alembic_config
from portal.infra.database import make_engine
from tests.migrations.test_conflict_register_migration import BLANK, WHEN, insert_rows
from tests.migrations.test_migrations import empty_database  # noqa: F401  (fixture)

ROWS = {
    "funds": [
        {"id": 1, "name": "Small grants", "description": BLANK, "funder_name": "Health charity", "created_at": WHEN},
        {"id": 2, "name": "Big grants", "description": BLANK, "funder_name": " Health charity ", "created_at": WHEN},
        {"id": 3, "name": "Other grants", "description": BLANK, "funder_name": "Council", "created_at": WHEN},
        {"id": 4, "name": "No funder yet", "description": BLANK, "funder_name": BLANK, "created_at": WHEN},
    ],
}


def test_funder_names_become_funders_and_come_back(empty_database: str) -> None:  # noqa: F811
    config = alembic_config(empty_database)
    command.upgrade(config, "0017")
    engine = make_engine(empty_database)
    insert_rows(engine, ROWS)

    command.upgrade(config, "0018")

    with engine.connect() as connection:
        funders = connection.execute(text("SELECT id, name, org_id FROM funders ORDER BY name")).all()
        links = connection.execute(
            text(
                "SELECT funds.name, funders.name FROM fund_funders"
                " JOIN funds ON funds.id = fund_funders.fund_id"
                " JOIN funders ON funders.id = fund_funders.funder_id ORDER BY funds.id"
            )
        ).all()
    assert [(name, org_id) for _, name, org_id in funders] == [("Council", None), ("Health charity", None)]
    assert [tuple(row) for row in links] == [
        ("Small grants", "Health charity"),
        ("Big grants", "Health charity"),
        ("Other grants", "Council"),
    ]

    command.downgrade(config, "0017")
    with engine.connect() as connection:
        names = connection.execute(text("SELECT id, funder_name FROM funds ORDER BY id")).all()
        tables = set(inspect(connection).get_table_names())
    engine.dispose()
    assert [tuple(row) for row in names] == [(1, "Health charity"), (2, " Health charity "), (3, "Council"), (4, "")]
    assert not {"funders", "fund_funders", "round_funders"} & tables
