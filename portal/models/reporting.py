"""Report schedules: which monitoring reports a round asks of its awards, when each is due and what it asks.

One table holds both kinds of entry. A round's entries (``round_id``) are its default
schedule; at offer they are copied to the award (``award_id``), where an officer may
change them until the group accepts. At acceptance each award entry gets its due date
and its own ``MonitoringReport`` (``report_id``).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base

if TYPE_CHECKING:
    from portal.models.awards import Award, MonitoringReport


class ReportScheduleItem(Base):
    __tablename__ = "report_schedule_items"
    __table_args__ = (
        CheckConstraint(
            "(round_id IS NULL AND award_id IS NOT NULL) OR (round_id IS NOT NULL AND award_id IS NULL)",
            name="one_owner",
        ),
        CheckConstraint("months_after >= 0 AND months_after <= 120", name="months_in_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int | None] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    award_id: Mapped[int | None] = mapped_column(ForeignKey("awards.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    # Due this many months after the group accepts the award.
    months_after: Mapped[int]
    # An award's entry: set by an officer before acceptance, or worked out at acceptance.
    due_on: Mapped[date | None]
    # The long-text questions, in order: [{"key", "label", "hint", "word_limit"}, …]; keys never change.
    questions: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    asks_people_reached: Mapped[bool] = mapped_column(default=True)
    asks_spending: Mapped[bool] = mapped_column(default=True)
    allows_photos: Mapped[bool] = mapped_column(default=True)
    # An award's entry, once accepted: the report the group writes for it.
    report_id: Mapped[int | None] = mapped_column(ForeignKey("monitoring_reports.id", ondelete="SET NULL"), unique=True)

    award: Mapped[Award | None] = relationship(back_populates="schedule")
    report: Mapped[MonitoringReport | None] = relationship(back_populates="schedule_item")
