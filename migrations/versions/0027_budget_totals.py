"""Budget figures as running totals: one row per round and place, filled from the existing rows.

Approvals and awards now record the neighbourhood they count under (the group's neighbourhood
when the officer approved), so a group moving later cannot move money between places. Existing
ones take the group's neighbourhood now. The totals are then computed from the approvals still
waiting for a second officer, the awards and the payments made, as ``budget check`` recomputes them.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-04

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0027"
down_revision: str | Sequence[str] | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FIGURES = ("waiting_pence", "offered_pence", "accepted_pence", "paid_pence", "cancelled_paid_pence", "awards")
ACCEPTED = ("accepted", "paid", "report_due", "closed")

GROUP_NEIGHBOURHOOD = (
    "(SELECT organisations.neighbourhood_id FROM applications"
    " JOIN organisations ON organisations.id = applications.organisation_id"
    " WHERE applications.id = {table}.application_id)"
)

WAITING = """
SELECT applications.round_id, COALESCE(decisions.neighbourhood_id, 0), SUM(decisions.amount_pence)
FROM decisions JOIN applications ON applications.id = decisions.application_id
WHERE decisions.outcome = 'approve' AND applications.status = 'scored'
  AND NOT EXISTS (SELECT 1 FROM awards WHERE awards.application_id = decisions.application_id)
GROUP BY applications.round_id, COALESCE(decisions.neighbourhood_id, 0)
"""
AWARDS = """
SELECT round_id, COALESCE(neighbourhood_id, 0), status, COUNT(id), SUM(amount_pence)
FROM awards GROUP BY round_id, COALESCE(neighbourhood_id, 0), status
"""
PAID = """
SELECT awards.round_id, COALESCE(awards.neighbourhood_id, 0), awards.status = 'cancelled', SUM(payments.amount_pence)
FROM payments JOIN awards ON awards.id = payments.award_id
WHERE payments.paid_at IS NOT NULL
GROUP BY awards.round_id, COALESCE(awards.neighbourhood_id, 0), awards.status = 'cancelled'
"""


def _neighbourhood_column(table: str) -> None:
    with op.batch_alter_table(table) as batch:
        batch.add_column(sa.Column("neighbourhood_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f(f"fk_{table}_neighbourhood_id_neighbourhoods"),
            "neighbourhoods",
            ["neighbourhood_id"],
            ["id"],
            ondelete="RESTRICT",
        )
    op.execute(f"UPDATE {table} SET neighbourhood_id = {GROUP_NEIGHBOURHOOD.format(table=table)}")


def _backfill(connection: sa.Connection) -> list[dict[str, int]]:
    rows: dict[tuple[int, int], dict[str, int]] = {}

    def row(round_id: int, place_id: int) -> dict[str, int]:
        key = (int(round_id), int(place_id))
        return rows.setdefault(key, {"round_id": key[0], "place_id": key[1]} | dict.fromkeys(FIGURES, 0))

    for round_id, place_id, amount in connection.execute(sa.text(WAITING)):
        row(round_id, place_id)["waiting_pence"] += int(amount or 0)
    for round_id, place_id, status, count, amount in connection.execute(sa.text(AWARDS)):
        figures = row(round_id, place_id)
        if status == "offered":
            figures["offered_pence"] += int(amount or 0)
        elif status in ACCEPTED:
            figures["accepted_pence"] += int(amount or 0)
        if status != "cancelled":
            figures["awards"] += int(count)
    for round_id, place_id, cancelled, amount in connection.execute(sa.text(PAID)):
        row(round_id, place_id)["cancelled_paid_pence" if cancelled else "paid_pence"] += int(amount or 0)
    return list(rows.values())


def upgrade() -> None:
    _neighbourhood_column("decisions")
    _neighbourhood_column("awards")
    totals = op.create_table(
        "budget_totals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("place_id", sa.Integer(), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in FIGURES),
        sa.ForeignKeyConstraint(
            ["round_id"], ["rounds.id"], name=op.f("fk_budget_totals_round_id_rounds"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_budget_totals")),
        sa.UniqueConstraint("round_id", "place_id", name=op.f("uq_budget_totals_round_id_place_id")),
    )
    rows = _backfill(op.get_bind())
    if rows:
        op.bulk_insert(totals, rows)


def downgrade() -> None:
    op.drop_table("budget_totals")
    for table in ("awards", "decisions"):
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(op.f(f"fk_{table}_neighbourhood_id_neighbourhoods"), type_="foreignkey")
            batch.drop_column("neighbourhood_id")
