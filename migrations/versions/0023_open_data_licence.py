"""The open data licence as a programme setting (CC BY 4.0, as before, until an admin changes it).

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-04

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023"
down_revision: str | Sequence[str] | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CC_BY = "https://creativecommons.org/licenses/by/4.0/"


def upgrade() -> None:
    with op.batch_alter_table("programme_settings") as batch:
        batch.add_column(sa.Column("open_data_licence", sa.String(length=300), nullable=False, server_default=CC_BY))


def downgrade() -> None:
    with op.batch_alter_table("programme_settings") as batch:
        batch.drop_column("open_data_licence")
