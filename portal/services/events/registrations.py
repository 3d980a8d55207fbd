"""Booking places on an event: one registration per named attendee, the waiting list and cancelling.

Places are counted under a lock on the event's row (``SELECT … FOR UPDATE`` on PostgreSQL; on SQLite
every writer already holds the database's write lock), so however many people book at once, no more
are booked than the event has places and the rest join the waiting list in the order they asked."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from portal.errors import DomainError
from portal.infra.i18n import _l, gettext
from portal.models.audit import AuditAction
from portal.models.base import utcnow
from portal.models.events import Event, EventAudience, EventStatus, Registration, RegistrationStatus
from portal.models.organisations import Organisation
from portal.models.users import User
from portal.services import audit
from portal.services.events import audience
from portal.services.messages import notify
from portal.services.messages.links import absolute_url

MAX_ATTENDEES_PER_BOOKING = 4


@dataclass(frozen=True)
class Attendee:
    name: str
    access_needs: str = ""


def lock_places(session: Session, event: Event) -> None:
    """Hold the event's row until the transaction ends, so places are counted one booking at a time."""
    session.execute(select(Event.id).where(Event.id == event.id).with_for_update())


def places_taken(session: Session, event: Event) -> int:
    return (
        session.scalar(
            select(func.count(Registration.id)).where(
                Registration.event_id == event.id, Registration.status.in_(audience.TAKEN)
            )
        )
        or 0
    )


def _waiting(session: Session, event: Event) -> int:
    return (
        session.scalar(
            select(func.count(Registration.id)).where(
                Registration.event_id == event.id, Registration.status == RegistrationStatus.WAITLISTED
            )
        )
        or 0
    )


class AttendeesRefused(DomainError):
    """The people named in a booking cannot be booked as they are (none, or too many): nothing was booked."""


def taking_bookings(event: Event) -> bool:
    """Published and not yet started."""
    return event.status is EventStatus.PUBLISHED and event.starts_at > utcnow()


def is_cancelled(event: Event) -> bool:
    return event.status is EventStatus.CANCELLED


def is_published(event: Event) -> bool:
    return event.status is EventStatus.PUBLISHED


def on_waiting_list(registration: Registration) -> bool:
    return registration.status is RegistrationStatus.WAITLISTED


def may_cancel(registration: Registration) -> bool:
    """A place (or a spot on the waiting list) can be given up while the event is still on."""
    return (
        registration.status in (RegistrationStatus.BOOKED, RegistrationStatus.WAITLISTED)
        and registration.event.status is EventStatus.PUBLISHED
    )


def place_tag(registration: Registration) -> tuple[str, str]:
    """How a place is labelled to the group: its words and its tag colour."""
    if registration.status is RegistrationStatus.WAITLISTED:
        return (gettext("Waiting list"), "yellow")
    if registration.status is RegistrationStatus.ATTENDED:
        return (gettext("Attended"), "green")
    return (gettext("Booked"), "green")


def places_left(session: Session, event: Event) -> int:
    return max(0, event.capacity - places_taken(session, event))


def book(
    session: Session, event: Event, organisation: Organisation | None, attendees: list[Attendee], *, by: User
) -> list[Registration]:
    """Book a place for each attendee while places last; the rest join the waiting list, in order."""
    attendees = [Attendee(a.name.strip()[:200], a.access_needs.strip()[:2000]) for a in attendees if a.name.strip()]
    if not attendees:
        raise AttendeesRefused(gettext("Enter the name of at least one person coming"))
    if len(attendees) > MAX_ATTENDEES_PER_BOOKING:
        raise AttendeesRefused(
            gettext(
                "Book at most %(MAX_ATTENDEES_PER_BOOKING)s people at a time",
                MAX_ATTENDEES_PER_BOOKING=MAX_ATTENDEES_PER_BOOKING,
            )
        )
    lock_places(session, event)
    session.refresh(event)
    if not taking_bookings(event):
        raise DomainError(gettext("This event is no longer taking bookings"))
    allowed = audience.bookable_organisations(session, by, event)
    if organisation is None:
        if event.audience is not EventAudience.ANYONE:
            raise DomainError(gettext("Choose the group you are booking for"))
    elif organisation.id not in {o.id for o in allowed}:
        raise DomainError(gettext("Your group cannot book this event"))
    free = event.capacity - places_taken(session, event)
    # Nobody jumps the queue: once anyone is waiting, new bookings wait too.
    if _waiting(session, event):
        free = 0
    registrations = []
    for attendee in attendees:
        status = RegistrationStatus.BOOKED if free > 0 else RegistrationStatus.WAITLISTED
        free -= 1
        registration = Registration(
            event_id=event.id,
            user_id=by.id,
            organisation_id=organisation.id if organisation is not None else None,
            attendee_name=attendee.name,
            access_needs=attendee.access_needs,
            status=status,
            created_at=utcnow(),
        )
        session.add(registration)
        registrations.append(registration)
    session.flush()
    booked = [r for r in registrations if r.status is RegistrationStatus.BOOKED]
    waiting = [r for r in registrations if r.status is RegistrationStatus.WAITLISTED]
    audit.record(
        session,
        by,
        AuditAction.EVENT_BOOKED,
        event,
        f"{len(booked)} booked, {len(waiting)} on the waiting list"
        + (f" for {organisation.name}" if organisation is not None else ""),
    )
    notify.queue_email(
        session,
        to=by.email,
        subject=_l("Booked: %(title)s", title=event.title)
        if booked
        else _l("Waiting list: %(title)s", title=event.title),
        template="event_booked",
        event=event,
        user=by,
        booked=booked,
        waiting=waiting,
        event_url=absolute_url("events.event", event_id=event.id),
    )
    session.flush()
    return registrations


