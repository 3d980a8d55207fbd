"""Talking after the award: a message thread per award, and broadcasts to funded groups."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, utcnow

if TYPE_CHECKING:
    from portal.models.applications import Evidence
    from portal.models.users import User


class AwardMessage(Base):
    """One message in an award's thread, from the group (any member) or the programme team."""

    __tablename__ = "award_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    award_id: Mapped[int] = mapped_column(ForeignKey("awards.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Written by the programme team (an officer), rather than by the group.
    from_team: Mapped[bool]
    # Plain text, shown escaped with its line breaks.
    body: Mapped[str] = mapped_column(Text)
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When the other side first opened the thread after it was sent.
    read_at: Mapped[datetime | None]

    author: Mapped[User | None] = relationship()
    files: Mapped[list[Evidence]] = relationship(order_by="Evidence.id")


class Broadcast(Base):
    """One message sent to the groups of a round (or every funded group), with who it went to."""

    __tablename__ = "broadcasts"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The form's one-use token: sending the same form twice sends once.
    token: Mapped[str] = mapped_column(String(64), unique=True)
    subject: Mapped[str] = mapped_column(String(150))
    body: Mapped[str] = mapped_column(Text)
    round_id: Mapped[int | None] = mapped_column(ForeignKey("rounds.id", ondelete="SET NULL"))
    # In words, as sent: "Every funded group" or "Funded groups of Spring grants 2026".
    audience: Mapped[str] = mapped_column(String(250))
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
    recipients: Mapped[list[Any]] = mapped_column(JSON, default=list)

    sent_by: Mapped[User | None] = relationship()
