"""Spoken or filmed answers waiting for, or done with, their conversion to one playable format.

The recording itself is an ``Evidence`` row of kind ``RECORDING`` belonging to
the application: the same storage, access rule, retention and orphan sweep as
every other file. While it waits, the row names the file as uploaded; the
worker (``flask --app portal media work --loop``) converts it, stores the
result, points the row at it and deletes the original. A worker that stops
part-way leaves its lease to run out, and the next worker takes the job again.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.applications import Evidence
from portal.models.base import Base, enum_column, utcnow


class ConversionStatus(enum.StrEnum):
    WAITING = "waiting"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class MediaConversion(Base):
    """One recording's conversion job: its status and, while a worker has it, the lease that worker holds."""

    __tablename__ = "media_conversions"

    id: Mapped[int] = mapped_column(primary_key=True)
    evidence_id: Mapped[int] = mapped_column(ForeignKey("evidence.id", ondelete="CASCADE"), unique=True)
    status: Mapped[ConversionStatus] = mapped_column(
        enum_column(ConversionStatus, "conversion_status"), default=ConversionStatus.WAITING, index=True
    )
    # Whether the recording has pictures (converted to MP4 with H.264) or is sound only (M4A).
    has_video: Mapped[bool] = mapped_column(default=False)
    duration_seconds: Mapped[int] = mapped_column(default=0)
    # While running: until when the worker that claimed it holds it. After that another worker may take it.
    lease_until: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    message: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]

    evidence: Mapped[Evidence] = relationship()

    @property
    def ready(self) -> bool:
        return self.status is ConversionStatus.DONE
