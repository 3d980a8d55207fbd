"""The email outbox: each message is written in the same transaction as the change that caused it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.models.base import Base, utcnow


class OutboxMessage(Base):
    """An email to send, written in the same transaction as its cause."""

    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_messages_pending", "sent_at", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    to: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    # Never holds a sign-in code or link: those are in ``secrets_encrypted``
    # until the message is sent (``portal.services.messages.outbox``).
    body: Mapped[str] = mapped_column(Text)
    secrets_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    tries: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    # A worker's claim: rows claimed and not finished by then can be retried.
    claimed_until: Mapped[datetime | None]
