"""Files sent with messages: an evidence row may belong to a message in an award's thread.

Going down removes the rows of files sent with messages (their stored objects are then
found by the orphan sweep) and restores the four owners.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-04

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0026"
down_revision: str | Sequence[str] | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHECK = "ck_evidence_exactly_one_owner"
OWNERS = ("organisation_id", "application_id", "report_id", "info_request_id")


def _one_owner(owners: Sequence[str]) -> str:
    return " + ".join(f"(CASE WHEN {owner} IS NULL THEN 0 ELSE 1 END)" for owner in owners) + " = 1"


def upgrade() -> None:
    with op.batch_alter_table("evidence") as batch:
        batch.add_column(sa.Column("message_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_evidence_message_id_award_messages"), "award_messages", ["message_id"], ["id"], ondelete="CASCADE"
        )
        batch.create_index(op.f("ix_evidence_message_id"), ["message_id"])
        batch.drop_constraint(op.f(CHECK), type_="check")
        batch.create_check_constraint(op.f(CHECK), _one_owner((*OWNERS, "message_id")))


def downgrade() -> None:
    op.execute("DELETE FROM evidence WHERE message_id IS NOT NULL")
    with op.batch_alter_table("evidence") as batch:
        batch.drop_constraint(op.f(CHECK), type_="check")
        batch.create_check_constraint(op.f(CHECK), _one_owner(OWNERS))
        batch.drop_index(op.f("ix_evidence_message_id"))
        batch.drop_constraint(op.f("fk_evidence_message_id_award_messages"), type_="foreignkey")
        batch.drop_column("message_id")
