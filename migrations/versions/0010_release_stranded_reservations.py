"""Release money still held by approvals whose application left before its offer.

Until now an application could be withdrawn (or otherwise leave) while its
approval waited for a second officer; the approval stayed and kept its money
committed to nothing. Each such approval is removed, its amount is returned
to the round's budget, and the audit log says so.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02

"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    connection = op.get_bind()
    stranded = connection.execute(
        sa.text(
            "SELECT d.id, d.application_id, d.amount_pence, a.round_id, a.status FROM decisions d"
            " JOIN applications a ON a.id = d.application_id"
            " LEFT JOIN awards w ON w.application_id = d.application_id"
            " WHERE d.outcome = 'approve' AND w.id IS NULL AND a.status <> 'scored'"
        )
    ).all()
    now = datetime.now(UTC)
    if connection.dialect.name == "sqlite":
        now = now.replace(tzinfo=None)
    for decision_id, application_id, amount, round_id, status in stranded:
        amount = amount or 0
        connection.execute(
            sa.text(
                "UPDATE rounds SET committed_pence = CASE WHEN committed_pence >= :amount"
                " THEN committed_pence - :amount ELSE 0 END WHERE id = :round_id"
            ),
            {"amount": amount, "round_id": round_id},
        )
        connection.execute(sa.text("DELETE FROM decisions WHERE id = :id"), {"id": decision_id})
        connection.execute(
            sa.text(
                "INSERT INTO audit_entries (actor_id, action, object_type, object_id, summary, created_at)"
                " VALUES (NULL, 'approval released', 'Application', :application_id, :summary, :now)"
            ),
            {
                "application_id": application_id,
                "summary": f"£{amount / 100:,.2f} returned to the budget: the application is {status.replace('_', ' ')}",
                "now": now,
            },
        )


def downgrade() -> None:
    # The approvals removed held money for applications that had already left; bringing them
    # back would strand that money again, so nothing is undone.
    pass
