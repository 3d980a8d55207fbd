"""An award's monitoring reports: saving one as a draft, its photos, sending it, and reminding groups when each is due.

Each report asks the questions of its entry in the award's report schedule
(``portal.services.awards.report_schedules``).
"""

from __future__ import annotations

import contextlib
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, select, update
from sqlalchemy.orm import Session

from portal.errors import DomainError, StorageUnavailable, UploadRejected
from portal.formatting import day_month_year, pounds
from portal.infra import i18n
from portal.infra.database import rowcount
from portal.infra.i18n import _l, gettext, ngettext
from portal.models.applications import Evidence, EvidenceKind
from portal.models.audit import AuditAction
from portal.models.awards import Award, AwardStatus, MonitoringReport
from portal.models.base import utcnow
from portal.models.users import User
from portal.services import audit
from portal.services.applications import organisations
from portal.services.applications.evidence import attach_thumbnail, preview_of
from portal.services.applications.form import count_words, parse_pounds, parse_whole_number
from portal.services.awards.report_schedules import DEFAULT_TITLE, ReportQuestion, questions_of
from portal.services.files import thumbnails
from portal.services.files.uploads import ReceivedFile, delete_evidence, store_evidence
from portal.services.messages import notify
from portal.services.messages.links import absolute_url, programme_email
from portal.storage.base import Storage
from portal.workflow import advance_award

REMINDER_DAYS_BEFORE = 14
OPEN_STATES = (AwardStatus.ACCEPTED, AwardStatus.PAID, AwardStatus.REPORT_DUE)


def questions(report: MonitoringReport) -> list[ReportQuestion]:
    """The report's long-text questions, in order."""
    return questions_of(report.schedule_item)


def title(report: MonitoringReport) -> str:
    return report.schedule_item.title if report.schedule_item is not None else DEFAULT_TITLE


def asks_people(report: MonitoringReport) -> bool:
    return report.schedule_item is None or report.schedule_item.asks_people_reached


def asks_spending(report: MonitoringReport) -> bool:
    return report.schedule_item is None or report.schedule_item.asks_spending


# The group's consent, in its words: without it nothing of the report leaves the group's record
# (portal.services.outcomes.consent).
SHARE_STORY = _l("You may share this story with our funders and in public")
SHARE_PHOTOS = _l("You may share these photos")


def allows_photos(report: MonitoringReport) -> bool:
    return report.schedule_item is None or report.schedule_item.allows_photos


def answer_rows(report: MonitoringReport) -> list[tuple[str, str, bool]]:
    """What the report says, one row per question it asks: (question, answer, whether it is free text).
    The one way a report's answers are shown, to the group and to officers."""
    answers = report.answers or {}
    not_answered = gettext("Not answered")
    rows = [(q.label, str(answers.get(q.name) or "") or not_answered, True) for q in questions(report)]
    if asks_people(report):
        people = report.people_reached
        rows.append((gettext("People who took part"), str(people) if people is not None else not_answered, False))
    if asks_spending(report):
        rows.append((gettext("Total spent"), pounds(report.spent_pence or 0), False))
    rows.append((str(SHARE_STORY), _yes_or_no(report.share_story), False))
    if allows_photos(report):
        rows.append((str(SHARE_PHOTOS), _yes_or_no(report.share_photos), False))
    return rows


def _yes_or_no(answer: bool) -> str:
    return gettext("Yes") if answer else gettext("No")


def not_sent() -> ColumnElement[bool]:
    """For a MonitoringReport row: still with the group (never sent, or sent back for changes)."""
    return MonitoringReport.submitted_at.is_(None)


def ensure_open(report: MonitoringReport) -> None:
    if report.submitted_at is not None:
        raise DomainError(gettext("This report has been sent, so it can no longer be changed."))
    if report.award.status not in OPEN_STATES:
        raise DomainError(gettext("Reports can only be sent for grants that have been accepted."))


def save_report(session: Session, report: MonitoringReport, values: dict[str, Any], *, by: User) -> None:
    """Keep the answers as typed, with the total spend worked out from the lines that are money."""
    ensure_open(report)
    answers: dict[str, Any] = {q.name: str(values.get(q.name) or "")[:20_000] for q in questions(report)}
    if asks_people(report):
        answers["people"] = str(values.get("people") or "")[:30]
    report.people_reached = parse_whole_number(answers.get("people"))
    report.spent_pence = None
    if asks_spending(report):
        spend = {str(k): str(v)[:30] for k, v in (values.get("spend") or {}).items()}
        answers["spend"] = spend
        amounts = [parse_pounds(v) for v in spend.values() if v.strip()]
        report.spent_pence = sum(a for a in amounts if a is not None) if amounts else None
    report.answers = answers
    report.share_story = bool(values.get("share_story"))
    report.share_photos = allows_photos(report) and bool(values.get("share_photos"))
    session.flush()


