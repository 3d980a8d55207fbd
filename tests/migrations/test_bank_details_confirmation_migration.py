"""Migration 0020 lets people hold the finance role and adds the confirmation of bank
details to awards: details already given start unconfirmed, and going down keeps every
award and payment but takes the finance role away."""

from __future__ import annotations

from datetime import date

import pytest
from alembic import command
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from portal.cli.database import alembic_config
from portal.infra.database import make_engine
from tests.migrations.test_conflict_register_migration import WHEN, insert_rows
from tests.migrations.test_migrations import empty_database  # noqa: F401  (fixture)
from tests.migrations.test_report_schedules_migration import ROWS as EARLIER_ROWS

GRANT_FINANCE = text("INSERT INTO role_grants (user_id, role, granted_at) VALUES (2, 'finance', :at)")
NEW_COLUMNS = {
    "bank_details_entered_by_id",
    "bank_details_confirmed_at",
    "bank_details_confirmed_by_id",
    "bank_details_on_hold_since",
}
ROWS = {
    **{table: EARLIER_ROWS[table] for table in ("users", "organisations", "funds", "rounds", "applications")},
    "awards": [
        {"id": 1, "application_id": 1, "round_id": 1, "amount_pence": 5_000, "conditions": "", "status": "accepted",
         "offered_at": WHEN, "report_due_on": date(2027, 1, 5), "published": False,
         "bank_details_encrypted": b"ciphertext", "bank_account_last4": "3445", "bank_details_added_at": WHEN},
    ],
    "payments": [{"id": 3, "award_id": 1, "amount_pence": 2_000, "due_on": date(2026, 2, 1)}],
    "role_grants": [{"id": 1, "user_id": 1, "role": "officer", "granted_at": WHEN}],
}  # fmt: skip


def test_finance_role_and_confirmation_columns_come_and_go(empty_database: str) -> None:  # noqa: F811
    config = alembic_config(empty_database)
    command.upgrade(config, "0018")
    engine = make_engine(empty_database)
    insert_rows(engine, ROWS)
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(
            text("INSERT INTO role_grants (user_id, role, granted_at) VALUES (2, 'finance', :at)"), {"at": WHEN}
        )

    command.upgrade(config, "0019")

    with engine.begin() as connection:
        connection.execute(
            text("INSERT INTO role_grants (user_id, role, granted_at) VALUES (2, 'finance', :at)"), {"at": WHEN}
        )
        award = connection.execute(
            text("SELECT bank_account_last4, bank_details_confirmed_at, bank_details_on_hold_since FROM awards")
        ).one()
        payments = connection.execute(text("SELECT id FROM payments")).scalars().all()
    assert tuple(award) == ("3445", None, None)
    assert payments == [3]

    command.downgrade(config, "0018")
    with engine.connect() as connection:
        columns = {column["name"] for column in inspect(connection).get_columns("awards")}
        roles = connection.execute(text("SELECT role FROM role_grants ORDER BY id")).scalars().all()
        payments = connection.execute(text("SELECT id FROM payments")).scalars().all()
        last4 = connection.execute(text("SELECT bank_account_last4 FROM awards")).scalars().all()
    engine.dispose()
    assert not NEW_COLUMNS & columns
    assert roles == ["officer"]
    assert (payments, last4) == ([3], ["3445"])
