"""Migration 0008 makes the conflict register the programme's: a panellist's entries for one group
in several rounds become one open entry (the earliest), the others ended as merged."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from alembic import command
from sqlalchemy import Engine, text

from portal.cli.database import alembic_config
from portal.infra.database import make_engine
from tests.migrations.test_migrations import empty_database  # noqa: F401  (fixture)

WHEN = datetime(2026, 1, 5, 12, 0)
BLANK = ""
# The rows 0007 needs, column by column: two panellists, a group, three rounds.
ROWS = {
    "users": [
        {"id": n, "email": f"p{n}@example.org", "name": BLANK, "active": True, "created_at": WHEN,
         "failed_sign_in_count": 0}
        for n in (1, 2)
    ],
    "organisations": [
        {"id": 1, "name": "Oxhey Pantry", "kind": "charity", "created_at": WHEN}
        | dict.fromkeys(("address", "postcode", "contact_name", "contact_email", "contact_phone",
                         "money_holders", "partner_organisation"), BLANK)
    ],
    "funds": [{"id": 1, "name": "Fund", "description": BLANK, "funder_name": BLANK, "created_at": WHEN}],
    "rounds": [
        {"id": n, "fund_id": 1, "slug": f"r{n}", "title": "Round", "summary": BLANK, "opens_at": WHEN,
         "closes_at": WHEN.replace(day=28), "budget_pence": 100, "committed_pence": 0, "min_award_pence": 1,
         "max_award_pence": 100, "reviews_per_application": 1, "blind_review": False, "hourly_rate_pence": 0,
         "eligibility": "{}", "questions": "{}", "created_at": WHEN}
        for n in (1, 2, 3)
    ],
    # Panellist 1 declared the group in rounds 2, 1 and 3 (earliest: the round 1 entry); panellist 2 once.
    "conflict_declarations": [
        {"id": n, "panellist_id": who, "organisation_id": 1, "round_id": round_id, "nature": BLANK,
         "declared_at": WHEN.replace(day=day)}
        for n, who, round_id, day in ((1, 1, 2, 9), (2, 1, 1, 3), (3, 1, 3, 20), (4, 2, 1, 4))
    ],
}  # fmt: skip


def insert_rows(engine: Engine, tables: dict[str, list[dict[str, Any]]]) -> None:
    """Insert plain rows, table by table in the order given, at whatever revision the database is."""
    with engine.begin() as connection:
        for table, rows in tables.items():
            columns = list(rows[0])
            statement = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(':' + c for c in columns)})"  # noqa: S608
            connection.execute(text(statement), rows)


def test_per_round_duplicates_merge_into_one_open_entry(empty_database: str) -> None:  # noqa: F811
    config = alembic_config(empty_database)
    command.upgrade(config, "0007")
    engine = make_engine(empty_database)
    insert_rows(engine, ROWS)

    command.upgrade(config, "0008")

    with engine.connect() as connection:
        found = connection.execute(
            text("SELECT id, ended_at IS NULL, end_reason, declared_by_id FROM conflict_declarations ORDER BY id")
        ).all()
    engine.dispose()
    merged = "Merged into the programme's conflict register, which holds in every round"
    assert [tuple(row) for row in found] == [
        (1, False, merged, 1),
        (2, True, None, 1),
        (3, False, merged, 1),
        (4, True, None, 2),
    ]
