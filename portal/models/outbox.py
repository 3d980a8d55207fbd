"""The outbox: each email or text message is written in the same transaction as the change that caused it."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.models.base import Base, enum_column, utcnow


class Channel(enum.StrEnum):
    """How a message leaves: by email (``MAIL_URL``) or by text message (``SMS_URL``)."""

    EMAIL = "email"
    TEXT = "text"


class OutboxMessage(Base):
    """A message to send, written in the same transaction as its cause.

    A text's ``to`` is a mobile number in E.164 form ("+447700900123") and its
    ``subject`` is never sent: it says what the text is about, for ``outbox list``.
    """

    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_messages_pending", "sent_at", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[Channel] = mapped_column(
        enum_column(Channel, "outbox_channel"), default=Channel.EMAIL, server_default=Channel.EMAIL.value
    )
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
