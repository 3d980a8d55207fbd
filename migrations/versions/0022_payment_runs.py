"""Payment runs: instalments gathered into one bank file, approved by a second person.

- ``payment_runs``: reference, status (draft, approved, paid, cancelled), the day the
  bank is to pay, and who made, approved and confirmed it.
- ``payments.run_id``: the run that holds the payment.
- ``programme_settings``: the account grants are paid from and the Bacs service user
  number, for the bank file.

Going down drops them (the payments keep their paid dates and references).

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-04

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | Sequence[str] | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PAYING = (("paying_sort_code", 6), ("paying_account_number", 8), ("paying_account_name", 18), ("service_user_number", 6))


def _person(name: str) -> sa.Column[int]:
    return sa.Column(name, sa.Integer(), sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True)


def upgrade() -> None:
    op.create_table(
        "payment_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=30), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "approved",
                "paid",
                "cancelled",
                name="payment_run_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("pay_on", sa.Date(), nullable=False),
        _person("created_by_id"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _person("approved_by_id"),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        _person("paid_by_id"),
        sa.Column("paid_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_runs")),
        sa.UniqueConstraint("reference", name=op.f("uq_payment_runs_reference")),
    )
    op.create_index(op.f("ix_payment_runs_status"), "payment_runs", ["status"])
    with op.batch_alter_table("payments") as batch:
        batch.add_column(sa.Column("run_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_payments_run_id_payment_runs"), "payment_runs", ["run_id"], ["id"], ondelete="SET NULL"
        )
        batch.create_index(op.f("ix_payments_run_id"), ["run_id"])
    with op.batch_alter_table("programme_settings") as batch:
        for name, length in PAYING:
            batch.add_column(sa.Column(name, sa.String(length=length), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("programme_settings") as batch:
        for name, _length in reversed(PAYING):
            batch.drop_column(name)
    with op.batch_alter_table("payments") as batch:
        batch.drop_index(op.f("ix_payments_run_id"))
        batch.drop_constraint(op.f("fk_payments_run_id_payment_runs"), type_="foreignkey")
        batch.drop_column("run_id")
    op.drop_index(op.f("ix_payment_runs_status"), table_name="payment_runs")
    op.drop_table("payment_runs")
