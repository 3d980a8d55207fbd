"""Report schedules: the round's default, copied to the award at offer, changed before acceptance only,
due dates at acceptance, several reports per award, reminders once per report, closing after the last."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.errors import DomainError, UploadRejected
from portal.extensions import db
from portal.infra.database import writing
from portal.models.applications import ApplicationStatus, BudgetLine
from portal.models.audit import AuditAction, AuditEntry
from portal.models.awards import Award, AwardStatus, Payment
from portal.models.base import utcnow
from portal.models.funding import Round
from portal.models.outbox import OutboxMessage
from portal.models.users import User
from portal.services.awards import decisions, report_reviews, reports
from portal.services.awards.acceptance import accept_award
from portal.services.awards.report_schedules import (
    DEFAULT_QUESTIONS,
    ReportQuestion,
    ReportSettings,
    add_award_report,
    add_months,
    add_round_report,
    change_report,
    may_change_schedule,
    remove_report,
    round_schedule,
    schedule_for,
)
from tests.factories import make_application, make_organisation, make_round, make_user
from tests.fixtures.databases import reread

MIDWAY = ReportSettings(
    title="Halfway report",
    months_after=6,
    questions=[ReportQuestion("", "What has happened so far?", "", 200)],
    asks_people_reached=False,
    asks_spending=False,
    allows_photos=False,
)


def offer(session: Session, officer: User, grant_round: Round) -> tuple[Award, User]:
    member = make_user(session)
    application = make_application(
        session,
        grant_round=grant_round,
        organisation=make_organisation(session, members=(member,)),
        status=ApplicationStatus.SCORED,
    )
    application.amount_requested_pence = 100_000
    application.reference = f"AO-2026-{application.id:04d}"
    application.budget_lines = [BudgetLine(position=1, item="Hall hire", amount_pence=100_000)]
    decisions.approve(session, application, by=officer, amount_pence=100_000)
    award = decisions.award_for(session, application)
    assert award is not None
    return award, member


def test_a_round_starts_with_the_default_report(session: Session) -> None:
    grant_round = make_round(session)
    assert round_schedule(session, grant_round) == []
    [item] = schedule_for(session, grant_round)
    assert (item.title, item.months_after, item.id) == ("End-of-grant report", 12, None)  # shown, not saved
    assert item.questions == [q.as_dict() for q in DEFAULT_QUESTIONS]
    assert (item.asks_people_reached, item.asks_spending, item.allows_photos) == (True, True, True)


def test_round_schedule_is_edited_and_audited(session: Session, officer: User) -> None:
    grant_round = make_round(session)
    midway = add_round_report(session, grant_round, MIDWAY, by=officer)
    assert [i.title for i in round_schedule(session, grant_round)] == ["End-of-grant report", "Halfway report"]
    assert midway.questions == [{"key": "q1", "label": "What has happened so far?", "hint": "", "word_limit": 200}]
    # Keys stay with their questions; a new question gets a key of its own.
    change_report(
        session,
        midway,
        ReportSettings(
            title="Halfway report",
            months_after=6,
            questions=[
                ReportQuestion("q1", "What has happened?", "", 250),
                ReportQuestion("", "Any problems?", "", 100),
            ],
        ),
        by=officer,
    )
    assert [(q["key"], q["label"]) for q in midway.questions] == [("q1", "What has happened?"), ("q2", "Any problems?")]
    first = round_schedule(session, grant_round)[0]
    remove_report(session, first, by=officer)
    [left] = round_schedule(session, grant_round)
    assert (left.title, left.position) == ("Halfway report", 1)
    with pytest.raises(DomainError, match="at least one report"):
        remove_report(session, left, by=officer)
    actions = session.scalars(select(AuditEntry.action).where(AuditEntry.object_type == "Round")).all()
    assert actions.count(AuditAction.REPORT_SCHEDULE_CHANGED) == 3


@pytest.mark.parametrize(
    ("settings", "field"),
    [
        (ReportSettings(title=" "), "title"),
        (ReportSettings(months_after=None), "months_after"),
        (ReportSettings(months_after=121), "months_after"),
        (ReportSettings(questions=[ReportQuestion("", "Say", "", 0)]), "question-1-words"),
        (ReportSettings(questions=[], asks_people_reached=False, asks_spending=False), "questions"),
    ],
)
def test_bad_settings_are_refused_by_name(
    session: Session, officer: User, settings: ReportSettings, field: str
) -> None:
    with pytest.raises(DomainError) as refused:
        add_round_report(session, make_round(session), settings, by=officer)
    assert refused.value.field == field


def test_offer_copies_the_schedule_which_changes_until_acceptance(session: Session, officer: User) -> None:
    grant_round = make_round(session)
    add_round_report(session, grant_round, MIDWAY, by=officer)
    award, member = offer(session, officer, grant_round)
    assert [(i.title, i.months_after, i.due_on) for i in award.schedule] == [
        ("End-of-grant report", 12, None),
        ("Halfway report", 6, None),
    ]
    # The award's copy is its own: changing the round's schedule leaves it alone.
    remove_report(session, round_schedule(session, grant_round)[1], by=officer)
    assert len(award.schedule) == 2

    # Before acceptance an officer may change it: a fixed date, another report, one taken out.
    assert may_change_schedule(award)
    fixed = date.today() + timedelta(days=400)
    change_report(session, award.schedule[0], ReportSettings(due_on=fixed), by=officer)
    add_award_report(session, award, ReportSettings(title="Second year report", months_after=24), by=officer)
    remove_report(session, award.schedule[1], by=officer)
    assert [(i.title, i.position) for i in award.schedule] == [("End-of-grant report", 1), ("Second year report", 2)]
    with pytest.raises(DomainError, match="must be in the future"):
        change_report(session, award.schedule[0], ReportSettings(due_on=date.today()), by=officer)

    accept_award(session, award, by=member, name="Ann Lee", agreed=True)
    session.commit()
    reread(session)
    accepted_on = award.accepted_at.date() if award.accepted_at else date.today()
    assert [r.due_on for r in award.reports] == [fixed, add_months(accepted_on, 24)]
    assert award.report_due_on == add_months(accepted_on, 24)
    assert [i.report_id for i in award.schedule] == [r.id for r in award.reports]

    # After acceptance the schedule is fixed.
    assert not may_change_schedule(award)
    with pytest.raises(DomainError, match="can no longer be changed"):
        change_report(session, award.schedule[0], ReportSettings(), by=officer)
    with pytest.raises(DomainError, match="can no longer be changed"):
        add_award_report(session, award, ReportSettings(), by=officer)
    with pytest.raises(DomainError, match="can no longer be changed"):
        remove_report(session, award.schedule[0], by=officer)
    summaries = session.scalars(
        select(AuditEntry.summary).where(AuditEntry.action == AuditAction.AWARD_REPORT_SCHEDULE_CHANGED)
    ).all()
    assert len(summaries) == 3


def test_due_dates_count_months_from_acceptance() -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 12, 4), 12) == date(2027, 12, 4)
    assert add_months(date(2026, 5, 10), 0) == date(2026, 5, 10)
    assert add_months(date(2027, 11, 30), 3) == date(2028, 2, 29)


def test_each_report_asks_its_own_questions_and_all_are_accepted_to_close(session: Session, officer: User) -> None:
    grant_round = make_round(session)
    add_round_report(session, grant_round, MIDWAY, by=officer)
    award, member = offer(session, officer, grant_round)
    accept_award(session, award, by=member, name="Ann Lee", agreed=True)
    final, midway = award.reports[1], award.reports[0]
    assert reports.title(midway) == "Halfway report"
    assert [q.label for q in reports.questions(midway)] == ["What has happened so far?"]
    assert [q.name for q in reports.questions(final)] == ["what_happened", "story", "learned"]

    # The halfway report asks one question and nothing about people, money or photos.
    reports.save_report(session, midway, {"q1": "", "people": "5"}, by=member)
    assert reports.report_problems(midway) == {"q1": "Answer the question: What has happened so far?"}
    reports.save_report(session, midway, {"q1": "We started."}, by=member)
    assert reports.report_problems(midway) == {}
    assert midway.people_reached is None
    assert "people" not in midway.answers
    with pytest.raises(UploadRejected, match="does not ask for photos"):
        reports.add_photo(session, None, midway, None, by=member)  # type: ignore[arg-type]
    assert reports.submit_report(session, midway, by=member) is True
    award.status = AwardStatus.PAID
    award.payments = [Payment(amount_pence=award.amount_pence, due_on=date(2027, 1, 1), paid_at=utcnow())]
    assert report_reviews.accept_report(session, midway, by=officer, seen=1) is False
    assert award.status is AwardStatus.PAID  # one report accepted, one to come

    line = award.application.budget_lines[0]
    values = {
        "what_happened": "A lot",
        "story": "June",
        "learned": "Plan",
        "people": "20",
        "spend": {str(line.id): "10"},
    }
    reports.save_report(session, final, values, by=member)
    reports.submit_report(session, final, by=member)
    assert report_reviews.accept_report(session, final, by=officer, seen=1) is True
    assert award.status is AwardStatus.CLOSED
    with pytest.raises(DomainError, match="already been accepted"):
        report_reviews.accept_report(session, final, by=officer, seen=1)


def test_reminders_go_once_for_each_report(session: Session, officer: User) -> None:
    grant_round = make_round(session)
    add_round_report(session, grant_round, MIDWAY, by=officer)
    award, member = offer(session, officer, grant_round)
    accept_award(session, award, by=member, name="Ann Lee", agreed=True)
    session.commit()
    before = len(session.scalars(select(OutboxMessage)).all())
    midway, final = award.reports
    soon = midway.due_on - timedelta(days=3)
    assert reports.send_report_reminders(session, soon) == 1
    assert reports.send_report_reminders(session, soon) == 0
    late = final.due_on + timedelta(days=1)
    # The halfway report is late; the final one is late too: one notice each, once.
    assert reports.send_report_reminders(session, late) == 2
    assert reports.send_report_reminders(session, late) == 0
    subjects = session.scalars(select(OutboxMessage.subject).order_by(OutboxMessage.id)).all()[before:]
    assert subjects[0].startswith(f"Your halfway report is due on {midway.due_on:%-d %B %Y}")
    assert sorted(s.split(" (")[0] for s in subjects[1:]) == [
        "Your end-of-grant report is late",
        "Your halfway report is late",
    ]
    bodies = session.scalars(select(OutboxMessage.body).order_by(OutboxMessage.id)).all()[before:]
    assert f"/awards/{award.id}/reports/{midway.id}" in bodies[0]


@pytest.mark.postgres_only
def test_a_change_racing_the_acceptance_is_kept_whole_or_refused(app: Flask, session: Session, officer: User) -> None:
    """An officer adding a report as the group accepts: either the report is added before the acceptance
    (which then makes a report for it) or the change is refused; never a schedule entry without a report."""
    award, member = offer(session, officer, make_round(session))
    session.commit()
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def accept() -> None:
        with app.app_context(), writing():
            mine = db.session.get(Award, award.id)
            person = db.session.get(User, member.id)
            barrier.wait()
            accept_award(db.session, mine, by=person, name="Ann Lee", agreed=True)  # type: ignore[arg-type]
            db.session.commit()

    def add() -> None:
        with app.app_context(), writing():
            mine = db.session.get(Award, award.id)
            person = db.session.get(User, officer.id)
            barrier.wait()
            try:
                add_award_report(db.session, mine, MIDWAY, by=person)  # type: ignore[arg-type]
            except DomainError:
                db.session.rollback()
                outcomes.append("refused")
            else:
                db.session.commit()
                outcomes.append("added")

    threads = [threading.Thread(target=accept), threading.Thread(target=add)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    reread(session)
    assert award.status is AwardStatus.ACCEPTED
    assert len(award.schedule) == (2 if outcomes == ["added"] else 1)
    assert all(item.report_id is not None for item in award.schedule)
    assert len(award.reports) == len(award.schedule)
