"""The programme's conflict register, closing reviewing short, returned approvals, results seen.

The conflict register was per round; an entry now holds in every round until
an officer ends it. Where a panellist had declared the same group in several
rounds, the earliest entry stays open and the later ones are ended as merged.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02

"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MERGED = "Merged into the programme's conflict register, which holds in every round"


def _end_duplicate_conflicts() -> None:
    connection = op.get_bind()
    rows = connection.execute(
        sa.text(
            "SELECT id, panellist_id, organisation_id FROM conflict_declarations ORDER BY declared_at, id"
        )
    ).all()
    seen: set[tuple[int, int]] = set()
    now = datetime.now(UTC)
    if connection.dialect.name == "sqlite":
        now = now.replace(tzinfo=None)
    for row_id, panellist_id, organisation_id in rows:
        if (panellist_id, organisation_id) in seen:
            connection.execute(
                sa.text("UPDATE conflict_declarations SET ended_at = :now, end_reason = :why WHERE id = :id"),
                {"now": now, "why": MERGED, "id": row_id},
            )
        seen.add((panellist_id, organisation_id))


def upgrade() -> None:
    with op.batch_alter_table("conflict_declarations") as batch:
        batch.add_column(sa.Column("declared_by_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("ended_by_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("end_reason", sa.Text(), nullable=True))
        batch.drop_constraint("uq_conflict_declarations_panellist_id_organisation_id_round_id", type_="unique")
        batch.drop_constraint("fk_conflict_declarations_round_id_rounds", type_="foreignkey")
        batch.alter_column("round_id", existing_type=sa.Integer(), nullable=True)
        batch.create_foreign_key(
            "fk_conflict_declarations_round_id_rounds", "rounds", ["round_id"], ["id"], ondelete="SET NULL"
        )
        batch.create_foreign_key(
            "fk_conflict_declarations_declared_by_id_users", "users", ["declared_by_id"], ["id"], ondelete="SET NULL"
        )
        batch.create_foreign_key(
            "fk_conflict_declarations_ended_by_id_users", "users", ["ended_by_id"], ["id"], ondelete="SET NULL"
        )
    # Until now the panellist was the only one who declared.
    op.execute("UPDATE conflict_declarations SET declared_by_id = panellist_id")
    _end_duplicate_conflicts()
    op.create_index(
        "uq_conflict_declarations_open",
        "conflict_declarations",
        ["panellist_id", "organisation_id"],
        unique=True,
        sqlite_where=sa.text("ended_at IS NULL"),
        postgresql_where=sa.text("ended_at IS NULL"),
    )

    with op.batch_alter_table("applications") as batch:
        batch.add_column(sa.Column("reviews_closed_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("reviews_closed_by_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("reviews_closed_reason", sa.Text(), nullable=True))
        batch.create_foreign_key(
            "fk_applications_reviews_closed_by_id_users", "users", ["reviews_closed_by_id"], ["id"], ondelete="SET NULL"
        )

    with op.batch_alter_table("panel_members") as batch:
        batch.add_column(sa.Column("results_seen_at", sa.DateTime(timezone=True), nullable=True))

    op.create_table(
        "approval_returns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("amount_pence", sa.Integer(), nullable=False),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("returned_by_id", sa.Integer(), nullable=True),
        sa.Column("returned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.CheckConstraint("amount_pence > 0", name=op.f("ck_approval_returns_amount_positive")),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_approval_returns_application_id_applications"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["approved_by_id"], ["users.id"], name=op.f("fk_approval_returns_approved_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["returned_by_id"], ["users.id"], name=op.f("fk_approval_returns_returned_by_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_approval_returns")),
    )
    op.create_index("ix_approval_returns_application_id", "approval_returns", ["application_id"])


def downgrade() -> None:
    op.drop_index("ix_approval_returns_application_id", table_name="approval_returns")
    op.drop_table("approval_returns")
    with op.batch_alter_table("panel_members") as batch:
        batch.drop_column("results_seen_at")
    with op.batch_alter_table("applications") as batch:
        batch.drop_constraint("fk_applications_reviews_closed_by_id_users", type_="foreignkey")
        batch.drop_column("reviews_closed_reason")
        batch.drop_column("reviews_closed_by_id")
        batch.drop_column("reviews_closed_at")
    op.drop_index("uq_conflict_declarations_open", table_name="conflict_declarations")
    # A per-round register again: entries with no round, and ended ones, cannot be kept.
    op.execute("DELETE FROM conflict_declarations WHERE round_id IS NULL OR ended_at IS NOT NULL")
    with op.batch_alter_table("conflict_declarations") as batch:
        batch.drop_constraint("fk_conflict_declarations_ended_by_id_users", type_="foreignkey")
        batch.drop_constraint("fk_conflict_declarations_declared_by_id_users", type_="foreignkey")
        batch.drop_constraint("fk_conflict_declarations_round_id_rounds", type_="foreignkey")
        batch.alter_column("round_id", existing_type=sa.Integer(), nullable=False)
        batch.create_foreign_key(
            "fk_conflict_declarations_round_id_rounds", "rounds", ["round_id"], ["id"], ondelete="CASCADE"
        )
        batch.create_unique_constraint(
            "uq_conflict_declarations_panellist_id_organisation_id_round_id",
            ["panellist_id", "organisation_id", "round_id"],
        )
        batch.drop_column("end_reason")
        batch.drop_column("ended_by_id")
        batch.drop_column("ended_at")
        batch.drop_column("declared_by_id")
