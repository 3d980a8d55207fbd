"""Peer-learning events: setting them up, booking places, the waiting list, reminders and attendance.

A booking is one registration per named attendee. Places are counted under a
lock on the event's row (``SELECT … FOR UPDATE`` on PostgreSQL; on SQLite
every writer already holds the database's write lock), so however many people
book at once, no more are booked than the event has places and the rest join
the waiting list in the order they asked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session, joinedload

from portal.database import rowcount
from portal.errors import DomainError
from portal.formatting import uk_time
from portal.models.applications import Application
from portal.models.audit import AuditAction
from portal.models.awards import Award, AwardStatus
from portal.models.base import utcnow
from portal.models.events import Event, EventAudience, EventStatus, Registration, RegistrationStatus
from portal.models.organisations import Organisation
from portal.models.users import Role, User
from portal.sanitize import sanitize_html
from portal.services import audit, notify
from portal.services.links import absolute_url
from portal.services.organisations import groups_of

MAX_ATTENDEES_PER_BOOKING = 4
TAKEN = (RegistrationStatus.BOOKED, RegistrationStatus.ATTENDED)
LIVE = (RegistrationStatus.BOOKED, RegistrationStatus.WAITLISTED, RegistrationStatus.ATTENDED)


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


@dataclass(frozen=True)
class Attendee:
    name: str
    access_needs: str = ""


# Setting events up (officers)


def _check(settings: EventSettings) -> None:
    if not settings.title.strip():
        raise DomainError("Enter a title for the event", field="title")
    if settings.ends_at <= settings.starts_at:
        raise DomainError("The event must end after it starts", field="ends_at")
    if settings.capacity < 1:
        raise DomainError("An event needs at least one place", field="capacity")
    if not settings.place.strip() and not settings.online_link.strip():
        raise DomainError("Give the place and address, or an online joining link", field="place")
    if settings.online_link and not settings.online_link.startswith("https://"):
        raise DomainError("The joining link must start with https://", field="online_link")
    if settings.audience is EventAudience.ROUND_GRANTEES and settings.round_id is None:
        raise DomainError("Choose the round whose grantees may book", field="round_id")


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


def create_event(session: Session, actor: User, settings: EventSettings) -> Event:
    """A new draft event; nobody but officers sees it until it is published."""
    _check(settings)
    event = Event(status=EventStatus.DRAFT, created_by_id=actor.id)
    _apply(event, settings)
    session.add(event)
    session.flush()
    audit.record(session, actor, AuditAction.EVENT_CREATED, event, event.title)
    session.flush()
    return event


def update_event(session: Session, actor: User, event: Event, settings: EventSettings) -> int:
    """Change the event's details; more places move people up from the waiting list. Returns how many moved up."""
    if event.status is EventStatus.CANCELLED:
        raise DomainError("This event has been cancelled, so it cannot be changed")
    _check(settings)
    _lock(session, event)
    taken = _taken(session, event)
    if settings.capacity < taken:
        raise DomainError(
            f"{taken} places are already booked: the event needs at least that many places", field="capacity"
        )
    _apply(event, settings)
    audit.record(session, actor, AuditAction.EVENT_CHANGED, event, event.title)
    session.flush()
    return _promote(session, event)


def publish_event(session: Session, actor: User, event: Event) -> None:
    if event.status is not EventStatus.DRAFT:
        raise DomainError("Only a draft event can be published")
    event.status = EventStatus.PUBLISHED
    event.published_at = utcnow()
    audit.record(session, actor, AuditAction.EVENT_PUBLISHED, event, event.title)
    session.flush()


def cancel_event(session: Session, actor: User, event: Event) -> int:
    """Cancel the event and email everyone booked or waiting. Returns how many people were told."""
    if event.status is EventStatus.CANCELLED:
        raise DomainError("This event is already cancelled")
    _lock(session, event)
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
                    subject=f"Cancelled: {event.title}",
                    template="event_cancelled",
                    event=event,
                    user=person,
                    events_url=absolute_url("events.index"),
                )
    audit.record(session, actor, AuditAction.EVENT_CANCELLED, event, f"{event.title}: {len(people)} people told")
    session.flush()
    return len(people)


# Who may see and book


def funded_organisation_ids(session: Session, round_id: int | None = None) -> set[int]:
    """Groups with a grant that has not been cancelled (in one round, when ``round_id`` is given)."""
    statement = (
        select(Application.organisation_id)
        .join(Award, Award.application_id == Application.id)
        .where(Award.status != AwardStatus.CANCELLED)
    )
    if round_id is not None:
        statement = statement.where(Application.round_id == round_id)
    return set(session.scalars(statement))


