"""A finance role, and bank details confirmed by a second person before payment.

- ``role_grants.role`` may now be ``finance``: the people who read groups'
  bank details to pay grants (the CHECK constraint names the roles).
- ``awards.bank_details_entered_by_id``: who gave or last changed the details,
  who may not also confirm them.
- ``awards.bank_details_confirmed_at`` and ``bank_details_confirmed_by_id``:
  a second person checked the details; any change clears them.
- ``awards.bank_details_on_hold_since``: confirmed details were changed, so
  payment waits until they are confirmed again.

Details given before this migration are unconfirmed: finance confirms them
before the next payment. Going down removes the columns and every finance
role grant (those people keep their accounts, without the role).

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-04

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | Sequence[str] | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROLES_BEFORE = ("panellist", "officer", "admin")
ROLES_AFTER = (*ROLES_BEFORE, "finance")
# (name, type, whether it names a person)
COLUMNS = (
    ("bank_details_entered_by_id", sa.Integer(), True),
    ("bank_details_confirmed_at", sa.DateTime(timezone=True), False),
    ("bank_details_confirmed_by_id", sa.Integer(), True),
    ("bank_details_on_hold_since", sa.DateTime(timezone=True), False),
)


def _role_check(roles: Sequence[str]) -> str:
    return "role IN (" + ", ".join(f"'{role}'" for role in roles) + ")"


def upgrade() -> None:
    with op.batch_alter_table("role_grants") as batch:
        batch.drop_constraint(op.f("ck_role_grants_role"), type_="check")
        batch.create_check_constraint(op.f("ck_role_grants_role"), _role_check(ROLES_AFTER))
    with op.batch_alter_table("awards") as batch:
        for name, column_type, names_a_person in COLUMNS:
            batch.add_column(sa.Column(name, column_type, nullable=True))
            if names_a_person:
                batch.create_foreign_key(op.f(f"fk_awards_{name}_users"), "users", [name], ["id"], ondelete="SET NULL")


def downgrade() -> None:
    with op.batch_alter_table("awards") as batch:
        for name, _type, names_a_person in reversed(COLUMNS):
            if names_a_person:
                batch.drop_constraint(op.f(f"fk_awards_{name}_users"), type_="foreignkey")
            batch.drop_column(name)
    op.execute("DELETE FROM role_grants WHERE role = 'finance'")
    with op.batch_alter_table("role_grants") as batch:
        batch.drop_constraint(op.f("ck_role_grants_role"), type_="check")
        batch.create_check_constraint(op.f("ck_role_grants_role"), _role_check(ROLES_BEFORE))
