"""A read-only funder role, and a group's consent to share its report's story and photos.

- ``role_grants.role`` may now be ``funder``: people at a funder who read the outcomes of
  the rounds it pays for (the CHECK constraint names the roles).
- ``funder_people``: the one funder each such person reads for.
- ``monitoring_reports.share_story`` and ``share_photos``: the group agreed that its story,
  and its photos, may be shown to funders and in public. Reports sent before this revision
  were sent without being asked, so they are not shared.

Going down drops the consent, the links and every funder role grant (those people keep
their accounts, without the role).

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-04

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0025"
down_revision: str | Sequence[str] | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROLES_BEFORE = ("panellist", "officer", "admin", "finance")
ROLES_AFTER = (*ROLES_BEFORE, "funder")
CONSENTS = ("share_story", "share_photos")


def _role_check(roles: Sequence[str]) -> str:
    return "role IN (" + ", ".join(f"'{role}'" for role in roles) + ")"


def upgrade() -> None:
    # Nothing refers to role_grants, so SQLite may copy it (batch mode) to change the CHECK.
    with op.batch_alter_table("role_grants") as batch:
        batch.drop_constraint(op.f("ck_role_grants_role"), type_="check")
        batch.create_check_constraint(op.f("ck_role_grants_role"), _role_check(ROLES_AFTER))
    op.create_table(
        "funder_people",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("funder_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_funder_people_user_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["funder_id"], ["funders.id"], name=op.f("fk_funder_people_funder_id_funders"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_funder_people")),
    )
    op.create_index(op.f("ix_funder_people_funder_id"), "funder_people", ["funder_id"])
    # In place, never by copying monitoring_reports: schedule entries point at it.
    for name in CONSENTS:
        op.add_column(
            "monitoring_reports", sa.Column(name, sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    for name in reversed(CONSENTS):
        op.drop_column("monitoring_reports", name)
    op.drop_index(op.f("ix_funder_people_funder_id"), table_name="funder_people")
    op.drop_table("funder_people")
    op.execute("DELETE FROM role_grants WHERE role = 'funder'")
    with op.batch_alter_table("role_grants") as batch:
        batch.drop_constraint(op.f("ck_role_grants_role"), type_="check")
        batch.create_check_constraint(op.f("ck_role_grants_role"), _role_check(ROLES_BEFORE))
