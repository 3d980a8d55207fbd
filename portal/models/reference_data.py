"""Reference-data files uploaded in the browser, waiting for or being imported by the worker."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.infra.i18n import _l
from portal.models.base import Base, enum_column, utcnow


class ReferenceKind(enum.StrEnum):
    DEPRIVATION = "deprivation"  # English Indices of Deprivation, File 1
    POSTCODES = "postcodes"  # the ONS postcode directory (postcode to LSOA)


REFERENCE_KIND_LABELS = {
    ReferenceKind.DEPRIVATION: _l("Indices of Deprivation (IMD) file"),
    ReferenceKind.POSTCODES: _l("ONS postcode lookup"),
}


class ImportStatus(enum.StrEnum):
    WAITING = "waiting"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class ReferenceImport(Base):
    """One uploaded file and how far its import has gone.

    The file is kept in storage under ``storage_key``; the worker reads it,
    counting ``rows_done`` of ``rows_total`` lines, and replaces the old data
    only when every line is good. ``problems`` names the first bad lines.
    """

    __tablename__ = "reference_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ReferenceKind] = mapped_column(enum_column(ReferenceKind, "reference_kind"))
    status: Mapped[ImportStatus] = mapped_column(
        enum_column(ImportStatus, "import_status"), default=ImportStatus.WAITING, index=True
    )
    filename: Mapped[str] = mapped_column(String(200))
    storage_key: Mapped[str] = mapped_column(String(200))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    rows_total: Mapped[int] = mapped_column(default=0)
    rows_done: Mapped[int] = mapped_column(default=0)
    rows_kept: Mapped[int] = mapped_column(default=0)
    bad_lines: Mapped[int] = mapped_column(default=0)
    # The first bad lines, each "Line 12: 'X' is not …".
    problems: Mapped[list[Any]] = mapped_column(JSON, default=list)
    message: Mapped[str] = mapped_column(Text, default="")
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    # When the worker last reported progress: a running import silent for long
    # was left by a worker that stopped, and another worker starts it again.
    progress_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]

    @property
    def finished(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.FAILED)
