"""Neighbourhoods set up in the browser, and reference data imported from it.

- ``neighbourhoods.retired_at``: officers retire a neighbourhood rather than
  delete it, so the rounds and groups that name it keep it; a retired one is
  not offered for new rounds nor matched to new groups' postcodes.
- ``neighbourhood_lsoas``: the LSOAs officers place in a neighbourhood (each
  in one neighbourhood at most), so the postcode lookup keeps their postcodes
  as well as those in its postcode districts and sectors.
- ``reference_imports``: an IMD file or ONS postcode lookup uploaded in the
  browser, kept in storage and imported by the worker, with its progress and
  the first bad lines it found.

Existing neighbourhoods stay as they are (none is retired). Going down drops
the new tables and the column: the neighbourhoods and their areas are kept.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | Sequence[str] | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # In place, never by copying the table (batch mode): on SQLite, dropping the
    # old copy of neighbourhoods would cascade to the rows that refer to one.
    op.add_column("neighbourhoods", sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "neighbourhood_lsoas",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("neighbourhood_id", sa.Integer(), nullable=False),
        sa.Column("lsoa_code", sa.String(length=9), nullable=False),
        sa.ForeignKeyConstraint(
            ["neighbourhood_id"],
            ["neighbourhoods.id"],
            name="fk_neighbourhood_lsoas_neighbourhood_id_neighbourhoods",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_neighbourhood_lsoas"),
        sa.UniqueConstraint("lsoa_code", name="uq_neighbourhood_lsoas_lsoa_code"),
    )
    op.create_index("ix_neighbourhood_lsoas_neighbourhood_id", "neighbourhood_lsoas", ["neighbourhood_id"])
    op.create_table(
        "reference_imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "deprivation", "postcodes", name="reference_kind", native_enum=False, create_constraint=True, length=32
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "waiting",
                "running",
                "done",
                "failed",
                name="import_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("storage_key", sa.String(length=200), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("rows_total", sa.Integer(), nullable=False),
        sa.Column("rows_done", sa.Integer(), nullable=False),
        sa.Column("rows_kept", sa.Integer(), nullable=False),
        sa.Column("bad_lines", sa.Integer(), nullable=False),
        sa.Column("problems", sa.JSON(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("progress_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"], ["users.id"], name="fk_reference_imports_uploaded_by_id_users", ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_reference_imports"),
    )
    op.create_index("ix_reference_imports_status", "reference_imports", ["status"])


def downgrade() -> None:
    op.drop_index("ix_reference_imports_status", table_name="reference_imports")
    op.drop_table("reference_imports")
    op.drop_index("ix_neighbourhood_lsoas_neighbourhood_id", table_name="neighbourhood_lsoas")
    op.drop_table("neighbourhood_lsoas")
    # In place (SQLite has dropped columns in place since 3.35).
    op.drop_column("neighbourhoods", "retired_at")