def add_photo(
    session: Session, storage: Storage, report: MonitoringReport, received: ReceivedFile, *, by: User
) -> Evidence:
    """Keep a checked upload as one of the report's photos (with a preview when one can be made).

    Raises UploadRejected for a file that is not a picture, StorageUnavailable when
    it cannot be stored; either way nothing is added.
    """
    ensure_open(report)
    if not allows_photos(report):
        raise UploadRejected(gettext("This report does not ask for photos"))
    if received.content_type not in thumbnails.IMAGE_TYPES:
        raise UploadRejected(gettext("Photos must be JPG, PNG or HEIC pictures"))
    preview = preview_of(received)
    photo = store_evidence(session, storage, received, kind=EvidenceKind.PHOTO, uploaded_by=by, report_id=report.id)
    attach_thumbnail(storage, photo, preview)
    session.flush()
    return photo


def report_files(session: Session, report: MonitoringReport) -> list[Evidence]:
    """The report's photos, oldest first."""
    return list(session.scalars(select(Evidence).where(Evidence.report_id == report.id).order_by(Evidence.uploaded_at)))


def may_write(report: MonitoringReport) -> bool:
    """Whether the report can be written: from acceptance until the grant closes or is cancelled (or once sent,
    to read it back)."""
    return report.submitted_at is not None or report.award.status in OPEN_STATES


def report_photo(session: Session, report: MonitoringReport, photo_id: int) -> Evidence | None:
    """One of the report's photos, or None when the id names no photo of this report."""
    photo = session.get(Evidence, photo_id)
    return photo if photo is not None and photo.report_id == report.id else None


def remove_photo(session: Session, storage: Storage, report: MonitoringReport, photo: Evidence, *, by: User) -> None:
    """Take a photo out of the report. If storage cannot be reached, StorageUnavailable
    propagates and the photo stays (the removal is undone, not the rest of the request)."""
    ensure_open(report)
    if photo.report_id != report.id:
        raise DomainError(gettext("That photo is not part of this report."))
    thumbnail = photo.thumbnail_key
    with session.begin_nested():
        delete_evidence(session, storage, photo, by=by)
    if thumbnail:
        # The preview only: once the photo has gone, a leftover preview is swept later.
        with contextlib.suppress(StorageUnavailable):
            storage.delete(thumbnail)


def report_problems(report: MonitoringReport) -> dict[str, str]:
    """What must be fixed before the report can be sent."""
    answers = report.answers or {}
    problems = {}
    for question in questions(report):
        text = answers.get(question.name) or ""
        if not text.strip():
            problems[question.name] = gettext("Answer the question: %(question)s", question=question.label)
        elif count_words(text) > question.word_limit:
            problems[question.name] = ngettext(
                "%(question)s must be %(num)d words or fewer (you have %(words)s)",
                "%(question)s must be %(num)d words or fewer (you have %(words)s)",
                question.word_limit,
                question=question.label.rstrip("?"),
                words=count_words(text),
            )
    if asks_people(report) and parse_whole_number(answers.get("people")) is None:
        problems["people"] = gettext("Enter how many people took part, as a whole number, like 35")
    if asks_spending(report):
        for line_id, typed in (answers.get("spend") or {}).items():
            if typed.strip() and parse_pounds(typed) is None:
                problems[f"spend-{line_id}"] = gettext("Enter what you spent in pounds, like 150 or 149.99")
        if report.spent_pence is None:
            problems.setdefault("spend", gettext("Tell us what you spent on at least one budget line"))
    return problems


def submit_report(session: Session, report: MonitoringReport, *, by: User) -> bool:
    """Send the report. False when it had already been sent (a double tap)."""
    if report.submitted_at is not None:
        return False
    ensure_open(report)
    problems = report_problems(report)
    if problems:
        raise DomainError(
            gettext("Finish the report before you send it: %(problems)s", problems="; ".join(problems.values()))
        )
    claimed = rowcount(
        session.execute(
            update(MonitoringReport)
            .where(MonitoringReport.id == report.id, MonitoringReport.submitted_at.is_(None))
            .values(submitted_at=utcnow(), submitted_by_id=by.id, times_sent=MonitoringReport.times_sent + 1)
            .execution_options(synchronize_session=False)
        )
    )
    session.refresh(report)
    if claimed != 1:
        return False
    application = report.award.application
    again = " (sent again after changes)" if report.times_sent > 1 else ""
    audit.record(
        session, by, AuditAction.REPORT_SUBMITTED, report, f"{title(report)} for {application.reference}{again}"
    )
    notify.queue_email(
        session,
        to=by.email,
        subject=_l("Thank you for your report on %(reference)s", reference=application.reference),
        template="report_submitted",
        report=report,
        user=by,
        report_title=in_sentence(title(report)),
    )
    team = programme_email()
    if team:
        notify.queue_email(
            session,
            to=team,
            subject=_l("%(title)s sent: %(reference)s", title=title(report), reference=application.reference),
            template="report_submitted_team",
            report=report,
            report_title=in_sentence(title(report)),
        )
    session.flush()
    return True


