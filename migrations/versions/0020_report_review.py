"""Reports are accepted or sent back for changes; an instalment can wait for a report.

- ``monitoring_reports.reviewed_at``/``reviewed_by_id`` become ``accepted_at``/``accepted_by_id``:
  a report once "read" is now "accepted", and a report read before this revision was final, so
  it stays accepted.
- ``monitoring_reports.times_sent``: how many times the group has sent it (1 for a report
  already sent), so a decision taken on a page older than the latest sending is refused.
- ``monitoring_reports.changes_requested_at``/``changes_message``: the latest request for
  changes, which the group reads on its report page (who asked is in the audit log).
- ``payments.held_until_item_id``: the award's schedule entry whose report must be accepted
  before the instalment is paid.

Going down renames the columns back and drops the new ones (a request for changes and a
hold are lost; the audit log keeps both).

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-04

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | Sequence[str] | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RENAMES = (("reviewed_at", "accepted_at"), ("reviewed_by_id", "accepted_by_id"))
OLD_FK = "fk_monitoring_reports_reviewed_by_id_users"
NEW_FK = "fk_monitoring_reports_accepted_by_id_users"


def upgrade() -> None:
    # In place, never by copying the table (batch mode): on SQLite, dropping the old copy of
    # monitoring_reports would empty the schedule entries' links to their reports. Both
    # databases rename a column in place.
    for old, new in RENAMES:
        op.execute(f"ALTER TABLE monitoring_reports RENAME COLUMN {old} TO {new}")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"ALTER TABLE monitoring_reports RENAME CONSTRAINT {OLD_FK} TO {NEW_FK}")
    op.add_column(
        "monitoring_reports", sa.Column("times_sent", sa.Integer(), nullable=False, server_default="0")
    )
    op.add_column("monitoring_reports", sa.Column("changes_requested_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("monitoring_reports", sa.Column("changes_message", sa.Text(), nullable=True))
    op.execute("UPDATE monitoring_reports SET times_sent = 1 WHERE submitted_at IS NOT NULL")
    # Nothing refers to payments, so SQLite may copy the table (batch mode) to add the reference.
    with op.batch_alter_table("payments") as batch_op:
        batch_op.add_column(sa.Column("held_until_item_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_payments_held_until_item_id_report_schedule_items",
            "report_schedule_items",
            ["held_until_item_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_index("ix_payments_held_until_item_id", ["held_until_item_id"])

def downgrade() -> None:
    with op.batch_alter_table("payments") as batch_op:
        batch_op.drop_index("ix_payments_held_until_item_id")
        batch_op.drop_constraint("fk_payments_held_until_item_id_report_schedule_items", type_="foreignkey")
        batch_op.drop_column("held_until_item_id")
    op.drop_column("monitoring_reports", "changes_message")
    op.drop_column("monitoring_reports", "changes_requested_at")
    op.drop_column("monitoring_reports", "times_sent")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"ALTER TABLE monitoring_reports RENAME CONSTRAINT {NEW_FK} TO {OLD_FK}")
    for old, new in RENAMES:
        op.execute(f"ALTER TABLE monitoring_reports RENAME COLUMN {new} TO {old}")
