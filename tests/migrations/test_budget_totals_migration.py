"""Migration 0027 records where each approval and award counts and fills the running budget totals from the
existing rows; going down drops them and keeps every approval, award and payment."""

from __future__ import annotations

from datetime import date

from alembic import command
from sqlalchemy import inspect, text

from portal.cli.database import alembic_config
from portal.infra.database import make_engine
from tests.migrations.test_conflict_register_migration import ROWS as EARLIER_ROWS
from tests.migrations.test_conflict_register_migration import WHEN, insert_rows
from tests.migrations.test_migrations import empty_database  # noqa: F401  (fixture)

PAID, DUE = WHEN, date(2026, 2, 1)
# Each application is its own group's: groups 2, 3, 4 and 7 are in North (id 4), the others in none.
# Round 1: 1 offered; 2 accepted, part paid; 3 cancelled after a payment; 4 approved, waiting for a second
# officer; 5 declined. Round 2: 6 waiting. 7 approved then withdrawn: its approval waits for nothing.
APPLICATIONS = (
    (1, 1, "approved"), (2, 1, "approved"), (3, 1, "approved"), (4, 1, "scored"),
    (5, 1, "declined"), (6, 2, "scored"), (7, 1, "withdrawn"),
)  # fmt: skip
NORTH = dict.fromkeys((2, 3, 4, 7), 4)
ROWS = {
    "users": EARLIER_ROWS["users"],
    "neighbourhoods": [{"id": 4, "name": "North", "description": ""}],
    "organisations": [
        EARLIER_ROWS["organisations"][0] | {"id": n, "name": f"Group {n}", "neighbourhood_id": NORTH.get(n)}
        for n, _, _ in APPLICATIONS
    ],
    "funds": EARLIER_ROWS["funds"],
    "rounds": EARLIER_ROWS["rounds"],
    "applications": [
        {"id": n, "reference": f"AO-2026-000{n}", "round_id": round_id, "organisation_id": n, "status": status,
         "title": "Project", "answers": "{}", "section_revisions": "{}", "amount_requested_pence": 5_000,
         "version": 1, "created_at": WHEN, "updated_at": WHEN}
        for n, round_id, status in APPLICATIONS
    ],
    "decisions": [
        {"id": n, "application_id": n, "outcome": outcome, "amount_pence": amount, "reason_codes": "[]",
         "feedback": "", "decided_by_id": 1, "decided_at": WHEN}
        for n, outcome, amount in ((1, "approve", 5_000), (2, "approve", 3_000), (3, "approve", 2_000),
                                   (4, "approve", 4_000), (5, "decline", None), (6, "approve", 600),
                                   (7, "approve", 900))
    ],
    "awards": [
        {"id": n, "application_id": n, "round_id": 1, "amount_pence": amount, "conditions": "", "status": status,
         "offered_at": WHEN, "published": False}
        for n, amount, status in ((1, 5_000, "offered"), (2, 3_000, "accepted"), (3, 2_000, "cancelled"))
    ],
    "payments": [
        {"id": n, "award_id": award, "amount_pence": amount, "due_on": DUE, "paid_at": paid}
        for n, award, amount, paid in ((1, 2, 1_000, PAID), (2, 2, 500, None), (3, 3, 700, PAID))
    ],
}  # fmt: skip
TOTALS = "SELECT round_id, place_id, waiting_pence, offered_pence, accepted_pence, paid_pence, cancelled_paid_pence, awards FROM budget_totals ORDER BY round_id, place_id"  # noqa: E501


def test_totals_are_filled_from_the_rows_and_go_again(empty_database: str) -> None:  # noqa: F811
    config = alembic_config(empty_database)
    command.upgrade(config, "0018")
    engine = make_engine(empty_database)
    insert_rows(engine, ROWS)
    command.upgrade(config, "0027")

    with engine.connect() as connection:
        totals = [tuple(row) for row in connection.execute(text(TOTALS))]
        awards = connection.execute(text("SELECT id, neighbourhood_id FROM awards ORDER BY id")).all()
        decided = connection.execute(text("SELECT id, neighbourhood_id FROM decisions ORDER BY id")).all()
    assert totals == [
        # round, place, waiting, offered, accepted, paid, paid on cancelled, awards
        (1, 0, 0, 5_000, 0, 0, 0, 1),
        (1, 4, 4_000, 0, 3_000, 1_000, 700, 1),
        (2, 0, 600, 0, 0, 0, 0, 0),
    ]
    assert [tuple(row) for row in awards] == [(1, None), (2, 4), (3, 4)]
    assert [tuple(row) for row in decided] == [(1, None), (2, 4), (3, 4), (4, 4), (5, None), (6, None), (7, 4)]

    command.downgrade(config, "0026")
    with engine.connect() as connection:
        tables = inspect(connection).get_table_names()
        columns = {c["name"] for c in inspect(connection).get_columns("awards")}
        kept = [
            connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()  # noqa: S608
            for table in ("decisions", "awards", "payments")
        ]
    engine.dispose()
    assert "budget_totals" not in tables
    assert "neighbourhood_id" not in columns
    assert kept == [7, 3, 3]
    command.upgrade(config, "head")