def _claim(session: Session, report: MonitoringReport, column: Any) -> bool:
    """Mark a reminder as sent; False if another run already did (so it goes once)."""
    return (
        rowcount(
            session.execute(
                update(MonitoringReport)
                .where(MonitoringReport.id == report.id, column.is_(None))
                .values({column.key: utcnow()})
                .execution_options(synchronize_session=False)
            )
        )
        == 1
    )


def awaiting_first_sending() -> Any:
    """Reports a reminder may be about: never sent (one sent back for changes is not late, whatever
    the date), of a running grant."""
    return and_(
        MonitoringReport.times_sent == 0,
        MonitoringReport.submitted_at.is_(None),
        Award.status.in_(OPEN_STATES),
    )


def reminder_due(report: MonitoringReport, today: date) -> bool:
    """The one reminder before the due date: within two weeks of it (or on the day), never sent before."""
    return (
        report.times_sent == 0
        and report.reminder_sent_at is None
        and today <= report.due_on <= today + timedelta(days=REMINDER_DAYS_BEFORE)
    )


def overdue_notice_due(report: MonitoringReport, today: date) -> bool:
    """The one notice after the due date has passed, for a report never sent."""
    return report.times_sent == 0 and report.overdue_notice_sent_at is None and report.due_on < today


def send_report_reminders(session: Session, today: date) -> int:
    """Email the group about each report due within two weeks, and each report now late: once each per
    report, however many reports an award has and however often this runs. Members who chose texts get a
    text instead. Returns messages queued."""
    sent = 0
    due_soon = session.scalars(
        select(MonitoringReport)
        .join(Award, Award.id == MonitoringReport.award_id)
        .where(
            awaiting_first_sending(),
            MonitoringReport.reminder_sent_at.is_(None),
            MonitoringReport.due_on <= today + timedelta(days=REMINDER_DAYS_BEFORE),
            MonitoringReport.due_on >= today,
        )
        .order_by(MonitoringReport.due_on, MonitoringReport.id)
    ).all()
    for report in due_soon:
        if not reminder_due(report, today) or not _claim(session, report, MonitoringReport.reminder_sent_at):
            continue
        if report.award.status is AwardStatus.PAID:
            advance_award(report.award, AwardStatus.REPORT_DUE)
        sent += _email_members(
            session,
            report,
            "report_reminder",
            _l(
                "Your %(report)s is due on %(date)s",
                report=in_sentence(title(report)),
                date=i18n.lazy(day_month_year, report.due_on),
            ),
        )
    overdue = session.scalars(
        select(MonitoringReport)
        .join(Award, Award.id == MonitoringReport.award_id)
        .where(
            awaiting_first_sending(),
            MonitoringReport.overdue_notice_sent_at.is_(None),
            MonitoringReport.due_on < today,
        )
        .order_by(MonitoringReport.due_on, MonitoringReport.id)
    ).all()
    for report in overdue:
        if not overdue_notice_due(report, today) or not _claim(
            session, report, MonitoringReport.overdue_notice_sent_at
        ):
            continue
        if report.award.status is AwardStatus.PAID:
            advance_award(report.award, AwardStatus.REPORT_DUE)
        sent += _email_members(
            session, report, "report_overdue", _l("Your %(report)s is late", report=in_sentence(title(report)))
        )
    session.flush()
    return sent


def in_sentence(words: str) -> str:
    """A report's name inside a sentence ("End-of-grant report" reads "end-of-grant report")."""
    return words[:1].lower() + words[1:] if words[1:2].islower() else words


def _email_members(session: Session, report: MonitoringReport, template: str, subject: str) -> int:
    reference = report.award.application.reference
    members = organisations.active_members(session, report.award.application.organisation_id)
    for member in members:
        # By text for members who chose texts (templates/texts/), else by email.
        notify.queue_reminder(
            session,
            member,
            subject=_l("%(subject)s (%(reference)s)", subject=subject, reference=reference),
            template=template,
            report=report,
            report_url=absolute_url("apply.report", award_id=report.award_id, report_id=report.id),
            report_title=in_sentence(title(report)),
        )
    return len(members)
