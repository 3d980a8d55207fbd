"""Migration 0013 gives every existing round the default report schedule and every existing
award a one-entry schedule linked to its report; going down keeps every report."""

from __future__ import annotations

import json
from datetime import date, datetime

from alembic import command
from sqlalchemy import text

from portal.cli.database import alembic_config
from portal.infra.database import make_engine
from portal.services.awards.report_schedules import DEFAULT_QUESTIONS
from tests.migrations.test_conflict_register_migration import insert_rows
from tests.migrations.test_ineligible_reason_migration import ROWS as EARLIER_ROWS
from tests.migrations.test_migrations import empty_database  # noqa: F401  (fixture)

WHEN = datetime(2026, 1, 5, 12, 0)
ROWS = {
    "users": EARLIER_ROWS["users"],
    "organisations": EARLIER_ROWS["organisations"],
    "funds": EARLIER_ROWS["funds"],
    "rounds": EARLIER_ROWS["rounds"],
    "applications": EARLIER_ROWS["applications"],
    # 1: accepted, with its report (answers written); 2: offered, no report yet, no date.
    "awards": [
        {"id": 1, "application_id": 1, "round_id": 1, "amount_pence": 5_000, "conditions": "", "status": "accepted",
         "offered_at": WHEN, "report_due_on": date(2027, 1, 5), "published": False},
        {"id": 2, "application_id": 2, "round_id": 2, "amount_pence": 5_000, "conditions": "", "status": "offered",
         "offered_at": WHEN, "report_due_on": None, "published": False},
    ],
    "monitoring_reports": [
        {"id": 7, "award_id": 1, "due_on": date(2027, 1, 6), "answers": json.dumps({"what_happened": "We met"}),
         "people_reached": 12},
    ],
}  # fmt: skip


def test_existing_rounds_and_awards_get_schedules(empty_database: str) -> None:  # noqa: F811
    config = alembic_config(empty_database)
    command.upgrade(config, "0012")
    engine = make_engine(empty_database)
    insert_rows(engine, ROWS)

    command.upgrade(config, "0013")

    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT round_id, award_id, position, title, months_after, due_on, report_id, asks_people_reached,"
                " asks_spending, allows_photos, questions FROM report_schedule_items ORDER BY id"
            )
        ).all()
    by_owner = {(row[0], row[1]): row for row in rows}
    assert set(by_owner) == {(1, None), (2, None), (3, None), (None, 1), (None, 2)}
    for row in rows:
        questions = row[10] if isinstance(row[10], list) else json.loads(row[10])
        assert questions == [q.as_dict() for q in DEFAULT_QUESTIONS]
        assert (row[2], row[3], row[4], bool(row[7]), bool(row[8]), bool(row[9])) == (
            1,
            "End-of-grant report",
            12,
            True,
            True,
            True,
        )
    # The accepted award's entry is due when its report is, and points at it.
    assert (str(by_owner[(None, 1)][5]), by_owner[(None, 1)][6]) == ("2027-01-06", 7)
    # The offered award's date is worked out when the group accepts.
    assert (by_owner[(None, 2)][5], by_owner[(None, 2)][6]) == (None, None)
    assert by_owner[(1, None)][5] is None

    command.downgrade(config, "0012")
    with engine.connect() as connection:
        tables = {row[0] for row in connection.execute(text("SELECT id, answers FROM monitoring_reports"))}
        awards = connection.execute(text("SELECT count(*) FROM awards")).scalar_one()
        rounds = connection.execute(text("SELECT count(*) FROM rounds")).scalar_one()
    engine.dispose()
    assert (tables, awards, rounds) == ({7}, 2, 3)

    # And up again.
    command.upgrade(config, "0013")
    engine.dispose()
