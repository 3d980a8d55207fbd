"""Migration 0009 gives every answer stored under a key the round no longer asks a question to be read by."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from datetime import timedelta
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
from portal.models.funding import Fund
from tests.factories import make_organisation
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


def questions_of(session: Session, round_id: int) -> dict[str, Any]:
    # Plain SQL, not the model: the model has columns that later migrations add.
    raw = session.execute(text("SELECT questions FROM rounds WHERE id = :id"), {"id": round_id}).scalar_one()
    return json.loads(raw) if isinstance(raw, str) else dict(raw)


def a_round(session: Session, questions: list[tuple[str, str]], *answers: dict[str, Any]) -> int:
    # A fund with no funders: this revision has no funders table.
    fund = Fund(name=f"Fund {uuid.uuid4().hex}")
    session.add(fund)
    session.flush()
    now = utcnow()
    round_id = session.execute(
        text(
            "INSERT INTO rounds (fund_id, slug, title, summary, opens_at, closes_at, budget_pence, committed_pence,"
            " min_award_pence, max_award_pence, reviews_per_application, blind_review, hourly_rate_pence,"
            " eligibility, questions, created_at)"
            " VALUES (:fund_id, :slug, 'Round', '', :opens, :closes, 100000, 0, 0, 100000, 1, false, 1360,"
            " '{}', :questions, :now) RETURNING id"
        ),
        {
            "fund_id": fund.id,
            "slug": f"round-{fund.id}",
            "opens": now - timedelta(days=7),
            "closes": now + timedelta(days=28),
            "questions": json.dumps({"extra": [{"key": key, "question": q, "hint": ""} for key, q in questions]}),
            "now": now,
        },
    ).scalar_one()
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
                "round_id": round_id,
                "organisation_id": organisation.id,
                "status": ApplicationStatus.SUBMITTED.value,
                "answers": json.dumps({"extra": given}),
                "now": utcnow(),
            },
        )
    return int(round_id)


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
            questions_before = questions_of(session, untouched)
            session.commit()

        command.upgrade(alembic_config(database_at_0008), "0009")

        with Session(engine) as session:

            def extra(round_id: int) -> list[tuple[str, str, bool]]:
                found = questions_of(session, round_id)["extra"]
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
            assert questions_of(session, untouched) == questions_before
            assert questions_of(session, too_many)["last_key_number"] == 1

        # Nothing to undo on the way down, and the way up again changes nothing more.
        command.downgrade(alembic_config(database_at_0008), "0008")
        command.upgrade(alembic_config(database_at_0008), "0009")
        with Session(engine) as session:
            assert [q["key"] for q in questions_of(session, renumbered)["extra"]] == ["lived_experience"]
    finally:
        engine.dispose()