def cancel_registration(session: Session, registration: Registration, *, by: User) -> int:
    """Give up a place (or leave the waiting list); the first people waiting move up. Returns how many moved up."""
    if registration.status not in (RegistrationStatus.BOOKED, RegistrationStatus.WAITLISTED):
        raise DomainError(gettext("This booking cannot be cancelled"))
    event = registration.event
    lock_places(session, event)
    session.refresh(registration)
    if registration.status not in (RegistrationStatus.BOOKED, RegistrationStatus.WAITLISTED):
        raise DomainError(gettext("This booking has already been cancelled"))
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = utcnow()
    audit.record(
        session, by, AuditAction.EVENT_BOOKING_CANCELLED, registration, f"{registration.attendee_name}, {event.title}"
    )
    session.flush()
    return promote_from_waiting_list(session, event) if event.status is EventStatus.PUBLISHED else 0


def promote_from_waiting_list(session: Session, event: Event) -> int:
    """Move the first people waiting into any free places, and email whoever booked for them."""
    free = event.capacity - places_taken(session, event)
    if free <= 0:
        return 0
    promoted = list(
        session.scalars(
            select(Registration)
            .where(Registration.event_id == event.id, Registration.status == RegistrationStatus.WAITLISTED)
            .order_by(Registration.created_at, Registration.id)
            .limit(free)
        )
    )
    for registration in promoted:
        registration.status = RegistrationStatus.BOOKED
        audit.record(
            session, None, AuditAction.EVENT_PLACE_OFFERED, registration, f"{registration.attendee_name}, {event.title}"
        )
        if registration.user.active:
            notify.queue_email(
                session,
                to=registration.user.email,
                subject=_l("A place has come up: %(event_title)s", event_title=event.title),
                template="event_place_offered",
                event=event,
                user=registration.user,
                registration=registration,
                event_url=absolute_url("events.event", event_id=event.id),
            )
    session.flush()
    return len(promoted)


def registrations_of(session: Session, event: Event, statuses: tuple[RegistrationStatus, ...]) -> list[Registration]:
    return list(
        session.scalars(
            select(Registration)
            .where(Registration.event_id == event.id, Registration.status.in_(statuses))
            .options(
                joinedload(Registration.user),
                joinedload(Registration.organisation).joinedload(Organisation.neighbourhood),
            )
            .order_by(Registration.created_at, Registration.id)
        )
    )


def booked_and_waiting(session: Session, event: Event) -> tuple[list[Registration], list[Registration]]:
    """The people with places (booked or attended) and the waiting list, in order."""
    rows = registrations_of(session, event, audience.LIVE)
    return [r for r in rows if r.status in audience.TAKEN], [
        r for r in rows if r.status is RegistrationStatus.WAITLISTED
    ]


@dataclass(frozen=True)
class EventPlaces:
    """One line of the officer's list of events: the event and how its places are taken."""

    event: Event
    booked: int
    waiting: int
    attended: int


def events_with_places(session: Session) -> list[EventPlaces]:
    """Every event, latest first, with its places booked (attended counts as booked), waiting and attended."""
    counts: dict[tuple[int, RegistrationStatus], int] = {
        (event_id, status): count
        for event_id, status, count in session.execute(
            select(Registration.event_id, Registration.status, func.count()).group_by(
                Registration.event_id, Registration.status
            )
        )
    }
    events = session.scalars(select(Event).order_by(Event.starts_at.desc(), Event.id.desc()))
    return [
        EventPlaces(
            event=event,
            booked=counts.get((event.id, RegistrationStatus.BOOKED), 0)
            + counts.get((event.id, RegistrationStatus.ATTENDED), 0),
            waiting=counts.get((event.id, RegistrationStatus.WAITLISTED), 0),
            attended=counts.get((event.id, RegistrationStatus.ATTENDED), 0),
        )
        for event in events
    ]
