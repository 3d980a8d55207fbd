"""Two-stage rounds: a short expression of interest, a shortlist, then the full application.

- ``rounds.two_stages``: the round asks for an expression of interest first (off for every
  existing round); ``rounds.full_applications_close_at``: when invited groups' full
  applications close (the round's closing time ends the first stage).
- ``round_sections.at_expression_of_interest``: which of the round's own sections the
  expression of interest asks, besides "About your group" and "Your idea".
- ``applications.eoi_submitted_at``/``invited_at``: when the group sent its expression of
  interest, and when officers invited it to apply in full.
- The application status ``eoi_submitted``.

Going down turns every expression of interest still waiting into a draft (the answers are
kept) and drops the columns.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-04

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | Sequence[str] | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATUSES_BEFORE = (
    "draft",
    "submitted",
    "eligibility_check",
    "more_info",
    "with_panel",
    "scored",
    "approved",
    "declined",
    "ineligible",
    "withdrawn",
)
STATUSES_AFTER = ("draft", "eoi_submitted", *STATUSES_BEFORE[1:])
CHECK = "ck_applications_application_status"


def _status_check(statuses: Sequence[str]) -> str:
    return "status IN (" + ", ".join(f"'{status}'" for status in statuses) + ")"


def upgrade() -> None:
    with op.batch_alter_table("rounds") as batch:
        batch.add_column(sa.Column("two_stages", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("full_applications_close_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("round_sections") as batch:
        batch.add_column(
            sa.Column("at_expression_of_interest", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("applications") as batch:
        batch.add_column(sa.Column("eoi_submitted_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("invited_at", sa.DateTime(timezone=True), nullable=True))
        batch.drop_constraint(op.f(CHECK), type_="check")
        batch.create_check_constraint(op.f(CHECK), _status_check(STATUSES_AFTER))


def downgrade() -> None:
    op.execute("UPDATE applications SET status = 'draft' WHERE status = 'eoi_submitted'")
    with op.batch_alter_table("applications") as batch:
        batch.drop_constraint(op.f(CHECK), type_="check")
        batch.create_check_constraint(op.f(CHECK), _status_check(STATUSES_BEFORE))
        batch.drop_column("invited_at")
        batch.drop_column("eoi_submitted_at")
    with op.batch_alter_table("round_sections") as batch:
        batch.drop_column("at_expression_of_interest")
    with op.batch_alter_table("rounds") as batch:
        batch.drop_column("full_applications_close_at")
        batch.drop_column("two_stages")
