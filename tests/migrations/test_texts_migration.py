"""Migration 0030: queued email stays email, people keep email, drafts start unreminded; down drops texts."""

from __future__ import annotations

from alembic import command
from sqlalchemy import text

from portal.cli.database import alembic_config
from portal.infra.database import make_engine
from tests.migrations.test_conflict_register_migration import WHEN, insert_rows
from tests.migrations.test_migrations import empty_database  # noqa: F401  (fixture)
from tests.migrations.test_sqlite_table_copies import ROWS

QUEUE = (
    'INSERT INTO outbox_messages (id, {channel}"to", subject, body, created_at, tries, next_attempt_at) '
    "VALUES (:id, {value}:to, 'Hello', 'Hello', :when, 0, :when)"
)


def test_existing_rows_keep_email_and_texts_go_on_the_way_down(empty_database: str) -> None:  # noqa: F811
    config = alembic_config(empty_database)
    command.upgrade(config, "0029")
    engine = make_engine(empty_database)
    insert_rows(engine, ROWS)
    with engine.begin() as connection:
        statement = QUEUE.format(channel="", value="")
        connection.execute(text(statement), {"id": 1, "to": "amina@example.org", "when": WHEN})
    command.upgrade(config, "0030")
    with engine.begin() as connection:
        channels = connection.execute(text("SELECT id, channel FROM outbox_messages")).all()
        choices = connection.execute(text("SELECT DISTINCT contact_by_text FROM users")).scalars().all()
        reminded = connection.execute(
            text(
                "SELECT count(*) FROM applications "
                "WHERE coalesce(week_reminder_sent_at, day_reminder_sent_at) IS NOT NULL"
            )
        ).scalar()
        statement = QUEUE.format(channel="channel, ", value="'text', ")
        connection.execute(text(statement), {"id": 2, "to": "+447700900123", "when": WHEN})
    assert ([tuple(row) for row in channels], [bool(c) for c in choices], reminded) == ([(1, "email")], [False], 0)

    command.downgrade(config, "0029")
    with engine.connect() as connection:
        kept = connection.execute(text("SELECT id FROM outbox_messages")).scalars().all()
    engine.dispose()
    assert kept == [1]
    command.upgrade(config, "head")
