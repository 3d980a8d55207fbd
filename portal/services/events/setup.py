"""Setting peer-learning events up: officers create, edit, publish and cancel them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from portal.errors import DomainError
from portal.infra.i18n import _l, gettext
from portal.models.audit import AuditAction
from portal.models.base import utcnow
from portal.models.events import Event, EventAudience, EventStatus, RegistrationStatus
from portal.models.users import User
from portal.sanitize import sanitize_html
from portal.services import audit
from portal.services.events.registrations import lock_places, places_taken, promote_from_waiting_list, registrations_of
from portal.services.messages import notify
from portal.services.messages.links import absolute_url

# What an event's status reads as on the officers' pages.
STATUS_LABELS = {
    EventStatus.DRAFT: _l("Draft"),
    EventStatus.PUBLISHED: _l("Published"),
    EventStatus.CANCELLED: _l("Cancelled"),
}


@dataclass(frozen=True)
class EventSettings:
    title: str
    description: str
    starts_at: datetime
    ends_at: datetime
    place: str
    online_link: str
    capacity: int
    audience: EventAudience
    round_id: int | None = None


def _check(settings: EventSettings) -> None:
    if not settings.title.strip():
        raise DomainError(gettext("Enter a title for the event"), field="title")
    if settings.ends_at <= settings.starts_at:
        raise DomainError(gettext("The event must end after it starts"), field="ends_at")
    if settings.capacity < 1:
        raise DomainError(gettext("An event needs at least one place"), field="capacity")
    if not settings.place.strip() and not settings.online_link.strip():
        raise DomainError(gettext("Give the place and address, or an online joining link"), field="place")
    if settings.online_link and not settings.online_link.startswith("https://"):
        raise DomainError(gettext("The joining link must start with https://"), field="online_link")
    if settings.audience is EventAudience.ROUND_GRANTEES and settings.round_id is None:
        raise DomainError(gettext("Choose the round whose grantees may book"), field="round_id")


def _apply(event: Event, settings: EventSettings) -> None:
    event.title = settings.title.strip()[:200]
    event.description_html = sanitize_html(settings.description)
    event.starts_at = settings.starts_at
    event.ends_at = settings.ends_at
    event.place = settings.place.strip()
    event.online_link = settings.online_link.strip() or None
    event.capacity = settings.capacity
    event.audience = settings.audience
    event.round_id = settings.round_id if settings.audience is EventAudience.ROUND_GRANTEES else None


def create_event(session: Session, settings: EventSettings, *, by: User) -> Event:
    """A new draft event; nobody but officers sees it until it is published."""
    _check(settings)
    event = Event(status=EventStatus.DRAFT, created_by_id=by.id)
    _apply(event, settings)
    session.add(event)
    session.flush()
    audit.record(session, by, AuditAction.EVENT_CREATED, event, event.title)
    session.flush()
    return event


def update_event(session: Session, event: Event, settings: EventSettings, *, by: User) -> int:
    """Change the event's details; more places move people up from the waiting list. Returns how many moved up."""
    if event.status is EventStatus.CANCELLED:
        raise DomainError(gettext("This event has been cancelled, so it cannot be changed"))
    _check(settings)
    lock_places(session, event)
    taken = places_taken(session, event)
    if settings.capacity < taken:
        raise DomainError(
            gettext("%(taken)s places are already booked: the event needs at least that many places", taken=taken),
            field="capacity",
        )
    _apply(event, settings)
    audit.record(session, by, AuditAction.EVENT_CHANGED, event, event.title)
    session.flush()
    return promote_from_waiting_list(session, event)


def may_publish(event: Event) -> bool:
    """Only a draft is published; a published or cancelled event cannot be published again."""
    return event.status is EventStatus.DRAFT


def may_change(event: Event) -> bool:
    """A cancelled event is closed: it can be neither changed nor cancelled again."""
    return event.status is not EventStatus.CANCELLED


def publish_event(session: Session, event: Event, *, by: User) -> None:
    if not may_publish(event):
        raise DomainError(gettext("Only a draft event can be published"))
    event.status = EventStatus.PUBLISHED
    event.published_at = utcnow()
    audit.record(session, by, AuditAction.EVENT_PUBLISHED, event, event.title)
    session.flush()


def cancel_event(session: Session, event: Event, *, by: User) -> int:
    """Cancel the event and email everyone booked or waiting. Returns how many people were told."""
    if not may_change(event):
        raise DomainError(gettext("This event is already cancelled"))
    lock_places(session, event)
    was_published = event.status is EventStatus.PUBLISHED
    event.status = EventStatus.CANCELLED
    event.cancelled_at = utcnow()
    # Attendance already marked stays as it was.
    registrations = registrations_of(session, event, (RegistrationStatus.BOOKED, RegistrationStatus.WAITLISTED))
    people: dict[int, User] = {}
    for registration in registrations:
        registration.status = RegistrationStatus.CANCELLED
        registration.cancelled_at = event.cancelled_at
        people.setdefault(registration.user_id, registration.user)
    if was_published:
        for person in people.values():
            if person.active:
                notify.queue_email(
                    session,
                    to=person.email,
                    subject=_l("Cancelled: %(event_title)s", event_title=event.title),
                    template="event_cancelled",
                    event=event,
                    user=person,
                    events_url=absolute_url("events.index"),
                )
    audit.record(session, by, AuditAction.EVENT_CANCELLED, event, f"{event.title}: {len(people)} people told")
    session.flush()
    return len(people)
