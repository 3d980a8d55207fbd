"""Staff reading a sent report: accepting it (final, and perhaps the award's last step), or sending it
back to the group with what to change.

A review form carries the ``times_sent`` it was shown, so a decision taken on a page older than the
report's latest sending, or taken twice, is refused rather than applied to words nobody read.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, update
from sqlalchemy.orm import Session

from portal.errors import DomainError
from portal.infra.database import rowcount
from portal.infra.i18n import _l, gettext
from portal.models.audit import AuditAction
from portal.models.awards import MonitoringReport
from portal.models.base import utcnow
from portal.models.users import User
from portal.services import audit
from portal.services.applications import organisations
from portal.services.applications.form import parse_pounds
from portal.services.awards import closing
from portal.services.awards.reports import OPEN_STATES, asks_spending, in_sentence, title
from portal.services.messages import notify
from portal.services.messages.links import absolute_url

MESSAGE_LIMIT = 5_000


def is_accepted(report: MonitoringReport) -> bool:
    return report.accepted_at is not None


def may_review(report: MonitoringReport) -> bool:
    """Whether staff can accept the report or ask for changes now: sent, not yet accepted, grant running."""
    return report.submitted_at is not None and report.accepted_at is None and report.award.status in OPEN_STATES


def changes_to_make(report: MonitoringReport) -> str | None:
    """What the group was asked to change, while the report is back with the group; None otherwise."""
    if report.submitted_at is None and report.changes_requested_at is not None:
        return report.changes_message
    return None


def sent_back() -> ColumnElement[bool]:
    """``changes_to_make`` for a MonitoringReport row in a query: back with the group to change."""
    return and_(MonitoringReport.submitted_at.is_(None), MonitoringReport.changes_requested_at.is_not(None))


@dataclass(frozen=True)
class ReviewState:
    """Where a report stands, in words for the officer's pages."""

    label: str
    # Waiting for an officer to read it.
    to_read: bool


def review_state(report: MonitoringReport) -> ReviewState:
    if report.accepted_at is not None:
        return ReviewState(f"Accepted {report.accepted_at:%-d %B %Y}", False)
    if report.submitted_at is not None:
        again = " again" if report.times_sent > 1 else ""
        return ReviewState(f"Sent{again} {report.submitted_at:%-d %B %Y}: waiting for you to read it", True)
    if report.changes_requested_at is not None:
        return ReviewState(f"Changes asked for {report.changes_requested_at:%-d %B %Y}: with the group", False)
    return ReviewState(f"Due {report.due_on:%-d %B %Y}: not sent yet", False)


def _check(report: MonitoringReport, seen: int) -> None:
    if report.accepted_at is not None:
        raise DomainError(
            gettext("The %(in_sentence)s has already been accepted.", in_sentence=in_sentence(title(report)))
        )
    if report.award.status not in OPEN_STATES:
        raise DomainError(gettext("Reports can only be reviewed while the grant is running."))
    if report.submitted_at is None:
        raise DomainError(
            gettext(
                "The %(in_sentence)s is with the group: it has not been sent to you.",
                in_sentence=in_sentence(title(report)),
            )
        )
    if report.times_sent != seen:
        raise DomainError(
            gettext("The group has sent this report again since you opened it. Read it again, then decide.")
        )


def _claim(session: Session, report: MonitoringReport, seen: int, **values: object) -> None:
    """Apply the decision only to the sending the officer read; refuse it otherwise (a second tab, a double tap)."""
    claimed = rowcount(
        session.execute(
            update(MonitoringReport)
            .where(
                MonitoringReport.id == report.id,
                MonitoringReport.times_sent == seen,
                MonitoringReport.submitted_at.is_not(None),
                MonitoringReport.accepted_at.is_(None),
            )
            .values(**values)
            .execution_options(synchronize_session=False)
        )
    )
    session.refresh(report)
    if claimed != 1:
        _check(report, seen)
        raise DomainError(gettext("This report has changed since you opened it. Read it again, then decide."))


def accept_report(session: Session, report: MonitoringReport, *, by: User, seen: int) -> bool:
    """Accept the sending ``seen`` of the report: it is final and locked. True when this closed the award
    (its last report accepted and its money paid)."""
    _check(report, seen)
    _claim(session, report, seen, accepted_at=utcnow(), accepted_by_id=by.id)
    audit.record(
        session, by, AuditAction.REPORT_ACCEPTED, report, f"{title(report)} for {report.award.application.reference}"
    )
    session.flush()
    award = report.award
    session.refresh(award)
    return closing.close_if_finished(session, award, by=by)


def ask_for_changes(session: Session, report: MonitoringReport, *, by: User, seen: int, message: str) -> None:
    """Send the report back to the group, open again, with what to change; every member is emailed."""
    message = message.strip()[:MESSAGE_LIMIT]
    if not message:
        raise DomainError(gettext("Tell the group what to change"))
    _check(report, seen)
    _claim(session, report, seen, submitted_at=None, changes_requested_at=utcnow(), changes_message=message)
    application = report.award.application
    audit.record(
        session,
        by,
        AuditAction.REPORT_CHANGES_REQUESTED,
        report,
        f"{title(report)} for {application.reference}: {message}",
    )
    for member in organisations.active_members(session, application.organisation_id):
        notify.queue_email(
            session,
            to=member.email,
            subject=_l(
                "Please change your %(in_sentence)s (%(reference)s)",
                in_sentence=in_sentence(title(report)),
                reference=application.reference,
            ),
            template="report_changes_requested",
            report=report,
            user=member,
            report_url=absolute_url("apply.report", award_id=report.award_id, report_id=report.id),
            report_title=in_sentence(title(report)),
        )
    session.flush()


@dataclass(frozen=True)
class SpendLine:
    """One line of the application's budget beside what the report says was spent on it."""

    item: str
    planned_pence: int
    # None: the group left the line empty (or typed something that is not an amount).
    spent_pence: int | None


def spending(report: MonitoringReport) -> list[SpendLine]:
    """What the report says was spent, line by line against the application's budget, in the budget's order."""
    if not asks_spending(report):
        return []
    typed = (report.answers or {}).get("spend") or {}
    return [
        SpendLine(line.item, line.amount_pence, parse_pounds(str(typed.get(str(line.id)) or "")))
        for line in report.award.application.budget_lines
    ]
