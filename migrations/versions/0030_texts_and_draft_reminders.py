"""Texts: a person may choose to be sent sign-in codes and reminders by text message; the outbox
holds texts beside emails; drafts remember the deadline reminders they were sent.

Going down drops texts waiting in the outbox (they cannot become emails), each person's
choice, and which drafts were reminded.

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-04

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0030"
down_revision: str | Sequence[str] | None = "0029"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHANNEL_CHECK = "ck_outbox_messages_outbox_channel"


def upgrade() -> None:
    with op.batch_alter_table("outbox_messages") as batch:
        batch.add_column(
            sa.Column(
                "channel",
                sa.Enum("email", "text", name="outbox_channel", native_enum=False, create_constraint=True, length=32),
                nullable=False,
                server_default="email",
            )
        )
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("contact_by_text", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("applications") as batch:
        batch.add_column(sa.Column("week_reminder_sent_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("day_reminder_sent_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.execute("DELETE FROM outbox_messages WHERE channel = 'text'")
    with op.batch_alter_table("applications") as batch:
        batch.drop_column("day_reminder_sent_at")
        batch.drop_column("week_reminder_sent_at")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("contact_by_text")
    with op.batch_alter_table("outbox_messages") as batch:
        batch.drop_constraint(op.f(CHANNEL_CHECK), type_="check")
        batch.drop_column("channel")
