"""Keeping personal data no longer than needed (UK GDPR storage limitation).

Applications that ended without a grant (declined, ineligible or withdrawn)
are anonymised ``RETENTION_MONTHS`` after they ended: their answers, budget
lines, officers' notes, panel comments, decision feedback and information
requests are cleared and their files deleted from storage. The row itself
stays, with its reference, round, group, status and amount, so the
programme's statistics still add up. Sent emails older than the same period
are deleted. Running it again changes nothing.
"""

from __future__ import annotations

import calendar
from datetime import datetime

from sqlalchemy import ColumnElement, delete, func, or_, select
from sqlalchemy.orm import Session

from portal.models.applications import Application, ApplicationNote, ApplicationStatus, Evidence, InfoRequest
from portal.models.audit import AuditAction, AuditEntry
from portal.models.awards import Decision
from portal.models.base import utcnow
from portal.models.outbox import OutboxMessage
from portal.models.panels import ConflictDeclaration, Review
from portal.services.audit import record
from portal.services.people import erasure
from portal.services.people.your_data import ERASED
from portal.storage.base import Storage

ENDED_WITHOUT_A_GRANT = (ApplicationStatus.DECLINED, ApplicationStatus.INELIGIBLE, ApplicationStatus.WITHDRAWN)


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time ``months`` calendar months earlier (clamped to the month's last day)."""
    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def due_applications(session: Session, *, months: int, now: datetime | None = None) -> list[Application]:
    """Applications past their retention period and not yet anonymised, oldest first."""
    cutoff = months_before(now or utcnow(), months)
    ended = func.coalesce(Application.decided_at, Application.updated_at)
    return list(
        session.scalars(
            select(Application)
            .where(
                Application.status.in_(ENDED_WITHOUT_A_GRANT),
                Application.anonymised_at.is_(None),
                ended < cutoff,
            )
            .order_by(ended, Application.id)
        )
    )


def ended_at(application: Application) -> datetime:
    return application.decided_at or application.updated_at


def anonymise_application(session: Session, storage: Storage, application: Application, *, months: int) -> int:
    """Clear ``application``'s personal content and delete its files; return how many files went."""
    if application.anonymised_at is not None:
        return 0
    info_request_ids = [info.id for info in application.info_requests]
    files = list(
        session.scalars(
            select(Evidence)
            .where(
                or_(
                    Evidence.application_id == application.id,
                    Evidence.info_request_id.in_(info_request_ids),
                )
            )
            .order_by(Evidence.id)
        )
    )
    deleted = erasure.delete_files(session, storage, files, "its retention period ended", by=None)

    title = application.title
    for entry in session.scalars(
        select(AuditEntry).where(AuditEntry.object_type == "Application", AuditEntry.object_id == application.id)
    ):
        if title and title in entry.summary:
            entry.summary = entry.summary.replace(title, ERASED)
    # The reason stays for the group's status page, like the audit summaries, without the title.
    if title and application.ineligible_reason and title in application.ineligible_reason:
        application.ineligible_reason = application.ineligible_reason.replace(title, ERASED)
    application.title = ""
    application.answers = {}
    application.section_revisions = {}
    application.budget_lines.clear()
    application.created_by_id = None
    for info in session.scalars(select(InfoRequest).where(InfoRequest.application_id == application.id)):
        info.question = ERASED
        info.answer = ERASED if info.answer is not None else None
    session.execute(delete(ApplicationNote).where(ApplicationNote.application_id == application.id))
    for review in session.scalars(select(Review).where(Review.application_id == application.id)):
        review.comment = ""
        for score in review.scores:
            score.comment = ""
    for decision in session.scalars(select(Decision).where(Decision.application_id == application.id)):
        decision.feedback = ""
    for conflict in session.scalars(
        select(ConflictDeclaration).where(ConflictDeclaration.application_id == application.id)
    ):
        conflict.nature = ""
    application.anonymised_at = utcnow()
    record(
        session,
        None,
        AuditAction.APPLICATION_ANONYMISED,
        application,
        summary=f"{application.reference or 'Draft'}: {months}-month retention period ended; {deleted} file(s) deleted",
    )
    session.flush()
    return deleted


def _old_emails(months: int, now: datetime | None) -> list[ColumnElement[bool]]:
    cutoff = months_before(now or utcnow(), months)
    return [OutboxMessage.sent_at.is_not(None), OutboxMessage.sent_at < cutoff]


def old_email_count(session: Session, *, months: int, now: datetime | None = None) -> int:
    """How many sent emails are older than the retention period."""
    return session.scalar(select(func.count(OutboxMessage.id)).where(*_old_emails(months, now))) or 0


def delete_old_emails(session: Session, *, months: int, now: datetime | None = None) -> int:
    """Delete sent emails older than the retention period; return how many."""
    count = old_email_count(session, months=months, now=now)
    if count:
        session.execute(delete(OutboxMessage).where(*_old_emails(months, now)))
        record(
            session,
            None,
            AuditAction.OLD_EMAILS_DELETED,
            None,
            summary=f"{count} sent email(s) older than {months} months",
        )
        session.flush()
    return count
