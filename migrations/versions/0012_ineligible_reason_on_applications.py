"""Keep the reason an application was found not eligible on the application.

- ``applications.ineligible_reason``: what the officer wrote for the group to
  read. Until now the status page read it back from the summary of the latest
  "application marked ineligible" audit entry, which holds the reason exactly
  as written (stripped, at most 2,000 characters; with the title replaced once
  the application was anonymised). Existing ineligible applications are filled
  from that summary, so their status pages read the same.

Going down drops the column: the audit entries still hold every reason.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The audit action and application status as stored; the migration never imports the app.
MARKED_INELIGIBLE = "application marked ineligible"
INELIGIBLE = "ineligible"


def upgrade() -> None:
    # In place, never by copying the table (batch mode): on SQLite, dropping the
    # old copy of applications would cascade to every row that refers to one.
    op.add_column("applications", sa.Column("ineligible_reason", sa.Text(), nullable=True))
    # The latest entry wins, as it did on the status page.
    op.get_bind().execute(
        sa.text(
            "UPDATE applications SET ineligible_reason = ("
            " SELECT audit_entries.summary FROM audit_entries"
            " WHERE audit_entries.object_type = 'Application'"
            " AND audit_entries.object_id = applications.id"
            " AND audit_entries.action = :action"
            " ORDER BY audit_entries.id DESC LIMIT 1"
            ") WHERE status = :status"
        ),
        {"action": MARKED_INELIGIBLE, "status": INELIGIBLE},
    )


def downgrade() -> None:
    # In place for the same reason (SQLite has dropped columns in place since 3.35).
    op.drop_column("applications", "ineligible_reason")
