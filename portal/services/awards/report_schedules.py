"""Report schedules: which monitoring reports a round asks of its awards, when and with which questions.

A round's schedule is its default. At offer it is copied to the award, where an
officer may change it (dates, reports added or taken out) until the group accepts
(``may_change_schedule``). At acceptance each entry gets its due date, worked out
from the months after acceptance unless an officer set a date, and its own report.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from portal.errors import DomainError
from portal.formatting import pounds
from portal.infra.database import rowcount
from portal.infra.i18n import gettext
from portal.models.audit import AuditAction
from portal.models.awards import Award, AwardStatus, MonitoringReport
from portal.models.base import utcnow
from portal.models.funding import Round
from portal.models.reporting import ReportScheduleItem
from portal.models.users import User
from portal.services import audit

MAX_MONTHS_AFTER = 120
MAX_QUESTIONS = 10
MAX_WORD_LIMIT = 5_000


@dataclass(frozen=True)
class ReportQuestion:
    """A long-text question; ``name`` is its stable key (the answers are kept under it)."""

    name: str
    label: str
    hint: str
    word_limit: int

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.name, "label": self.label, "hint": self.hint, "word_limit": self.word_limit}

    @classmethod
    def from_dict(cls, row: dict[str, Any]) -> ReportQuestion:
        return cls(str(row.get("key") or ""), str(row.get("label") or ""), str(row.get("hint") or ""),
                   int(row.get("word_limit") or 0))  # fmt: skip


DEFAULT_TITLE = "End-of-grant report"
DEFAULT_MONTHS_AFTER = 12
DEFAULT_QUESTIONS = (
    ReportQuestion("what_happened", "What happened?", "What you did with the grant, and when.", 500),
    ReportQuestion(
        "story",
        "Tell us a short story",
        "One person's experience, in their words if they agree. Leave out anything that could identify them.",
        300,
    ),
    ReportQuestion(
        "learned",
        "What did your group learn?",
        "What went well, what you would do differently, and what you would tell another group.",
        300,
    ),
)


@dataclass
class ReportSettings:
    """One report in a schedule, as an officer typed it (checked by ``check_settings``)."""

    title: str = DEFAULT_TITLE
    months_after: int | None = DEFAULT_MONTHS_AFTER
    questions: list[ReportQuestion] = field(default_factory=lambda: list(DEFAULT_QUESTIONS))
    asks_people_reached: bool = True
    asks_spending: bool = True
    allows_photos: bool = True
    # Only an award's entry has a date, and only until acceptance is it the officer's to set.
    due_on: date | None = None


def questions_of(item: ReportScheduleItem | None) -> list[ReportQuestion]:
    """The report's long-text questions, in order (the default report's when it has no entry)."""
    if item is None:
        return list(DEFAULT_QUESTIONS)
    return [ReportQuestion.from_dict(row) for row in item.questions or []]


def settings_of(item: ReportScheduleItem) -> ReportSettings:
    return ReportSettings(
        title=item.title,
        months_after=item.months_after,
        questions=questions_of(item),
        asks_people_reached=item.asks_people_reached,
        asks_spending=item.asks_spending,
        allows_photos=item.allows_photos,
        due_on=item.due_on,
    )


def add_months(start: date, months: int) -> date:
    """The same day ``months`` later (the month's last day when it is shorter)."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def may_change_schedule(award: Award) -> bool:
    """An award's schedule is the officer's to change until the group accepts; after that it is fixed."""
    return award.status is AwardStatus.OFFERED


def _ensure_may_change(session: Session, award: Award) -> None:
    """Refuse once the group has accepted. The check is a conditional UPDATE of the award, so it holds the
    award's row until the change commits: an acceptance at the same moment waits for it (and then makes the
    reports from the changed schedule), or came first and this change is refused."""
    still_offered = rowcount(
        session.execute(
            update(Award)
            .where(Award.id == award.id, Award.status == AwardStatus.OFFERED)
            .values(status=AwardStatus.OFFERED)
            .execution_options(synchronize_session=False)
        )
    )
    if not may_change_schedule(award) or still_offered != 1:
        raise DomainError(
            gettext("The group has accepted this award, so its report schedule can no longer be changed.")
        )


def round_schedule(session: Session, grant_round: Round) -> list[ReportScheduleItem]:
    """The round's own schedule, first report first (empty when the round still uses the default)."""
    return list(
        session.scalars(
            select(ReportScheduleItem)
            .where(ReportScheduleItem.round_id == grant_round.id)
            .order_by(ReportScheduleItem.position)
        )
    )


def _fill(item: ReportScheduleItem, settings: ReportSettings) -> None:
    item.title = settings.title
    item.months_after = settings.months_after or 0
    item.questions = _keyed(item.questions or [], settings.questions)
    item.asks_people_reached = settings.asks_people_reached
    item.asks_spending = settings.asks_spending
    item.allows_photos = settings.allows_photos


def _keyed(before: list[dict[str, Any]], questions: list[ReportQuestion]) -> list[dict[str, Any]]:
    """The questions with stable keys: a question keeps its key; a new one gets one never used in this report."""
    known = {str(row.get("key")) for row in before}
    numbers = [int(key[1:]) for key in known | {q.name for q in questions} if key[:1] == "q" and key[1:].isdigit()]
    next_number = max(numbers, default=0) + 1
    rows = []
    for question in questions:
        key = question.name if question.name in known else ""
        if not key:
            key, next_number = f"q{next_number}", next_number + 1
        rows.append(ReportQuestion(key, question.label, question.hint, question.word_limit).as_dict())
    return rows


def _default_item() -> ReportScheduleItem:
    item = ReportScheduleItem(position=1, due_on=None)
    _fill(item, ReportSettings())
    item.questions = [question.as_dict() for question in DEFAULT_QUESTIONS]
    return item


def check_settings(settings: ReportSettings, *, dated: bool = False, today: date | None = None) -> None:
    """Refuse a report that could not be written or sent, naming the field that needs fixing."""
    if not settings.title.strip():
        raise DomainError(gettext("Enter a name for the report, like Final report"), field="title")
    if len(settings.title) > 200:
        raise DomainError(gettext("The report's name must be 200 characters or fewer"), field="title")
    if settings.months_after is None or not 0 <= settings.months_after <= MAX_MONTHS_AFTER:
        raise DomainError(
            gettext(
                "Enter when the report is due as a whole number of months from 0 to %(MAX_MONTHS_AFTER)s, like 12",
                MAX_MONTHS_AFTER=MAX_MONTHS_AFTER,
            ),
            field="months_after",
        )
    if dated and settings.due_on is not None and today is not None and settings.due_on <= today:
        raise DomainError(gettext("The due date must be in the future"), field="due_on")
    if len(settings.questions) > MAX_QUESTIONS:
        raise DomainError(
            gettext("A report can ask at most %(MAX_QUESTIONS)s questions", MAX_QUESTIONS=MAX_QUESTIONS),
            field="questions",
        )
    for number, question in enumerate(settings.questions, start=1):
        if len(question.label) > 300:
            raise DomainError(
                gettext("Question %(number)s must be 300 characters or fewer", number=number),
                field=f"question-{number}-label",
            )
        if not 1 <= question.word_limit <= MAX_WORD_LIMIT:
            raise DomainError(
                gettext(
                    "Give question %(number)s a word limit from 1 to %(MAX_WORD_LIMIT)s, like 300",
                    number=number,
                    MAX_WORD_LIMIT=MAX_WORD_LIMIT,
                ),
                field=f"question-{number}-words",
            )
    if not (settings.questions or settings.asks_people_reached or settings.asks_spending):
        raise DomainError(
            gettext("A report must ask at least one question, how many people took part, or what was spent"),
            field="questions",
        )


def _describe(item: ReportScheduleItem) -> str:
    asked = len(item.questions or [])
    return f"{item.title}: due {item.months_after} months after acceptance, {asked} questions"


# The round's default schedule.


def add_round_report(session: Session, grant_round: Round, settings: ReportSettings, *, by: User) -> ReportScheduleItem:
    """Add a report to the round's schedule (the round's first change starts from the default report)."""
    check_settings(settings)
    schedule = own_schedule(session, grant_round)
    item = ReportScheduleItem(round_id=grant_round.id, position=len(schedule) + 1)
    _fill(item, settings)
    session.add(item)
    session.flush()
    audit.record(session, by, AuditAction.REPORT_SCHEDULE_CHANGED, grant_round, f"Added {_describe(item)}")
    return item


def own_schedule(session: Session, grant_round: Round) -> list[ReportScheduleItem]:
    """The round's schedule as its own rows, saving the usual report first if the round has none
    (so an officer can change it)."""
    schedule = round_schedule(session, grant_round)
    if not schedule:
        item = _default_item()
        item.round_id = grant_round.id
        session.add(item)
        session.flush()
        schedule = [item]
    return schedule


def schedule_for(session: Session, grant_round: Round) -> list[ReportScheduleItem]:
    """The round's schedule to show or copy: its own rows, or the usual report (not saved) when it has none."""
    return round_schedule(session, grant_round) or [_default_item()]


def change_report(session: Session, item: ReportScheduleItem, settings: ReportSettings, *, by: User) -> None:
    """Change one report of a round's schedule, or of an award's before the group accepts."""
    if item.award is not None:
        _ensure_may_change(session, item.award)
    check_settings(settings, dated=item.award is not None, today=utcnow().date())
    _fill(item, settings)
    if item.award is not None:
        item.due_on = settings.due_on
    session.flush()
    _audit_change(session, item, by, f"Changed {_describe(item)}")


def remove_report(session: Session, item: ReportScheduleItem, *, by: User) -> None:
    """Take a report out of a schedule; a schedule keeps at least one report."""
    if item.award is not None:
        _ensure_may_change(session, item.award)
        siblings = [other for other in item.award.schedule if other.id != item.id]
    else:
        siblings = [other for other in _round_items(session, item) if other.id != item.id]
    if not siblings:
        raise DomainError(gettext("A schedule needs at least one report: change this one instead of removing it."))
    summary = f"Removed {_describe(item)}"
    owner_award = item.award
    if owner_award is not None:
        # A payment waiting for this report no longer waits: said in the audit entry, so it is not silent.
        for payment in owner_award.payments:
            if payment.held_until is item:
                payment.held_until = None
                summary += (
                    f"; the payment of {pounds(payment.amount_pence)} due {payment.due_on:%-d %B %Y} is no longer held"
                )
        owner_award.schedule.remove(item)
    else:
        session.delete(item)
    session.flush()
    for position, other in enumerate(siblings, start=1):
        other.position = position
    session.flush()
    if owner_award is not None:
        audit.record(session, by, AuditAction.AWARD_REPORT_SCHEDULE_CHANGED, owner_award, summary)
    else:
        audit.record(session, by, AuditAction.REPORT_SCHEDULE_CHANGED, _round_of(session, siblings[0]), summary)


def _round_items(session: Session, item: ReportScheduleItem) -> list[ReportScheduleItem]:
    return list(
        session.scalars(
            select(ReportScheduleItem)
            .where(ReportScheduleItem.round_id == item.round_id)
            .order_by(ReportScheduleItem.position)
        )
    )


def _round_of(session: Session, item: ReportScheduleItem) -> Round | None:
    return session.get(Round, item.round_id) if item.round_id is not None else None


def _audit_change(session: Session, item: ReportScheduleItem, by: User, summary: str) -> None:
    if item.award is not None:
        audit.record(session, by, AuditAction.AWARD_REPORT_SCHEDULE_CHANGED, item.award, summary)
    else:
        audit.record(session, by, AuditAction.REPORT_SCHEDULE_CHANGED, _round_of(session, item), summary)


# An award's own schedule.


def copy_to_award(session: Session, award: Award, grant_round: Round) -> list[ReportScheduleItem]:
    """At offer: the award gets its own copy of the round's schedule (no dates yet: they follow acceptance)."""
    for source in schedule_for(session, grant_round):
        copy = ReportScheduleItem(position=source.position, due_on=None)
        _fill(copy, settings_of(source))
        copy.questions = [dict(row) for row in source.questions or []]
        award.schedule.append(copy)
    session.flush()
    return list(award.schedule)


def _with_default(award: Award) -> None:
    """An award offered without a schedule has the default report (due on the award's own report date, if set)."""
    if not award.schedule:
        item = _default_item()
        item.due_on = award.report_due_on
        award.schedule.append(item)


def add_award_report(session: Session, award: Award, settings: ReportSettings, *, by: User) -> ReportScheduleItem:
    """Add a report to the award's schedule, before the group accepts."""
    _ensure_may_change(session, award)
    check_settings(settings, dated=True, today=utcnow().date())
    _with_default(award)
    item = ReportScheduleItem(position=len(award.schedule) + 1)
    _fill(item, settings)
    item.due_on = settings.due_on
    award.schedule.append(item)
    session.flush()
    audit.record(session, by, AuditAction.AWARD_REPORT_SCHEDULE_CHANGED, award, f"Added {_describe(item)}")
    return item


def start_reports(session: Session, award: Award, *, accepted_on: date) -> list[MonitoringReport]:
    """At acceptance: every entry of the award's schedule gets its due date and its own report.

    An award offered without a schedule gets the default report, due on the award's
    own report date if it has one. The award's ``report_due_on`` is the last report's date.
    """
    if award.reports:
        return list(award.reports)
    _with_default(award)
    made = []
    for item in award.schedule:
        item.due_on = item.due_on or add_months(accepted_on, item.months_after)
    # Made in the order they fall due, as the award lists them.
    for item in sorted(award.schedule, key=lambda entry: (entry.due_on or accepted_on, entry.position)):
        assert item.due_on is not None
        report = MonitoringReport(award=award, due_on=item.due_on)
        item.report = report
        made.append(report)
    award.report_due_on = max(report.due_on for report in made)
    session.flush()
    return made
