"""The question builder: a round's own sections and typed questions as rows, and its required documents.

- ``round_sections`` (a round's own sections: stable key, title, intro, order)
  and ``round_questions`` (typed questions: stable key, kind, question, hint,
  required, word limit, options, order, removed).
- ``round_documents``: whether a round requires each kind of document; a
  round with no rows keeps the standing rules (so existing rounds are
  unchanged).

Until now a round's own questions were long-text "extra" questions kept in
``rounds.questions["extra"]``. Each round that has some gets one section, keyed
``extra`` (so the section's save history, ``section_revisions["extra"]``, and
every answer, ``answers["extra"][key]``, still match), holding those questions
as long-text questions with their keys, hints, word limits and "removed" flags;
the list leaves ``rounds.questions``. Going down writes every section's
questions back as "extra" questions (each kind becomes a long-text question:
the old form had no other), copies the answers given in sections other than
``extra`` into ``answers["extra"]`` (keys are unique in a round, so none
clash; the originals stay) and drops the new tables.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04

"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | Sequence[str] | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# As stored; the migration never imports the app.
EXTRA = "extra"
EXTRA_TITLE = "More about your project"
LONG_TEXT = "long_text"
DEFAULT_WORD_LIMIT = 200
KINDS = (
    "short_text",
    "long_text",
    "whole_number",
    "money",
    "yes_no",
    "one_choice",
    "several_choices",
    "date",
    "file",
)

rounds = sa.table("rounds", sa.column("id", sa.Integer), sa.column("questions", sa.JSON))
applications = sa.table(
    "applications", sa.column("id", sa.Integer), sa.column("round_id", sa.Integer), sa.column("answers", sa.JSON)
)
sections = sa.table(
    "round_sections",
    sa.column("id", sa.Integer),
    sa.column("round_id", sa.Integer),
    sa.column("key", sa.String),
    sa.column("title", sa.String),
    sa.column("intro", sa.Text),
    sa.column("position", sa.Integer),
)
questions = sa.table(
    "round_questions",
    sa.column("id", sa.Integer),
    sa.column("round_id", sa.Integer),
    sa.column("section_id", sa.Integer),
    sa.column("key", sa.String),
    sa.column("kind", sa.String),
    sa.column("question", sa.Text),
    sa.column("hint", sa.Text),
    sa.column("required", sa.Boolean),
    sa.column("word_limit", sa.Integer),
    sa.column("options", sa.JSON),
    sa.column("position", sa.Integer),
    sa.column("removed", sa.Boolean),
)


def _positive(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def upgrade() -> None:
    op.create_table(
        "round_sections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("intro", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"], ["rounds.id"], name=op.f("fk_round_sections_round_id_rounds"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_round_sections")),
        sa.UniqueConstraint("round_id", "key", name=op.f("uq_round_sections_round_id_key")),
    )
    op.create_index(op.f("ix_round_sections_round_id"), "round_sections", ["round_id"], unique=False)
    op.create_table(
        "round_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("section_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=20), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(*KINDS, name="question_kind", native_enum=False, create_constraint=True, length=32),
            nullable=False,
        ),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("hint", sa.Text(), nullable=False),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.Column("word_limit", sa.Integer(), nullable=True),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("removed", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"], ["rounds.id"], name=op.f("fk_round_questions_round_id_rounds"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["section_id"],
            ["round_sections.id"],
            name=op.f("fk_round_questions_section_id_round_sections"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_round_questions")),
        sa.UniqueConstraint("round_id", "key", name=op.f("uq_round_questions_round_id_key")),
    )
    op.create_index(op.f("ix_round_questions_round_id"), "round_questions", ["round_id"], unique=False)
    op.create_index(op.f("ix_round_questions_section_id"), "round_questions", ["section_id"], unique=False)
    op.create_table(
        "round_documents",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"], ["rounds.id"], name=op.f("fk_round_documents_round_id_rounds"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("round_id", "kind", name=op.f("pk_round_documents")),
    )

    connection = op.get_bind()
    for round_id, settings in connection.execute(sa.select(rounds.c.id, rounds.c.questions)).all():
        settings = settings if isinstance(settings, dict) else {}
        extra = [q for q in settings.get(EXTRA) or [] if isinstance(q, dict) and q.get("key")]
        if extra:
            section_settings = (settings.get("sections") or {}).get(EXTRA) or {}
            section_settings = section_settings if isinstance(section_settings, dict) else {}
            default_limit = _positive(section_settings.get("word_limit")) or DEFAULT_WORD_LIMIT
            section_id = connection.execute(
                sa.insert(sections)
                .values(
                    round_id=round_id,
                    key=EXTRA,
                    title=EXTRA_TITLE,
                    intro=str(section_settings.get("guidance") or ""),
                    position=1,
                )
                .returning(sections.c.id)
            ).scalar_one()
            for position, question in enumerate(extra, start=1):
                connection.execute(
                    sa.insert(questions).values(
                        round_id=round_id,
                        section_id=section_id,
                        key=str(question["key"])[:20],
                        kind=LONG_TEXT,
                        question=str(question.get("question") or ""),
                        hint=str(question.get("hint") or ""),
                        required=True,
                        word_limit=_positive(question.get("word_limit")) or default_limit,
                        options=[],
                        position=position,
                        removed=bool(question.get("removed")),
                    )
                )
        if EXTRA in settings or "last_key_number" in settings:
            kept = {name: value for name, value in settings.items() if name not in (EXTRA, "last_key_number")}
            connection.execute(sa.update(rounds).where(rounds.c.id == round_id).values(questions=kept))


def downgrade() -> None:
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(
            questions.c.round_id,
            questions.c.key,
            questions.c.question,
            questions.c.hint,
            questions.c.word_limit,
            questions.c.removed,
        )
        .join(sections, sections.c.id == questions.c.section_id)
        .order_by(questions.c.round_id, sections.c.position, questions.c.position)
    ).all()
    _copy_answers_into_extra(connection)
    by_round: dict[int, list[dict[str, Any]]] = {}
    for round_id, key, text, hint, word_limit, removed in rows:
        entry: dict[str, Any] = {"key": key, "question": text, "hint": hint}
        if word_limit:
            entry["word_limit"] = word_limit
        if removed:
            entry["removed"] = True
        by_round.setdefault(round_id, []).append(entry)
    for round_id, settings in connection.execute(sa.select(rounds.c.id, rounds.c.questions)).all():
        extra = by_round.get(round_id)
        if not extra:
            continue
        numbers = [int(q["key"][1:]) for q in extra if q["key"][:1] == "q" and q["key"][1:].isdigit()]
        restored = dict(settings if isinstance(settings, dict) else {})
        restored[EXTRA] = extra
        restored["last_key_number"] = max(numbers, default=0)
        connection.execute(sa.update(rounds).where(rounds.c.id == round_id).values(questions=restored))
    op.drop_table("round_documents")
    op.drop_index(op.f("ix_round_questions_section_id"), table_name="round_questions")
    op.drop_index(op.f("ix_round_questions_round_id"), table_name="round_questions")
    op.drop_table("round_questions")
    op.drop_index(op.f("ix_round_sections_round_id"), table_name="round_sections")
    op.drop_table("round_sections")


def _copy_answers_into_extra(connection: sa.Connection) -> None:
    """Answers given in a round's sections other than ``extra``, copied to where the old form reads them."""
    keys_by_round: dict[int, list[str]] = {}
    for round_id, key in connection.execute(
        sa.select(sections.c.round_id, sections.c.key).where(sections.c.key != EXTRA)
    ).all():
        keys_by_round.setdefault(round_id, []).append(key)
    if not keys_by_round:
        return
    found = connection.execute(
        sa.select(applications.c.id, applications.c.round_id, applications.c.answers).where(
            applications.c.round_id.in_(list(keys_by_round))
        )
    ).all()
    for application_id, round_id, answers in found:
        answers = answers if isinstance(answers, dict) else {}
        extra = dict(answers.get(EXTRA) or {})
        for key in keys_by_round[round_id]:
            given = answers.get(key)
            if isinstance(given, dict):
                extra.update(given)
        if extra != (answers.get(EXTRA) or {}):
            connection.execute(
                sa.update(applications)
                .where(applications.c.id == application_id)
                .values(answers={**answers, EXTRA: extra})
            )
