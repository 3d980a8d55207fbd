"""Peer-learning events for funded groups and their bookings."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, enum_column, utcnow

if TYPE_CHECKING:
    from portal.models.organisations import Organisation
    from portal.models.users import User


class EventAudience(enum.StrEnum):
    FUNDED_GROUPS = "funded_groups"
    ROUND_GRANTEES = "round_grantees"
    ANYONE = "anyone"


class EventStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CANCELLED = "cancelled"


class Event(Base):
    __tablename__ = "events"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("capacity > 0", name="capacity_positive"),
        Index("ix_events_status_starts", "status", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    # Rich text, always passed through sanitize_html() before it is stored.
    description_html: Mapped[str] = mapped_column(Text, default="")
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    place: Mapped[str] = mapped_column(Text, default="")
    online_link: Mapped[str | None] = mapped_column(String(500))
    capacity: Mapped[int]
    audience: Mapped[EventAudience] = mapped_column(enum_column(EventAudience, "event_audience"))
    round_id: Mapped[int | None] = mapped_column(ForeignKey("rounds.id", ondelete="SET NULL"))
    status: Mapped[EventStatus] = mapped_column(enum_column(EventStatus, "event_status"), default=EventStatus.DRAFT)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]

    registrations: Mapped[list[Registration]] = relationship(back_populates="event")


class RegistrationStatus(enum.StrEnum):
    BOOKED = "booked"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"
    ATTENDED = "attended"


class Registration(Base):
    __tablename__ = "registrations"
    """One place at an event for one named attendee, booked by a member of a group.

    A booking of several people is several registrations; the waiting list is
    the waitlisted registrations in the order they were made.
    """

    __table_args__ = (Index("ix_registrations_event_status", "event_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"), index=True)
    attendee_name: Mapped[str] = mapped_column(String(200))
    access_needs: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[RegistrationStatus] = mapped_column(enum_column(RegistrationStatus, "registration_status"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    reminder_sent_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]

    event: Mapped[Event] = relationship(back_populates="registrations")
    user: Mapped[User] = relationship()
    organisation: Mapped[Organisation | None] = relationship()


class ResourceKind(enum.StrEnum):
    FILE = "file"
    LINK = "link"


class Resource(Base):
    """Slides, notes or a link from an event, or a shared template or guide in the library.

    A resource with no event belongs to the library. A file resource keeps the
    checked upload's details, like Evidence; a link resource only its address.
    """

    __tablename__ = "resources"
    __table_args__ = (
        CheckConstraint(
            "(kind = 'file' AND storage_key IS NOT NULL AND link_url IS NULL)"
            " OR (kind = 'link' AND link_url IS NOT NULL AND storage_key IS NULL)",
            name="file_or_link",
        ),
        Index("ix_resources_event_added", "event_id", "added_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[ResourceKind] = mapped_column(enum_column(ResourceKind, "resource_kind"))
    link_url: Mapped[str | None] = mapped_column(String(500))
    original_filename: Mapped[str | None] = mapped_column(String(255))
    content_type: Mapped[str | None] = mapped_column(String(100))
    size_bytes: Mapped[int | None] = mapped_column(BigInteger)
    sha256: Mapped[str | None] = mapped_column(String(64))
    storage_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    added_at: Mapped[datetime] = mapped_column(default=utcnow)

    event: Mapped[Event | None] = relationship()
