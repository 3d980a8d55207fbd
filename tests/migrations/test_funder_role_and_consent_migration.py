"""Migration 0025 lets people hold the funder role, links them to one funder, and asks groups'
consent to share: reports sent before it are not shared, and going down keeps every report but
takes the funder role and the links away."""

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

GRANT_FUNDER = text("INSERT INTO role_grants (user_id, role, granted_at) VALUES (2, 'funder', :at)")


def test_funder_role_links_and_consent_come_and_go(empty_database: str) -> None:  # noqa: F811
    config = alembic_config(empty_database)
    command.upgrade(config, "0018")
    engine = make_engine(empty_database)
    insert_rows(engine, ROWS | {"funders": [{"id": 5, "name": "Health Trust", "created_at": WHEN}]})
    command.upgrade(config, "0020")
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(GRANT_FUNDER, {"at": WHEN})

    command.upgrade(config, "0025")

    with engine.begin() as connection:
        connection.execute(GRANT_FUNDER, {"at": WHEN})
        connection.execute(text("INSERT INTO funder_people (user_id, funder_id) VALUES (2, 5)"))
        consent = connection.execute(
            text("SELECT id, share_story, share_photos FROM monitoring_reports ORDER BY id")
        ).all()
        linked = connection.execute(text("SELECT count(*) FROM report_schedule_items WHERE report_id = 7")).scalar()
    # Sent before anyone asked, so nothing is shared; the reports kept their schedule entries.
    assert [tuple(row) for row in consent] == [(7, False, False), (8, False, False), (9, False, False)]
    assert linked == 1

    command.downgrade(config, "0020")
    with engine.connect() as connection:
        roles = connection.execute(text("SELECT role FROM role_grants WHERE user_id = 2")).scalars().all()
        reports = connection.execute(text("SELECT id FROM monitoring_reports ORDER BY id")).scalars().all()
    engine.dispose()
    assert (roles, reports) == ([], [7, 8, 9])

    # And up again.
    command.upgrade(config, "0025")
    engine.dispose()
