"""Migration 0017 gives every existing round the 1 to 5 scale and a copy of the decline
reasons that were fixed in code; going down drops them and keeps the rounds."""

from __future__ import annotations

from alembic import command
from sqlalchemy import text

from portal.cli.database import alembic_config
from portal.infra.database import make_engine
from portal.services.rounds.decline_reasons import DEFAULT_DECLINE_REASONS
from tests.migrations.test_conflict_register_migration import ROWS as EARLIER_ROWS
from tests.migrations.test_conflict_register_migration import insert_rows
from tests.migrations.test_migrations import empty_database  # noqa: F401  (fixture)

ROWS = {name: EARLIER_ROWS[name] for name in ("users", "organisations", "funds", "rounds")}


def test_existing_rounds_get_the_old_scale_and_reasons(empty_database: str) -> None:  # noqa: F811
    config = alembic_config(empty_database)
    command.upgrade(config, "0016")
    engine = make_engine(empty_database)
    insert_rows(engine, ROWS)
    round_ids = [row["id"] for row in ROWS["rounds"]]

    command.upgrade(config, "0017")

    with engine.connect() as connection:
        scales = connection.execute(text("SELECT id, scale_low, scale_high FROM rounds ORDER BY id")).all()
        reasons = connection.execute(
            text("SELECT round_id, code, words, position, retired FROM decline_reasons ORDER BY round_id, position")
        ).all()
    assert [tuple(row) for row in scales] == [(n, 1, 5) for n in round_ids]
    assert [tuple(row) for row in reasons] == [
        (n, code, words, position, False)
        for n in round_ids
        for position, (code, words) in enumerate(DEFAULT_DECLINE_REASONS.items(), start=1)
    ]

    command.downgrade(config, "0016")
    with engine.connect() as connection:
        columns = connection.execute(text("SELECT * FROM rounds")).keys()
        rounds = connection.execute(text("SELECT count(*) FROM rounds")).scalar_one()
        tables = connection.execute(text("SELECT * FROM funds")).all()
    engine.dispose()
    assert "scale_low" not in columns
    assert "scale_high" not in columns
    assert rounds == len(round_ids)
    assert len(tables) == 1
