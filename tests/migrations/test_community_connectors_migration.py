"""Migration 0033 lets people hold the connector role and records who helped a group with a draft;
going down takes the role, the helper columns and the confirmations away, keeping the applications."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from portal.cli.database import alembic_config
from portal.infra.database import make_engine
from tests.migrations.test_conflict_register_migration import WHEN, insert_rows
from tests.migrations.test_migrations import empty_database  # noqa: F401  (fixture)
from tests.migrations.test_report_review_migration import ROWS

GRANT_CONNECTOR = text("INSERT INTO role_grants (user_id, role, granted_at) VALUES (2, 'connector', :at)")


def test_connector_role_and_helper_columns_come_and_go(empty_database: str) -> None:  # noqa: F811
    config = alembic_config(empty_database)
    command.upgrade(config, "0018")
    engine = make_engine(empty_database)
    insert_rows(engine, ROWS)
    command.upgrade(config, "0032")
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(GRANT_CONNECTOR, {"at": WHEN})

    command.upgrade(config, "0033")
    with engine.begin() as connection:
        connection.execute(GRANT_CONNECTOR, {"at": WHEN})
        application_ids = connection.execute(text("SELECT id FROM applications ORDER BY id")).scalars().all()
        helped = connection.execute(text("SELECT count(*) FROM applications WHERE helped_by_id IS NOT NULL")).scalar()
        connection.execute(text("UPDATE applications SET helped_by_id = 2 WHERE id = :id"), {"id": application_ids[0]})
        connection.execute(
            text(
                "INSERT INTO group_confirmations (application_id, token_hash, code_hash, application_version,"
                " created_at, expires_at) VALUES (:id, 'a', 'b', 1, :at, :at)"
            ),
            {"id": application_ids[0], "at": WHEN},
        )
    assert helped == 0

    command.downgrade(config, "0032")
    with engine.connect() as connection:
        roles = connection.execute(text("SELECT role FROM role_grants WHERE user_id = 2")).scalars().all()
        kept = connection.execute(text("SELECT id FROM applications ORDER BY id")).scalars().all()
    engine.dispose()
    assert "connector" not in roles
    assert kept == application_ids
    command.upgrade(config, "head")
