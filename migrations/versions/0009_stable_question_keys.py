"""Stable keys for a round's own questions, so every answer groups gave can be read.

Saving the round form used to renumber the extra questions ``q1…q5``, so answers
stored under other keys (or under a question's old number) showed as "Not
answered". For each round, keys that applications answered but the round no
longer asks are matched, in order, to the ``q<n>`` questions nobody answered when
there are as many of one as of the other (the question takes the answers' key);
otherwise each is kept as a question no longer asked, so its answers stay readable.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03

"""

import re
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NO_LONGER_ASKED = "A question no longer asked"
NUMBERED = re.compile(r"q(\d{1,6})")

rounds = sa.table("rounds", sa.column("id", sa.Integer), sa.column("questions", sa.JSON))
applications = sa.table(
    "applications", sa.column("id", sa.Integer), sa.column("round_id", sa.Integer), sa.column("answers", sa.JSON)
)


def _answered(value: Any) -> bool:
    if isinstance(value, str):
        return bool(value.strip())
    return value not in (None, [], False)


def _answered_keys(connection: sa.Connection, round_id: int) -> list[str]:
    """Keys with an answer in any of the round's applications, in the order first met."""
    found: dict[str, None] = {}
    rows = connection.execute(
        sa.select(applications.c.answers).where(applications.c.round_id == round_id).order_by(applications.c.id)
    )
    for (answers,) in rows:
        extra = (answers or {}).get("extra") if isinstance(answers, dict) else None
        if isinstance(extra, dict):
            found.update((str(name), None) for name, value in extra.items() if _answered(value))
    return list(found)


def repaired(questions: dict[str, Any], answered: list[str]) -> dict[str, Any] | None:
    """The round's questions with every answered key among them, or None when nothing needs repair."""
    extra = [dict(q) for q in questions.get("extra") or [] if isinstance(q, dict) and q.get("key")]
    keys = {q["key"] for q in extra}
    orphans = [key for key in answered if key not in keys]
    if not orphans:
        return None
    unanswered = [q for q in extra if NUMBERED.fullmatch(q["key"]) and q["key"] not in answered]
    if len(unanswered) == len(orphans):
        for question, key in zip(unanswered, orphans, strict=True):
            question["key"] = key
    else:
        extra += [{"key": key, "question": NO_LONGER_ASKED, "hint": "", "removed": True} for key in orphans]
    numbers = [int(m.group(1)) for q in extra if (m := NUMBERED.fullmatch(q["key"]))]
    last = max([int(questions.get("last_key_number") or 0), *numbers])
    return {**questions, "extra": extra, "last_key_number": last}


def upgrade() -> None:
    connection = op.get_bind()
    for round_id, questions in connection.execute(sa.select(rounds.c.id, rounds.c.questions)).all():
        answered = _answered_keys(connection, round_id)
        if not answered:
            continue
        fixed = repaired(questions if isinstance(questions, dict) else {}, answered)
        if fixed is not None:
            connection.execute(sa.update(rounds).where(rounds.c.id == round_id).values(questions=fixed))


def downgrade() -> None:
    # Nothing to undo: the repaired questions are valid for the code before this
    # revision too, and renumbering them again would hide answers once more.
    pass
