"""Indexes that let the officers' and admins' lists read each order a page at a time.

The lists page by keyset ("the next 50 after this row"), so each sort they offer needs an index in
that order ending with the id: applications of a round by reference and by amount (the order by time
sent has 0007's index), groups by name (the list sorted by group), and audit entries newest first (all of them, or of one kind).

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-04

"""

from collections.abc import Sequence

from alembic import op

revision: str = "0028"
down_revision: str | Sequence[str] | None = "0027"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_applications_round_reference", "applications", ["round_id", "reference", "id"])
    op.create_index("ix_applications_round_amount", "applications", ["round_id", "amount_requested_pence", "id"])
    op.create_index("ix_organisations_name", "organisations", ["name", "id"])
    op.create_index("ix_audit_entries_created_id", "audit_entries", ["created_at", "id"])
    op.create_index("ix_audit_entries_action_created", "audit_entries", ["action", "created_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_audit_entries_action_created", table_name="audit_entries")
    op.drop_index("ix_audit_entries_created_id", table_name="audit_entries")
    op.drop_index("ix_organisations_name", table_name="organisations")
    op.drop_index("ix_applications_round_amount", table_name="applications")
    op.drop_index("ix_applications_round_reference", table_name="applications")
