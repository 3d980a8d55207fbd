"""Spoken or filmed answers: a file may be a recording, and each recording has a conversion job.

- ``evidence.kind`` may now be ``recording`` (the CHECK constraint names the kinds).
- ``media_conversions``: one job per recording, with its status and the lease of the
  worker converting it.

Going down removes the jobs and every recording's row (their stored objects are then
found by the orphan sweep) and restores the five kinds.

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-04

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0031"
down_revision: str | Sequence[str] | None = "0030"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHECK = "ck_evidence_evidence_kind"
KINDS_BEFORE = ("governing_document", "bank_statement", "safeguarding_policy", "photo", "other")
KINDS_AFTER = (*KINDS_BEFORE, "recording")
STATUSES = ("waiting", "running", "done", "failed")


def _kind_check(kinds: Sequence[str]) -> str:
    return "kind IN (" + ", ".join(f"'{kind}'" for kind in kinds) + ")"


def upgrade() -> None:
    with op.batch_alter_table("evidence") as batch:
        batch.drop_constraint(op.f(CHECK), type_="check")
        batch.create_check_constraint(op.f(CHECK), _kind_check(KINDS_AFTER))
    op.create_table(
        "media_conversions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("evidence_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(*STATUSES, name="conversion_status", native_enum=False, create_constraint=True, length=32),
            nullable=False,
        ),
        sa.Column("has_video", sa.Boolean(), nullable=False),
        sa.Column("duration_seconds", sa.Integer(), nullable=False),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["evidence_id"], ["evidence.id"], name=op.f("fk_media_conversions_evidence_id_evidence"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_media_conversions")),
        sa.UniqueConstraint("evidence_id", name=op.f("uq_media_conversions_evidence_id")),
    )
    op.create_index(op.f("ix_media_conversions_status"), "media_conversions", ["status"])


def downgrade() -> None:
    op.drop_index(op.f("ix_media_conversions_status"), table_name="media_conversions")
    op.drop_table("media_conversions")
    op.execute("DELETE FROM evidence WHERE kind = 'recording'")
    with op.batch_alter_table("evidence") as batch:
        batch.drop_constraint(op.f(CHECK), type_="check")
        batch.create_check_constraint(op.f(CHECK), _kind_check(KINDS_BEFORE))
