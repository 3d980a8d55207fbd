"""Peer-learning events: one registration per attendee, cancellations, and resources.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("published_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True))
    # A booking names several attendees: one registration each, so one person
    # may hold several registrations for the same event.
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.drop_constraint("uq_registrations_event_id_user_id", type_="unique")
        batch_op.add_column(sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "resources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("file", "link", name="resource_kind", native_enum=False, create_constraint=True, length=32),
            nullable=False,
        ),
        sa.Column("link_url", sa.String(length=500), nullable=True),
        sa.Column("original_filename", sa.String(length=255), nullable=True),
        sa.Column("content_type", sa.String(length=100), nullable=True),
        sa.Column("size_bytes", sa.BigInteger(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("storage_key", sa.String(length=200), nullable=True),
        sa.Column("added_by_id", sa.Integer(), nullable=True),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(kind = 'file' AND storage_key IS NOT NULL AND link_url IS NULL)"
            " OR (kind = 'link' AND link_url IS NOT NULL AND storage_key IS NULL)",
            name="ck_resources_file_or_link",
        ),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], name="fk_resources_event_id_events", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["added_by_id"], ["users.id"], name="fk_resources_added_by_id_users", ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name="pk_resources"),
        sa.UniqueConstraint("storage_key", name="uq_resources_storage_key"),
    )
    op.create_index("ix_resources_event_added", "resources", ["event_id", "added_at"])


def downgrade() -> None:
    op.drop_index("ix_resources_event_added", table_name="resources")
    op.drop_table("resources")
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.drop_column("cancelled_at")
        batch_op.create_unique_constraint("uq_registrations_event_id_user_id", ["event_id", "user_id"])
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_column("cancelled_at")
        batch_op.drop_column("published_at")