def bookable_organisations(session: Session, user: User, event: Event) -> list[Organisation]:
    """The user's groups that may book places at ``event``."""
    organisations = groups_of(session, user)
    if event.audience is EventAudience.ANYONE:
        return organisations
    funded = funded_organisation_ids(
        session, event.round_id if event.audience is EventAudience.ROUND_GRANTEES else None
    )
    return [o for o in organisations if o.id in funded]


def can_see(session: Session, user: User | None, event: Event) -> bool:
    """Officers see every event; others see published (or cancelled) events meant for them."""
    if user is not None and user.has_role(Role.OFFICER):
        return True
    if event.status is EventStatus.DRAFT:
        return False
    if event.audience is EventAudience.ANYONE:
        return True
    if user is None:
        return False
    return bool(bookable_organisations(session, user, event)) or _has_registration(session, user, event)


def _has_registration(session: Session, user: User, event: Event) -> bool:
    return bool(my_registrations(session, user, event))


def _funded_rounds(session: Session, organisation_ids: set[int]) -> set[int]:
    """The rounds in which any of ``organisation_ids`` has a grant that has not been cancelled."""
    if not organisation_ids:
        return set()
    return set(
        session.scalars(
            select(Application.round_id)
            .join(Award, Award.application_id == Application.id)
            .where(Award.status != AwardStatus.CANCELLED, Application.organisation_id.in_(organisation_ids))
        )
    )


def visible_events(session: Session, user: User | None, *, upcoming: bool = True) -> list[Event]:
    """Published events ``user`` (None: signed out) may see, soonest first."""
    if user is not None and user.has_role(Role.OFFICER):
        return _published(session, upcoming)
    if user is None:
        return [e for e in _published(session, upcoming) if e.audience is EventAudience.ANYONE]
    organisation_ids = {o.id for o in groups_of(session, user)}
    return events_for_groups(session, _funded_rounds(session, organisation_ids), upcoming=upcoming)


def events_for_groups(session: Session, funded_rounds: set[int], *, upcoming: bool = True) -> list[Event]:
    """Published events open to groups funded in ``funded_rounds`` (empty: not funded), soonest first."""
    return [
        e
        for e in _published(session, upcoming)
        if e.audience is EventAudience.ANYONE
        or (e.audience is EventAudience.FUNDED_GROUPS and funded_rounds)
        or (e.audience is EventAudience.ROUND_GRANTEES and e.round_id in funded_rounds)
    ]


def _published(session: Session, upcoming: bool) -> list[Event]:
    statement = select(Event).where(Event.status == EventStatus.PUBLISHED)
    if upcoming:
        statement = statement.where(Event.ends_at > utcnow())
    return list(session.scalars(statement.order_by(Event.starts_at, Event.id)))


def my_registrations(
    session: Session, user: User, event: Event | None = None, *, organisation_ids: set[int] | None = None
) -> list[Registration]:
    """Live registrations made by ``user`` or for one of their groups (at one event, when given)."""
    if organisation_ids is None:
        organisation_ids = {o.id for o in groups_of(session, user)}
    statement = (
        select(Registration)
        .join(Registration.event)
        .options(joinedload(Registration.event), joinedload(Registration.organisation))
        .where(
            Registration.status.in_(LIVE),
            or_(Registration.user_id == user.id, Registration.organisation_id.in_(organisation_ids)),
        )
        .order_by(Event.starts_at, Registration.id)
    )
    if event is not None:
        statement = statement.where(Registration.event_id == event.id)
    return list(session.scalars(statement))


def may_manage_registration(session: Session, user: User, registration: Registration) -> bool:
    """The person who booked it, or a member of the group it was booked for."""
    if registration.user_id == user.id:
        return True
    return registration.organisation_id is not None and any(
        o.id == registration.organisation_id for o in groups_of(session, user)
    )


def sees_joining_link(session: Session, user: User | None, event: Event) -> bool:
    """The online joining link is only for officers and people with a booked place."""
    if user is None or not event.online_link:
        return False
    if user.has_role(Role.OFFICER):
        return True
    return any(r.status in TAKEN for r in my_registrations(session, user, event))


# Booking


def _lock(session: Session, event: Event) -> None:
    """Hold the event's row until the transaction ends, so places are counted one booking at a time."""
    session.execute(select(Event.id).where(Event.id == event.id).with_for_update())


