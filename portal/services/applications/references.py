"""Human application references: ``AO-2026-0042``.

Numbers come from one counter row per prefix and year, incremented with a
single ``INSERT … ON CONFLICT DO UPDATE … RETURNING`` statement, so two
submissions at the same moment can never be given the same number.
"""

from __future__ import annotations

from typing import cast

from sqlalchemy import Table
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from portal.models.applications import ReferenceCounter

DEFAULT_PREFIX = "AO"


def next_reference(session: Session, year: int, prefix: str = DEFAULT_PREFIX) -> str:
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    table = cast(Table, ReferenceCounter.__table__)  # a mapped class's FromClause is its Table
    statement = (
        insert(table)
        .values(prefix=prefix, year=year, last_number=1)
        .on_conflict_do_update(
            index_elements=[table.c.prefix, table.c.year],
            set_={"last_number": table.c.last_number + 1},
        )
        .returning(table.c.last_number)
    )
    number = session.execute(statement).scalar_one()
    return f"{prefix}-{year}-{number:04d}"
