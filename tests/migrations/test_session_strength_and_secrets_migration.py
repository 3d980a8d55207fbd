"""Migration 0011: sessions from before count as emailed sign-ins, clear authenticator secrets are kept
for ``users encrypt-secrets``, and sign-in codes and links already stored in email bodies are removed."""

from __future__ import annotations

from datetime import datetime

import pytest
from alembic import command
from sqlalchemy import Engine, column, insert, table, text

from portal.cli.database import alembic_config
from portal.infra.database import make_engine
from tests.migrations.test_conflict_register_migration import ROWS as EARLIER_ROWS
from tests.migrations.test_conflict_register_migration import insert_rows
from tests.migrations.test_migrations import empty_database  # noqa: F401  (fixture)

WHEN = datetime(2026, 1, 5, 12, 0)
SECRET = "JBSWY3DPEHPK3PXP"
SIGN_IN_BODY = (
    "Your code is: 482913\n\nOr open this link:\nhttps://grants.example.org/sign-in/link/Hh4/tok3n-Zz_9\n\nThanks"
)
ROWS = {
    "users": [{**EARLIER_ROWS["users"][0], "totp_secret": SECRET}],
    "user_sessions": [
        {"id": 1, "user_id": 1, "token_hash": "t" * 64, "created_at": WHEN, "last_seen_at": WHEN, "user_agent": ""}
    ],
}
# "to" is a reserved word, so these go in through SQLAlchemy, which quotes it.
EMAILS = {
    "outbox_messages": [
        {"id": n, "to": "p1@example.org", "subject": subject, "body": body, "created_at": WHEN, "sent_at": sent,
         "tries": 0, "next_attempt_at": WHEN}
        for n, subject, body, sent in (
            (1, "Your code to sign in", SIGN_IN_BODY, WHEN),
            (2, "Your code to sign in", SIGN_IN_BODY, None),
            (3, "Application sent", "Your code is the reference AO-2026-0001.", None),
        )
    ],
}  # fmt: skip


def insert_emails(engine: Engine) -> None:
    rows = EMAILS["outbox_messages"]
    with engine.begin() as connection:
        connection.execute(insert(table("outbox_messages", *(column(name) for name in rows[0]))), rows)


def test_sessions_secrets_and_stored_codes(empty_database: str) -> None:  # noqa: F811
    config = alembic_config(empty_database)
    command.upgrade(config, "0010")
    engine = make_engine(empty_database)
    insert_rows(engine, ROWS)
    insert_emails(engine)

    command.upgrade(config, "0011")

    with engine.connect() as connection:
        method = connection.execute(text("SELECT signed_in_with FROM user_sessions")).scalar_one()
        secrets = connection.execute(text("SELECT totp_secret_unencrypted, totp_secret_encrypted FROM users")).one()
        emails = connection.execute(text("SELECT body, tries, last_error FROM outbox_messages ORDER BY id")).all()
    engine.dispose()
    assert method == "email"
    assert tuple(secrets) == (SECRET, None)
    cleaned = "Your code is: [code not kept]\n\nOr open this link:\n[link not kept]\n\nThanks"
    assert emails[0] == (cleaned, 0, None)
    assert emails[1][:2] == (cleaned, 12)
    assert "removed from storage by migration 0011" in emails[1][2]
    assert emails[2] == ("Your code is the reference AO-2026-0001.", 0, None)


def test_going_down_stops_while_secrets_are_encrypted(empty_database: str) -> None:  # noqa: F811
    config = alembic_config(empty_database)
    command.upgrade(config, "0010")
    engine = make_engine(empty_database)
    insert_rows(engine, {"users": EARLIER_ROWS["users"][:1]})
    command.upgrade(config, "0011")
    with engine.begin() as connection:
        connection.execute(text("UPDATE users SET totp_secret_encrypted = :token"), {"token": b"gAAAAA-token"})

    # Our own connection, so the failed downgrade leaves none open behind it.
    with engine.connect() as connection:
        config.attributes["connection"] = connection
        with pytest.raises(RuntimeError, match="cannot be decrypted here"):
            command.downgrade(config, "0010")
    engine.dispose()
