"""Languages: the language each person chose for pages and messages, and the language a
group last wrote its application's answers in (so they are marked as such for readers).

Going down forgets both; everyone reads English again.

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-05

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0032"
down_revision: str | Sequence[str] | None = "0031"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("language", sa.String(length=8), nullable=True))
    with op.batch_alter_table("applications") as batch:
        batch.add_column(sa.Column("language", sa.String(length=8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("applications") as batch:
        batch.drop_column("language")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("language")
