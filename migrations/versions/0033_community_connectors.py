"""Community connectors: a role that starts and fills applications on a group's behalf.

- ``role_grants.role`` may now be ``connector`` (the CHECK constraint names the roles).
- ``applications.helped_by_id``: the connector or officer who started the draft for the group;
  ``applications.helper_sections``: the sections the helper changed last.
- ``group_confirmations``: the hashed link token and code a group confirms a helped draft with.

Going down drops the confirmations, the helper columns and every connector role grant (those
people keep their accounts, without the role).

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-05

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0033"
down_revision: str | Sequence[str] | None = "0032"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROLES_BEFORE = ("panellist", "officer", "admin", "finance", "funder")
ROLES_AFTER = (*ROLES_BEFORE, "connector")


def _role_check(roles: Sequence[str]) -> str:
    return "role IN (" + ", ".join(f"'{role}'" for role in roles) + ")"


def upgrade() -> None:
    # Nothing refers to role_grants, so SQLite may copy it (batch mode) to change the CHECK.
    with op.batch_alter_table("role_grants") as batch:
        batch.drop_constraint(op.f("ck_role_grants_role"), type_="check")
        batch.create_check_constraint(op.f("ck_role_grants_role"), _role_check(ROLES_AFTER))
    with op.batch_alter_table("applications") as batch:
        batch.add_column(sa.Column("helped_by_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("helper_sections", sa.JSON(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_applications_helped_by_id_users"), "users", ["helped_by_id"], ["id"], ondelete="SET NULL"
        )
        batch.create_index(op.f("ix_applications_helped_by_id"), ["helped_by_id"])
    op.create_table(
        "group_confirmations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("application_version", sa.Integer(), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_group_confirmations_application_id_applications"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"],
            ["users.id"],
            name=op.f("fk_group_confirmations_requested_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_confirmations")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_group_confirmations_token_hash")),
    )
    op.create_index(
        op.f("ix_group_confirmations_application_id"), "group_confirmations", ["application_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_group_confirmations_application_id"), table_name="group_confirmations")
    op.drop_table("group_confirmations")
    with op.batch_alter_table("applications") as batch:
        batch.drop_index(op.f("ix_applications_helped_by_id"))
        batch.drop_constraint(op.f("fk_applications_helped_by_id_users"), type_="foreignkey")
        batch.drop_column("helper_sections")
        batch.drop_column("helped_by_id")
    op.execute("DELETE FROM role_grants WHERE role = 'connector'")
    with op.batch_alter_table("role_grants") as batch:
        batch.drop_constraint(op.f("ck_role_grants_role"), type_="check")
        batch.create_check_constraint(op.f("ck_role_grants_role"), _role_check(ROLES_AFTER[:-1]))
