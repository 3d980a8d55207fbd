"""Who may see and book an event, and which events a person sees."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, joinedload

from portal.models.applications import Application
from portal.models.awards import Award, AwardStatus
from portal.models.base import utcnow
from portal.models.events import Event, EventAudience, EventStatus, Registration, RegistrationStatus
from portal.models.organisations import Organisation
from portal.models.users import Role, User
from portal.services.applications.organisations import groups_of

TAKEN = (RegistrationStatus.BOOKED, RegistrationStatus.ATTENDED)
LIVE = (RegistrationStatus.BOOKED, RegistrationStatus.WAITLISTED, RegistrationStatus.ATTENDED)


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


def can_see(session: Session, event: Event, *, by: User | None) -> bool:
    """Officers see every event; others see published (or cancelled) events meant for them."""
    if by is not None and by.has_role(Role.OFFICER):
        return True
    if event.status is EventStatus.DRAFT:
        return False
    if event.audience is EventAudience.ANYONE:
        return True
    if by is None:
        return False
    return bool(bookable_organisations(session, by, event)) or _has_registration(session, by, event)


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


def may_manage_registration(session: Session, registration: Registration, *, by: User) -> bool:
    """The person who booked it, or a member of the group it was booked for."""
    if registration.user_id == by.id:
        return True
    return registration.organisation_id is not None and any(
        o.id == registration.organisation_id for o in groups_of(session, by)
    )


def sees_joining_link(session: Session, event: Event, *, by: User | None) -> bool:
    """The online joining link is only for officers and people with a booked place."""
    if by is None or not event.online_link:
        return False
    if by.has_role(Role.OFFICER):
        return True
    return any(r.status in TAKEN for r in my_registrations(session, by, event))
