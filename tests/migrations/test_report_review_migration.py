"""Migration 0020: a report read before it is accepted, a sent report counts as sent
once, and payments keep every row while gaining their hold; going down gives the reading back."""

from __future__ import annotations

from datetime import date, datetime

from alembic import command
from sqlalchemy import text

from portal.cli.database import alembic_config
from portal.infra.database import make_engine
from tests.migrations.test_conflict_register_migration import insert_rows
from tests.migrations.test_migrations import empty_database  # noqa: F401  (fixture)
from tests.migrations.test_report_schedules_migration import ROWS as EARLIER_ROWS

WHEN = datetime(2027, 2, 1, 9, 30)
ROWS = {
    table: rows for table, rows in EARLIER_ROWS.items() if table != "monitoring_reports"
} | {
    # 7: sent and read; 8: sent, not read; 9: not sent.
    "monitoring_reports": [
        {"id": 7, "award_id": 1, "due_on": date(2027, 1, 6), "answers": "{}", "submitted_at": WHEN,
         "reviewed_at": WHEN, "reviewed_by_id": 1},
        {"id": 8, "award_id": 1, "due_on": date(2028, 1, 6), "answers": "{}", "submitted_at": WHEN,
         "reviewed_at": None, "reviewed_by_id": None},
        {"id": 9, "award_id": 1, "due_on": date(2029, 1, 6), "answers": "{}", "submitted_at": None,
         "reviewed_at": None, "reviewed_by_id": None},
    ],
    "report_schedule_items": [
        {"id": 4, "round_id": None, "award_id": 1, "position": 1, "title": "Year 1 report", "months_after": 12,
         "due_on": date(2027, 1, 6), "questions": "[]", "asks_people_reached": True, "asks_spending": True,
         "allows_photos": True, "report_id": 7},
    ],
    "payments": [{"id": 3, "award_id": 1, "amount_pence": 2_500, "due_on": date(2027, 3, 1)}],
}  # fmt: skip


def test_read_reports_become_accepted_and_payments_gain_a_hold(empty_database: str) -> None:  # noqa: F811
    config = alembic_config(empty_database)
    command.upgrade(config, "0018")
    engine = make_engine(empty_database)
    insert_rows(engine, ROWS)

    command.upgrade(config, "0020")

    with engine.begin() as connection:
        reports = connection.execute(
            text(
                "SELECT id, accepted_at IS NOT NULL, accepted_by_id, times_sent, changes_message"
                " FROM monitoring_reports ORDER BY id"
            )
        ).all()
        connection.execute(text("UPDATE payments SET held_until_item_id = 4 WHERE id = 3"))
        linked = connection.execute(text("SELECT count(*) FROM report_schedule_items WHERE report_id = 7")).scalar()
    assert [tuple(row) for row in reports] == [
        (7, True, 1, 1, None),
        (8, False, None, 1, None),
        (9, False, None, 0, None),
    ]
    # The reports kept their schedule entries (no table was copied under them).
    assert linked == 1

    command.downgrade(config, "0018")
    with engine.connect() as connection:
        read = connection.execute(
            text("SELECT id FROM monitoring_reports WHERE reviewed_at IS NOT NULL AND reviewed_by_id = 1")
        ).all()
        payments = connection.execute(text("SELECT id, amount_pence FROM payments")).all()
    engine.dispose()
    assert ([r[0] for r in read], [tuple(p) for p in payments]) == ([7], [(3, 2_500)])

    # And up again.
    command.upgrade(config, "0020")
    engine.dispose()
