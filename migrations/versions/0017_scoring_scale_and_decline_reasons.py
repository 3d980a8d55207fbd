"""Give each round its own scoring scale and its own decline reasons.

- ``rounds.scale_low`` and ``rounds.scale_high``: the lowest and highest point
  a panel member can give on each criterion. Until now every round scored 1 to
  5 (fixed in code), so existing rounds get 1 to 5 and read as before.
- ``decline_reasons``: the reasons an officer can give a declined group, per
  round, with a code that never changes (decisions store the codes) and a
  retired flag (a reason no longer offered is kept, never deleted). Until now
  the reasons were one list in code; every existing round gets a copy of it,
  in the same order and words, so the decline form offers what it offered.

Going down drops the table and the two columns: the code's own list is the
one offered again, and decisions keep the codes and words they stored.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-04

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | Sequence[str] | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The reasons every round offered before this revision, as they were in code; the
# migration never imports the app.
DECLINE_REASONS = (
    ("budget", "We had more good applications than money to fund them"),
    ("fit", "The project did not fit what this round funds closely enough"),
    ("need", "The application did not show enough local need"),
    ("plan", "The plan or budget was not clear enough"),
    ("already_funded", "Similar work in the area is already funded"),
)


def upgrade() -> None:
    # In place, never by copying the table (batch mode): on SQLite, dropping the
    # old copy of rounds would cascade to every row that refers to one.
    op.add_column("rounds", sa.Column("scale_low", sa.Integer(), nullable=False, server_default="1"))
    op.add_column("rounds", sa.Column("scale_high", sa.Integer(), nullable=False, server_default="5"))
    reasons = op.create_table(
        "decline_reasons",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("words", sa.String(length=300), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("retired", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"], ["rounds.id"], name=op.f("fk_decline_reasons_round_id_rounds"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decline_reasons")),
        sa.UniqueConstraint("round_id", "code", name=op.f("uq_decline_reasons_round_id_code")),
    )
    op.create_index(op.f("ix_decline_reasons_round_id"), "decline_reasons", ["round_id"], unique=False)
    round_ids = op.get_bind().execute(sa.text("SELECT id FROM rounds ORDER BY id")).scalars().all()
    rows = [
        {"round_id": round_id, "code": code, "words": words, "position": position, "retired": False}
        for round_id in round_ids
        for position, (code, words) in enumerate(DECLINE_REASONS, start=1)
    ]
    if rows:
        op.bulk_insert(reasons, rows)


def downgrade() -> None:
    op.drop_index(op.f("ix_decline_reasons_round_id"), table_name="decline_reasons")
    op.drop_table("decline_reasons")
    # In place for the same reason (SQLite has dropped columns in place since 3.35).
    op.drop_column("rounds", "scale_high")
    op.drop_column("rounds", "scale_low")
