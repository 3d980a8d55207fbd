"""Reminding groups whose application is still a draft that the round is closing: a week before, and a day before.

``flask --app portal reminders drafts`` runs ``send_deadline_reminders`` from an
hourly timer. Each reminder goes once per application, however often it runs
and even when two runs overlap: it is claimed by one conditional UPDATE of the
application's ``week_reminder_sent_at`` or ``day_reminder_sent_at`` before
anything is queued, in the same transaction. A run that first sees a draft in
its last day sends only the day's reminder (and never the week's after it).
Nothing goes for an application already sent, or once the round has closed.

Each active member of the group gets the reminder by email, or by text if they
chose texts (``portal.services.messages.notify.queue_reminder``), with the
sections of the task list still to do.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session

from portal.infra.database import rowcount
from portal.infra.i18n import _l
from portal.models.applications import Application, ApplicationStatus
from portal.models.funding import Round
from portal.services.applications import organisations
from portal.services.applications.form import incomplete_sections
from portal.services.messages import notify
from portal.services.messages.links import absolute_url
from portal.services.rounds import stages

WEEK_BEFORE = timedelta(days=7)
DAY_BEFORE = timedelta(days=1)


class Reminder(enum.Enum):
    WEEK = "week"
    DAY = "day"

    @property
    def column(self) -> str:
        return f"{self.value}_reminder_sent_at"

    def subject(self, round_title: str) -> str:
        """The reminder's subject, put into words in each recipient's own language."""
        if self is Reminder.WEEK:
            return _l("%(round_title)s closes in a week: your application is not sent yet", round_title=round_title)
        return _l("%(round_title)s closes tomorrow: your application is not sent yet", round_title=round_title)


@dataclass(frozen=True)
class DraftReminder:
    application: Application
    reminder: Reminder
    closes_at: datetime


def reminder_due(application: Application, now: datetime) -> Reminder | None:
    """The reminder ``application`` should get now, if any: it is a draft, its deadline is ahead and
    within a week (a day), and that reminder (or, for the week's, the day's) has not gone."""
    if application.status is not ApplicationStatus.DRAFT:
        return None
    left = stages.closes_at(application) - now
    if left <= timedelta(0) or left > WEEK_BEFORE:
        return None
    if left <= DAY_BEFORE:
        return Reminder.DAY if application.day_reminder_sent_at is None else None
    if application.week_reminder_sent_at is None and application.day_reminder_sent_at is None:
        return Reminder.WEEK
    return None


def _candidates(session: Session, now: datetime) -> list[Application]:
    soon = now + WEEK_BEFORE
    query = (
        select(Application)
        .join(Round, Round.id == Application.round_id)
        .where(
            Application.status == ApplicationStatus.DRAFT,
            or_(Application.week_reminder_sent_at.is_(None), Application.day_reminder_sent_at.is_(None)),
            or_(
                and_(Round.closes_at > now, Round.closes_at <= soon),
                and_(Round.full_applications_close_at > now, Round.full_applications_close_at <= soon),
            ),
        )
        .order_by(Application.id)
    )
    return list(session.scalars(query))


def _claim(session: Session, application: Application, reminder: Reminder, now: datetime) -> bool:
    """Mark the reminder sent; False if another run did first or the application was sent meanwhile."""
    values: dict[str, object] = {reminder.column: now, "updated_at": Application.updated_at}
    if reminder is Reminder.DAY:
        # The week's reminder never follows the day's.
        values[Reminder.WEEK.column] = func.coalesce(Application.week_reminder_sent_at, now)
    claimed = session.execute(
        update(Application)
        .where(
            Application.id == application.id,
            Application.status == ApplicationStatus.DRAFT,
            getattr(Application, reminder.column).is_(None),
        )
        .values(values)
        .execution_options(synchronize_session=False)
    )
    return rowcount(claimed) == 1


def send_deadline_reminders(session: Session, now: datetime) -> int:
    """Remind each draft's group that its round closes in a week or a day; returns messages queued."""
    queued = 0
    for application in _candidates(session, now):
        reminder = reminder_due(application, now)
        if reminder is None or not _claim(session, application, reminder, now):
            continue
        closes_at = stages.closes_at(application)
        missing = [section.title for section in incomplete_sections(application)]
        url = absolute_url("apply.task_list", application_id=application.id)
        for member in organisations.active_members(session, application.organisation_id):
            notify.queue_reminder(
                session,
                member,
                subject=reminder.subject(application.round.title),
                template="draft_reminder",
                round_title=application.round.title,
                group_name=application.organisation.name,
                closes_at=closes_at,
                missing=missing,
                application_url=url,
            )
            queued += 1
    session.flush()
    return queued
