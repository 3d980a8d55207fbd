"""The version of what officers and admins edit for everyone (rounds, neighbourhoods, funders, the
programme's settings): one row whose token changes with every such edit, so public pages can answer
"not modified" to a browser that has them already.

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-04

"""

import secrets
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0029"
down_revision: str | Sequence[str] | None = "0028"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    table = op.create_table(
        "content_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_content_versions_one_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_versions")),
    )
    now = datetime.now(UTC)
    if op.get_bind().dialect.name == "sqlite":
        now = now.replace(tzinfo=None)  # as portal.models.base.UTCDateTime keeps it there
    op.bulk_insert(table, [{"id": 1, "token": secrets.token_hex(16), "changed_at": now}])


def downgrade() -> None:
    op.drop_table("content_versions")
