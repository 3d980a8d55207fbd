"""An index for the officers' applications list, so a page of a large round is read in order.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01

"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_applications_round_submitted", "applications", ["round_id", "submitted_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_applications_round_submitted", table_name="applications")
