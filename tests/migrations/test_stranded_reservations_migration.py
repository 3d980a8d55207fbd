"""Migration 0010 releases money held by approvals whose application left before its offer
(withdrawn while waiting for a second officer), and leaves waiting approvals of scored ones alone."""

from __future__ import annotations

from datetime import datetime

from alembic import command
from sqlalchemy import text

from portal.cli.database import alembic_config
from portal.infra.database import make_engine
from tests.migrations.test_conflict_register_migration import ROWS as EARLIER_ROWS
from tests.migrations.test_conflict_register_migration import insert_rows
from tests.migrations.test_migrations import empty_database  # noqa: F401  (fixture)

WHEN = datetime(2026, 1, 5, 12, 0)
ROWS = {
    "users": EARLIER_ROWS["users"],
    "organisations": [
        {**EARLIER_ROWS["organisations"][0], "id": n, "name": f"Group {n}"} for n in (1, 2)
    ],
    "funds": EARLIER_ROWS["funds"],
    "rounds": [{**EARLIER_ROWS["rounds"][0], "budget_pence": 10_000, "committed_pence": 7_000}],
    "applications": [
        {"id": n, "reference": f"AO-2026-000{n}", "round_id": 1, "organisation_id": n, "status": status,
         "title": "Project", "answers": "{}", "section_revisions": "{}", "amount_requested_pence": 5_000,
         "version": 1, "created_at": WHEN, "updated_at": WHEN}
        for n, status in ((1, "withdrawn"), (2, "scored"))
    ],
    # Both approvals wait for a second officer: 3,000 for the withdrawn one, 4,000 for the scored one.
    "decisions": [
        {"id": n, "application_id": n, "outcome": "approve", "amount_pence": amount, "reason_codes": "[]",
         "feedback": "", "decided_by_id": 1, "decided_at": WHEN}
        for n, amount in ((1, 3_000), (2, 4_000))
    ],
}  # fmt: skip


def test_approvals_of_applications_that_left_release_their_money(empty_database: str) -> None:  # noqa: F811
    config = alembic_config(empty_database)
    command.upgrade(config, "0009")
    engine = make_engine(empty_database)
    insert_rows(engine, ROWS)

    command.upgrade(config, "0010")

    with engine.connect() as connection:
        committed = connection.execute(text("SELECT committed_pence FROM rounds")).scalar_one()
        decisions = connection.execute(text("SELECT application_id FROM decisions")).scalars().all()
        audit = connection.execute(text("SELECT object_id, action, summary FROM audit_entries")).all()
    engine.dispose()
    assert committed == 4_000
    assert decisions == [2]
    assert [tuple(row) for row in audit] == [
        (1, "approval released", "£30.00 returned to the budget: the application is withdrawn")
    ]