def _taken(session: Session, event: Event) -> int:
    return (
        session.scalar(
            select(func.count(Registration.id)).where(Registration.event_id == event.id, Registration.status.in_(TAKEN))
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


def places_left(session: Session, event: Event) -> int:
    return max(0, event.capacity - _taken(session, event))


def book(
    session: Session, user: User, event: Event, organisation: Organisation | None, attendees: list[Attendee]
) -> list[Registration]:
    """Book a place for each attendee while places last; the rest join the waiting list, in order."""
    attendees = [Attendee(a.name.strip()[:200], a.access_needs.strip()[:2000]) for a in attendees if a.name.strip()]
    if not attendees:
        raise AttendeesRefused("Enter the name of at least one person coming")
    if len(attendees) > MAX_ATTENDEES_PER_BOOKING:
        raise AttendeesRefused(f"Book at most {MAX_ATTENDEES_PER_BOOKING} people at a time")
    _lock(session, event)
    session.refresh(event)
    if not taking_bookings(event):
        raise DomainError("This event is no longer taking bookings")
    allowed = bookable_organisations(session, user, event)
    if organisation is None:
        if event.audience is not EventAudience.ANYONE:
            raise DomainError("Choose the group you are booking for")
    elif organisation.id not in {o.id for o in allowed}:
        raise DomainError("Your group cannot book this event")
    free = event.capacity - _taken(session, event)
    # Nobody jumps the queue: once anyone is waiting, new bookings wait too.
    if _waiting(session, event):
        free = 0
    registrations = []
    for attendee in attendees:
        status = RegistrationStatus.BOOKED if free > 0 else RegistrationStatus.WAITLISTED
        free -= 1
        registration = Registration(
            event_id=event.id,
            user_id=user.id,
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
        user,
        AuditAction.EVENT_BOOKED,
        event,
        f"{len(booked)} booked, {len(waiting)} on the waiting list"
        + (f" for {organisation.name}" if organisation is not None else ""),
    )
    notify.queue_email(
        session,
        to=user.email,
        subject=f"{'Booked' if booked else 'Waiting list'}: {event.title}",
        template="event_booked",
        event=event,
        user=user,
        booked=booked,
        waiting=waiting,
        event_url=absolute_url("events.event", event_id=event.id),
    )
    session.flush()
    return registrations


def cancel_registration(session: Session, user: User, registration: Registration) -> int:
    """Give up a place (or leave the waiting list); the first people waiting move up. Returns how many moved up."""
    if registration.status not in (RegistrationStatus.BOOKED, RegistrationStatus.WAITLISTED):
        raise DomainError("This booking cannot be cancelled")
    event = registration.event
    _lock(session, event)
    session.refresh(registration)
    if registration.status not in (RegistrationStatus.BOOKED, RegistrationStatus.WAITLISTED):
        raise DomainError("This booking has already been cancelled")
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = utcnow()
    audit.record(
        session, user, AuditAction.EVENT_BOOKING_CANCELLED, registration, f"{registration.attendee_name}, {event.title}"
    )
    session.flush()
    return _promote(session, event) if event.status is EventStatus.PUBLISHED else 0


def _promote(session: Session, event: Event) -> int:
    """Move the first people waiting into any free places, and email whoever booked for them."""
    free = event.capacity - _taken(session, event)
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
                subject=f"A place has come up: {event.title}",
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
    rows = registrations_of(session, event, LIVE)
    return [r for r in rows if r.status in TAKEN], [r for r in rows if r.status is RegistrationStatus.WAITLISTED]


# Reminders


def send_event_reminders(session: Session, now: datetime) -> int:
    """Email people booked for events starting before the end of tomorrow (UK time); each goes once.

    Each booker's places at an event are claimed with one conditional UPDATE,
    so a second run, or two runs at once, find nothing left to send.
    """
    today = uk_time(now).date()
    end_of_tomorrow = datetime.combine(today + timedelta(days=2), datetime.min.time(), tzinfo=uk_time(now).tzinfo)
    pending = session.execute(
        select(Registration.event_id, Registration.user_id)
        .join(Registration.event)
        .where(
            Event.status == EventStatus.PUBLISHED,
            Event.starts_at > now,
            Event.starts_at < end_of_tomorrow,
            Registration.status == RegistrationStatus.BOOKED,
            Registration.reminder_sent_at.is_(None),
        )
        .distinct()
    ).all()
    sent = 0
    for event_id, user_id in pending:
        claimed = rowcount(
            session.execute(
                update(Registration)
                .where(
                    Registration.event_id == event_id,
                    Registration.user_id == user_id,
                    Registration.status == RegistrationStatus.BOOKED,
                    Registration.reminder_sent_at.is_(None),
                )
                .values(reminder_sent_at=now)
                .execution_options(synchronize_session=False)
            )
        )
        if not claimed:
            continue
        event = session.get(Event, event_id)
        user = session.get(User, user_id)
        if event is None or user is None or not user.active:
            continue
        names = list(
            session.scalars(
                select(Registration.attendee_name)
                .where(
                    Registration.event_id == event_id,
                    Registration.user_id == user_id,
                    Registration.status == RegistrationStatus.BOOKED,
                )
                .order_by(Registration.id)
            )
        )
        notify.queue_email(
            session,
            to=user.email,
            subject=f"Reminder: {event.title}",
            template="event_reminder",
            event=event,
            user=user,
            names=names,
            event_url=absolute_url("events.event", event_id=event.id),
        )
        sent += 1
    session.flush()
    return sent
