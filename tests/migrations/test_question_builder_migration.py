"""Migration 0014 moves each round's own ("extra") questions into the question builder's
tables, keys and all, so every answer still matches; and back again going down."""

from __future__ import annotations

import json
from datetime import datetime

from alembic import command
from sqlalchemy import text

from portal.cli.database import alembic_config
from portal.infra.database import make_engine
from tests.migrations.test_conflict_register_migration import ROWS as EARLIER_ROWS
from tests.migrations.test_conflict_register_migration import insert_rows
from tests.migrations.test_migrations import empty_database  # noqa: F401  (fixture)

WHEN = datetime(2026, 1, 5, 12, 0)
ASKED = {
    "sections": {"idea": {"guidance": "Keep it short", "word_limit": 250}, "extra": {"guidance": "A few more"}},
    "extra": [
        {"key": "q2", "question": "Who helps you?", "hint": "Partners", "word_limit": 80},
        {"key": "lived_experience", "question": "Lived experience?", "hint": ""},
        {"key": "q1", "question": "Where?", "hint": "", "removed": True},
    ],
    "last_key_number": 2,
}
ANSWERS = {"extra": {"q2": "The library", "lived_experience": "We all do.", "q1": "The hall"}, "idea": {"title": "T"}}
ROUNDS = [
    {**row, "questions": json.dumps(ASKED if row["id"] == 1 else {"sections": {}})} for row in EARLIER_ROWS["rounds"]
]
ROWS = {
    "users": EARLIER_ROWS["users"],
    "organisations": EARLIER_ROWS["organisations"],
    "funds": EARLIER_ROWS["funds"],
    "rounds": ROUNDS,
    "applications": [
        {"id": 1, "reference": "AO-2026-0001", "round_id": 1, "organisation_id": 1, "status": "submitted",
         "title": "Project", "answers": json.dumps(ANSWERS), "section_revisions": json.dumps({"extra": 2}),
         "amount_requested_pence": 5_000, "version": 1, "created_at": WHEN, "updated_at": WHEN}
    ],
}  # fmt: skip


def test_extra_questions_move_into_the_builder_and_back(empty_database: str) -> None:  # noqa: F811
    config = alembic_config(empty_database)
    command.upgrade(config, "0013")
    engine = make_engine(empty_database)
    insert_rows(engine, ROWS)

    command.upgrade(config, "0014")

    with engine.connect() as connection:
        sections = connection.execute(
            text("SELECT round_id, key, title, intro, position FROM round_sections ORDER BY id")
        ).all()
        questions = connection.execute(
            text(
                "SELECT key, kind, question, hint, required, word_limit, position, removed"
                " FROM round_questions ORDER BY position"
            )
        ).all()
        settings = {
            row[0]: json.loads(row[1]) if isinstance(row[1], str) else row[1]
            for row in connection.execute(text("SELECT id, questions FROM rounds"))
        }
        answers = connection.execute(text("SELECT answers FROM applications")).scalar_one()
    assert [tuple(row) for row in sections] == [(1, "extra", "More about your project", "A few more", 1)]
    assert [tuple(row) for row in questions] == [
        ("q2", "long_text", "Who helps you?", "Partners", True, 80, 1, False),
        ("lived_experience", "long_text", "Lived experience?", "", True, 200, 2, False),
        ("q1", "long_text", "Where?", "", True, 200, 3, True),
    ]
    # The extra list leaves the round's settings; the built-in sections' guidance stays.
    assert settings[1] == {"sections": ASKED["sections"]}
    assert settings[2] == {"sections": {}}
    # Answers are untouched: still stored under the section's and each question's key.
    stored = json.loads(answers) if isinstance(answers, str) else answers
    assert stored == ANSWERS

    # A section made in the builder afterwards, answered: going down keeps its question and answers readable.
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO round_sections (id, round_id, key, title, intro, position)"
                " VALUES (9, 1, 's1', 'Plans', '', 2)"
            )
        )
        connection.execute(
            text(
                "INSERT INTO round_questions (round_id, section_id, key, kind, question, hint, required, word_limit,"
                " options, position, removed) VALUES (1, 9, 'q3', 'one_choice', 'How often?', '', true, NULL,"
                " :options, 1, false)"
            ),
            {"options": json.dumps(["Weekly", "Monthly"])},
        )
        connection.execute(
            text("UPDATE applications SET answers = :answers"),
            {"answers": json.dumps(ANSWERS | {"s1": {"q3": "Weekly"}})},
        )

    command.downgrade(config, "0013")
    with engine.connect() as connection:
        back = connection.execute(text("SELECT questions FROM rounds WHERE id = 1")).scalar_one()
        kept = connection.execute(text("SELECT answers FROM applications")).scalar_one()
        tables = connection.execute(text("SELECT count(*) FROM applications")).scalar_one()
    engine.dispose()
    restored = json.loads(back) if isinstance(back, str) else back
    assert restored["sections"] == ASKED["sections"]
    assert restored["extra"] == [
        {"key": "q2", "question": "Who helps you?", "hint": "Partners", "word_limit": 80},
        {"key": "lived_experience", "question": "Lived experience?", "hint": "", "word_limit": 200},
        {"key": "q1", "question": "Where?", "hint": "", "word_limit": 200, "removed": True},
        {"key": "q3", "question": "How often?", "hint": ""},
    ]
    assert restored["last_key_number"] == 3
    kept = json.loads(kept) if isinstance(kept, str) else kept
    assert kept["extra"] == ANSWERS["extra"] | {"q3": "Weekly"}
    assert kept["s1"] == {"q3": "Weekly"}
    assert tables == 1
