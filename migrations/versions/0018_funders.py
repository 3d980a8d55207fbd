"""Funders as their own records, named by funds and by rounds.

- ``funders``: an organisation that puts money into a fund (name, and its
  org-id such as GB-CHC-1234567, checked when officers enter it). The org-id
  is nullable: funders carried over from a fund's free-text funder name have
  none yet, the pages show "org-id missing" and open data refuses to name
  them until the team fills it in.
- ``fund_funders``: which funders stand behind each fund (one or more).
- ``round_funders``: the funders behind a round and how much each puts in.

Going up, each distinct non-empty ``funds.funder_name`` becomes a funder of
that fund. The column stays, so going down keeps it as it was; the new tables
are dropped.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-04

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | Sequence[str] | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "funders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("org_id", sa.String(length=60), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_funders"),
        sa.UniqueConstraint("name", name="uq_funders_name"),
        sa.UniqueConstraint("org_id", name="uq_funders_org_id"),
    )
    op.create_table(
        "fund_funders",
        sa.Column("fund_id", sa.Integer(), nullable=False),
        sa.Column("funder_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["fund_id"], ["funds.id"], name="fk_fund_funders_fund_id_funds", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["funder_id"], ["funders.id"], name="fk_fund_funders_funder_id_funders", ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("fund_id", "funder_id", name="pk_fund_funders"),
    )
    op.create_table(
        "round_funders",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("funder_id", sa.Integer(), nullable=False),
        sa.Column("amount_pence", sa.Integer(), nullable=False),
        sa.CheckConstraint("amount_pence >= 0", name=op.f("ck_round_funders_amount_not_negative")),
        sa.ForeignKeyConstraint(
            ["round_id"], ["rounds.id"], name="fk_round_funders_round_id_rounds", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["funder_id"], ["funders.id"], name="fk_round_funders_funder_id_funders", ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("round_id", "funder_id", name="pk_round_funders"),
    )

    connection = op.get_bind()
    funds = connection.execute(sa.text("SELECT id, funder_name, created_at FROM funds ORDER BY id")).all()
    funder_ids: dict[str, int] = {}
    for fund_id, funder_name, created_at in funds:
        name = (funder_name or "").strip()
        if not name:
            continue
        if name not in funder_ids:
            connection.execute(
                sa.text("INSERT INTO funders (name, org_id, created_at) VALUES (:name, NULL, :created_at)"),
                {"name": name, "created_at": created_at},
            )
            funder_ids[name] = connection.execute(
                sa.text("SELECT id FROM funders WHERE name = :name"), {"name": name}
            ).scalar_one()
        connection.execute(
            sa.text("INSERT INTO fund_funders (fund_id, funder_id) VALUES (:fund_id, :funder_id)"),
            {"fund_id": fund_id, "funder_id": funder_ids[name]},
        )


def downgrade() -> None:
    op.drop_table("round_funders")
    op.drop_table("fund_funders")
    op.drop_table("funders")
