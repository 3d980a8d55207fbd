"""Migration 0012 keeps the reason an application was found not eligible on the application,
filled for existing ones from the latest "marked ineligible" audit entry."""

from __future__ import annotations

from datetime import datetime

from alembic import command
from sqlalchemy import text

from portal.cli.database import alembic_config
from portal.infra.database import make_engine
from portal.models.audit import AuditAction
from tests.migrations.test_conflict_register_migration import ROWS as EARLIER_ROWS
from tests.migrations.test_conflict_register_migration import insert_rows
from tests.migrations.test_migrations import empty_database  # noqa: F401  (fixture)

WHEN = datetime(2026, 1, 5, 12, 0)
REASON = "  Your group is based outside the area this round funds.\nWe hope you apply again.  "
ROWS = {
    "users": EARLIER_ROWS["users"],
    "organisations": EARLIER_ROWS["organisations"],
    "funds": EARLIER_ROWS["funds"],
    "rounds": EARLIER_ROWS["rounds"],
    # 1: ineligible, marked twice (the latest reason counts); 2: ineligible with no entry;
    # 3: declined, whose entry about another application must not leak in.
    "applications": [
        {"id": n, "reference": f"AO-2026-000{n}", "round_id": n, "organisation_id": 1, "status": status,
         "title": "Project", "answers": "{}", "section_revisions": "{}", "amount_requested_pence": 5_000,
         "version": 1, "created_at": WHEN, "updated_at": WHEN}
        for n, status in ((1, "ineligible"), (2, "ineligible"), (3, "declined"))
    ],
    "audit_entries": [
        {"id": n, "actor_id": 1, "action": action, "object_type": object_type, "object_id": object_id,
         "summary": summary, "created_at": WHEN}
        for n, action, object_type, object_id, summary in (
            (1, AuditAction.APPLICATION_MARKED_INELIGIBLE.value, "Application", 1, "An earlier reason"),
            (2, AuditAction.NOTE_ADDED.value, "Application", 1, "Not a reason"),
            (3, AuditAction.APPLICATION_MARKED_INELIGIBLE.value, "Application", 1, REASON.strip()),
            (4, AuditAction.APPLICATION_MARKED_INELIGIBLE.value, "InfoRequest", 2, "Another object's id"),
            (5, AuditAction.APPLICATION_MARKED_INELIGIBLE.value, "Application", 3, "Before a decline"),
        )
    ],
    "application_notes": [
        {"id": 1, "application_id": 1, "author_id": 1, "body": "Checked the postcode", "created_at": WHEN}
    ],
}  # fmt: skip


def test_existing_ineligible_applications_get_their_reason(empty_database: str) -> None:  # noqa: F811
    config = alembic_config(empty_database)
    command.upgrade(config, "0011")
    engine = make_engine(empty_database)
    insert_rows(engine, ROWS)

    command.upgrade(config, "0012")

    with engine.connect() as connection:
        reasons = connection.execute(text("SELECT id, ineligible_reason FROM applications ORDER BY id")).all()
    assert [tuple(row) for row in reasons] == [(1, REASON.strip()), (2, None), (3, None)]

    # Going down drops the column and keeps everything that refers to an application.
    command.downgrade(config, "0011")
    with engine.connect() as connection:
        columns = connection.execute(text("SELECT * FROM applications")).keys()
        applications = connection.execute(text("SELECT count(*) FROM applications")).scalar_one()
        notes = connection.execute(text("SELECT count(*) FROM application_notes")).scalar_one()
        entries = connection.execute(text("SELECT count(*) FROM audit_entries")).scalar_one()
    engine.dispose()
    assert "ineligible_reason" not in columns
    assert (applications, notes, entries) == (3, 1, 5)
