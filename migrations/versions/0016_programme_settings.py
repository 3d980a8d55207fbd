"""Keep what a programme team sets in the database, edited by admins in the browser.

- ``programme_settings``: one row (id 1): the programme's name and
  description (the home page's introduction, until now fixed in its template), the grants team's contact address, the privacy contact, the
  panel's hourly rate (new rounds start at it), and the 360Giving grant-ID
  prefix and publisher name. Until now the rate was a constant in the code
  and the address, prefix and publisher came from the environment
  (``PROGRAMME_EMAIL``, ``GRANT_ID_PREFIX``, ``PUBLISHER_NAME``), which now
  holds only secrets and infrastructure.

The row is filled from those environment variables when the upgrade runs
with them set (so published grant identifiers keep their prefix), else from
the values the portal used by default. Going down drops the table; the
environment variables then apply again.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04

"""

import os
import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | Sequence[str] | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The defaults as the portal used them at this revision; the migration never imports the app.
DEFAULTS = {
    "name": "Anchor Offer grants",
    "description": (
        "Small grants of £500 to £5,000 for grassroots community groups in four neighbourhoods"
        " of South and West Hertfordshire.\n\n"
        "The money is for activities that help local people stay well, feel less alone and get support early."
        " Your group does not need to be a registered charity: informal, volunteer-run groups are welcome.\n\n"
        "Decisions are made with local people who have lived experience, such as people living with cancer or"
        " a long-term condition. They read and score every application, and our grants officers make the final decision."
    ),
    "contact_email": "",
    "privacy_contact": "",
    "hourly_rate_pence": 1360,
    "grant_id_prefix": "anchoroffer",
    "publisher_name": "Anchor Offer grants",
}
# What the environment used to set, and the column it now lives in.
FROM_ENVIRONMENT = {
    "PROGRAMME_EMAIL": "contact_email",
    "GRANT_ID_PREFIX": "grant_id_prefix",
    "PUBLISHER_NAME": "publisher_name",
}
PREFIX = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


def first_row() -> dict[str, object]:
    row: dict[str, object] = {"id": 1, **DEFAULTS}
    for variable, column in FROM_ENVIRONMENT.items():
        value = os.environ.get(variable, "").strip()
        if value and (column != "grant_id_prefix" or (len(value) <= 60 and PREFIX.fullmatch(value))):
            row[column] = value[:254]
    return row


def upgrade() -> None:
    table = op.create_table(
        "programme_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("contact_email", sa.String(length=254), nullable=False),
        sa.Column("privacy_contact", sa.String(length=254), nullable=False),
        sa.Column("hourly_rate_pence", sa.Integer(), nullable=False),
        sa.Column("grant_id_prefix", sa.String(length=60), nullable=False),
        sa.Column("publisher_name", sa.String(length=200), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("id = 1", name=op.f("ck_programme_settings_one_row")),
        sa.CheckConstraint("hourly_rate_pence > 0", name=op.f("ck_programme_settings_hourly_rate_positive")),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["users.id"],
            name=op.f("fk_programme_settings_updated_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme_settings")),
    )
    op.bulk_insert(table, [first_row()])


def downgrade() -> None:
    op.drop_table("programme_settings")
