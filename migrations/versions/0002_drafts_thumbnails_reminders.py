"""Per-section draft revisions, image thumbnails, bank details time, overdue report notices.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("applications") as batch:
        # Existing drafts start with no saved sections.
        batch.add_column(sa.Column("section_revisions", sa.JSON(), nullable=False, server_default=sa.text("'{}'")))
    with op.batch_alter_table("evidence") as batch:
        batch.add_column(sa.Column("thumbnail_key", sa.String(length=200), nullable=True))
        batch.create_unique_constraint("uq_evidence_thumbnail_key", ["thumbnail_key"])
    with op.batch_alter_table("awards") as batch:
        batch.add_column(sa.Column("bank_details_added_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("monitoring_reports") as batch:
        batch.add_column(sa.Column("overdue_notice_sent_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("monitoring_reports") as batch:
        batch.drop_column("overdue_notice_sent_at")
    with op.batch_alter_table("awards") as batch:
        batch.drop_column("bank_details_added_at")
    with op.batch_alter_table("evidence") as batch:
        batch.drop_constraint("uq_evidence_thumbnail_key", type_="unique")
        batch.drop_column("thumbnail_key")
    with op.batch_alter_table("applications") as batch:
        batch.drop_column("section_revisions")
