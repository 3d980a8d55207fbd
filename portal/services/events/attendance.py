"""Attendance at peer-learning events: marking who came, the register, and who came from where."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from portal.errors import DomainError
from portal.formatting import uk_time
from portal.infra.i18n import _l, gettext
from portal.models.audit import AuditAction
from portal.models.events import Event, EventStatus, Registration, RegistrationStatus
from portal.models.funding import Neighbourhood
from portal.models.organisations import Organisation
from portal.models.users import User
from portal.services import audit
from portal.services.events import audience, registrations


def mark_attendance(session: Session, event: Event, attended_ids: set[int], *, by: User) -> int:
    """Mark who came: ticked places are attended, the rest booked. Returns how many attended."""
    if event.status is EventStatus.CANCELLED:
        raise DomainError(gettext("This event was cancelled"))
    places = registrations.registrations_of(session, event, audience.TAKEN)
    for registration in places:
        registration.status = (
            RegistrationStatus.ATTENDED if registration.id in attended_ids else RegistrationStatus.BOOKED
        )
    count = sum(1 for r in places if attended(r))
    audit.record(session, by, AuditAction.EVENT_ATTENDANCE_MARKED, event, f"{count} of {len(places)} attended")
    session.flush()
    return count


def attended(registration: Registration) -> bool:
    return registration.status is RegistrationStatus.ATTENDED


REGISTER_HEADER = (
    _l("Name"),
    _l("Group"),
    _l("Neighbourhood"),
    _l("Status"),
    _l("Access needs"),
    _l("Booked by"),
    _l("Booked at"),
)
STATUS_LABELS = {
    RegistrationStatus.BOOKED: _l("Booked"),
    RegistrationStatus.WAITLISTED: _l("Waiting list"),
    RegistrationStatus.CANCELLED: _l("Cancelled"),
    RegistrationStatus.ATTENDED: _l("Attended"),
}


def register_rows(session: Session, event: Event, *, by: User) -> list[list[object]]:
    """The register of everyone booked, attended or waiting, for the CSV export (audited)."""
    rows: list[list[object]] = [
        [
            r.attendee_name,
            r.organisation.name if r.organisation else "",
            r.organisation.neighbourhood.name if r.organisation and r.organisation.neighbourhood else "",
            STATUS_LABELS[r.status],
            r.access_needs,
            r.user.name or r.user.email,
            f"{uk_time(r.created_at):%Y-%m-%d %H:%M}",
        ]
        for r in registrations.registrations_of(session, event, audience.LIVE)
    ]
    audit.record(session, by, AuditAction.EVENT_REGISTER_EXPORTED, event, f"{len(rows)} rows")
    session.flush()
    return rows


@dataclass(frozen=True)
class GroupAttendance:
    organisation: str
    neighbourhood: str
    attended: int


def groups_attended(session: Session, event: Event) -> list[GroupAttendance]:
    """Per group: how many of its people attended ``event``, and its neighbourhood."""
    rows = session.execute(
        select(Organisation.name, Neighbourhood.name, func.count(Registration.id))
        .join(Organisation, Organisation.id == Registration.organisation_id)
        .outerjoin(Neighbourhood, Neighbourhood.id == Organisation.neighbourhood_id)
        .where(Registration.event_id == event.id, Registration.status == RegistrationStatus.ATTENDED)
        .group_by(Organisation.id, Organisation.name, Neighbourhood.name)
        .order_by(Neighbourhood.name, Organisation.name)
    )
    return [GroupAttendance(name, neighbourhood or "Not known", count) for name, neighbourhood, count in rows]


def funded_groups_not_attended(session: Session) -> list[Organisation]:
    """Funded groups nobody from which has attended any event yet."""
    attended = select(Registration.organisation_id).where(
        Registration.status == RegistrationStatus.ATTENDED, Registration.organisation_id.is_not(None)
    )
    funded = audience.funded_organisation_ids(session)
    if not funded:
        return []
    return list(
        session.scalars(
            select(Organisation)
            .options(joinedload(Organisation.neighbourhood))
            .where(Organisation.id.in_(funded), Organisation.id.not_in(attended))
            .order_by(Organisation.name, Organisation.id)
        )
    )
