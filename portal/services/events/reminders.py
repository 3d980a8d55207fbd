"""Reminding booked people the day before an event, once."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from portal.formatting import uk_time
from portal.infra.database import rowcount
from portal.infra.i18n import _l
from portal.models.events import Event, EventStatus, Registration, RegistrationStatus
from portal.models.users import User
from portal.services.messages import notify
from portal.services.messages.links import absolute_url


def send_event_reminders(session: Session, now: datetime) -> int:
    """Email people booked for events starting before the end of tomorrow (UK time); each goes once.
    People who chose texts get a text instead.

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
        # By text for people who chose texts (templates/texts/), else by email.
        notify.queue_reminder(
            session,
            user,
            subject=_l("Reminder: %(event_title)s", event_title=event.title),
            template="event_reminder",
            event=event,
            names=names,
            event_url=absolute_url("events.event", event_id=event.id),
        )
        sent += 1
    session.flush()
    return sent
