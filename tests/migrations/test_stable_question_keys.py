"""Migration 0009 gives every answer stored under a key the round no longer asks a question to be read by."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.orm import Session

from portal.cli.database import alembic_config
from portal.infra.database import make_engine
from portal.models.applications import ApplicationStatus
from portal.models.base import utcnow
from portal.models.funding import Fund, Round
from tests.factories import make_organisation, make_round
from tests.fixtures.databases import scratch_postgres_database

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "")
NO_LONGER_ASKED = "A question no longer asked"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres_only)])
def database_at_0008(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'scratch.sqlite3'}"
        command.upgrade(alembic_config(url), "0008")
        yield url
    else:
        with scratch_postgres_database(POSTGRES_URL) as url:
            command.upgrade(alembic_config(url), "0008")
            yield url


def a_round(session: Session, questions: list[tuple[str, str]], *answers: dict[str, Any]) -> int:
    # A fund with no funders: this revision has no funders table (migration 0016 adds it).
    grant_round = make_round(session, fund=Fund(name=f"Fund {uuid.uuid4().hex}"))
    # Set as rounds kept them then (the factory would make question builder rows, which this revision lacks).
    grant_round.questions = {"extra": [{"key": key, "question": text, "hint": ""} for key, text in questions]}
    session.flush()
    for given in answers:
        organisation = make_organisation(session)
        session.flush()
        # Plain SQL, not the model: the model has columns that later migrations add.
        session.execute(
            text(
                "INSERT INTO applications (round_id, organisation_id, status, title, answers, section_revisions,"
                " amount_requested_pence, version, created_at, updated_at)"
                " VALUES (:round_id, :organisation_id, :status, '', :answers, '{}', 0, 1, :now, :now)"
            ),
            {
                "round_id": grant_round.id,
                "organisation_id": organisation.id,
                "status": ApplicationStatus.SUBMITTED.value,
                "answers": json.dumps({"extra": given}),
                "now": utcnow(),
            },
        )
    return grant_round.id


def test_orphaned_answers_are_matched_to_unanswered_questions_or_kept_as_no_longer_asked(
    database_at_0008: str,
) -> None:
    engine = make_engine(database_at_0008)
    try:
        with Session(engine) as session:
            renumbered = a_round(session, [("q1", "Lived experience?")], {"lived_experience": "We all do."})
            two_of_each = a_round(
                session,
                [("q1", "Who helps?"), ("q2", "Where?"), ("q3", "When?")],
                {"partners": "The library", "q2": "The hall", "venue": ""},
                {"timing": "Mondays", "q2": "The park"},
            )
            too_many = a_round(session, [("q1", "Who helps?")], {"partners": "The library", "timing": "Mondays"})
            untouched = a_round(session, [("q1", "Who helps?")], {"q1": "Friends"}, {})
            questions_before = session.get(Round, untouched).questions  # type: ignore[union-attr]
            session.commit()

        command.upgrade(alembic_config(database_at_0008), "0009")

        with Session(engine) as session:

            def extra(round_id: int) -> list[tuple[str, str, bool]]:
                found = session.get(Round, round_id).questions["extra"]  # type: ignore[union-attr]
                return [(q["key"], q["question"], bool(q.get("removed"))) for q in found]

            assert extra(renumbered) == [("lived_experience", "Lived experience?", False)]
            # Two orphaned keys (in the order first met; an empty answer is none) and two unanswered questions.
            assert extra(two_of_each) == [
                ("partners", "Who helps?", False),
                ("q2", "Where?", False),
                ("timing", "When?", False),
            ]
            # Counts differ: every orphaned answer gets a question no longer asked, nothing is guessed.
            assert extra(too_many) == [
                ("q1", "Who helps?", False),
                ("partners", NO_LONGER_ASKED, True),
                ("timing", NO_LONGER_ASKED, True),
            ]
            assert session.get(Round, untouched).questions == questions_before  # type: ignore[union-attr]
            assert session.get(Round, too_many).questions["last_key_number"] == 1  # type: ignore[union-attr]

        # Nothing to undo on the way down, and the way up again changes nothing more.
        command.downgrade(alembic_config(database_at_0008), "0008")
        command.upgrade(alembic_config(database_at_0008), "0009")
        with Session(engine) as session:
            assert [q["key"] for q in session.get(Round, renumbered).questions["extra"]] == ["lived_experience"]  # type: ignore[union-attr]
    finally:
        engine.dispose()
