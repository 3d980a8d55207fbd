"""End-of-grant reports: saving, totals, sending once, reminders once each."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.errors import DomainError
from portal.models.applications import ApplicationStatus, BudgetLine
from portal.models.awards import AwardStatus, MonitoringReport
from portal.models.outbox import OutboxMessage
from portal.models.users import User
from portal.services.awards import reports
from tests.factories import make_application, make_award, make_organisation, make_report, make_round, make_user
from tests.fixtures.databases import reread

TODAY = date(2027, 6, 1)


def report_for(
    session: Session, *, status: AwardStatus = AwardStatus.PAID, due_on: date = TODAY, reference: str = "AO-2026-0011"
) -> tuple[MonitoringReport, User]:
    member = make_user(session, name="Grace")
    application = make_application(
        session,
        grant_round=make_round(session),
        organisation=make_organisation(session, members=(member,)),
        status=ApplicationStatus.APPROVED,
    )
    application.reference = reference
    application.budget_lines = [
        BudgetLine(position=1, item="Hall hire", amount_pence=60_000),
        BudgetLine(position=2, item="Tea", amount_pence=10_000),
    ]
    award = make_award(session, application=application, status=status, amount_pence=70_000)
    report = make_report(session, award=award, due_on=due_on)
    session.commit()
    return report, member


def answers(report: MonitoringReport, **changes: object) -> dict[str, object]:
    lines = report.award.application.budget_lines
    values: dict[str, object] = {
        "what_happened": "We met every week.",
        "story": "June came every week and made friends.",
        "learned": "Start earlier in the year.",
        "people": "35",
        "spend": {str(lines[0].id): "600", str(lines[1].id): "95.50"},
    }
    return values | changes


def test_saving_keeps_what_was_typed_and_adds_up_the_spend(session: Session) -> None:
    report, member = report_for(session)
    reports.save_report(session, report, answers(report, people="about 30"), by=member)
    assert report.spent_pence == 69_550
    assert report.people_reached is None
    assert reports.report_problems(report) == {"people": "Enter how many people took part, as a whole number, like 35"}


def test_word_limits_and_missing_answers(session: Session) -> None:
    report, member = report_for(session)
    reports.save_report(
        session, report, answers(report, story=" ".join(["word"] * 301), learned="", spend={}), by=member
    )
    problems = reports.report_problems(report)
    assert problems["story"] == "Tell us a short story must be 300 words or fewer (you have 301)"
    assert problems["learned"] == "Answer the question: What did your group learn?"
    assert "spend" in problems
    with pytest.raises(DomainError, match="Finish the report"):
        reports.submit_report(session, report, by=member)


def test_sending_once_then_read_only(session: Session) -> None:
    report, member = report_for(session)
    reports.save_report(session, report, answers(report), by=member)
    assert reports.submit_report(session, report, by=member) is True
    assert reports.submit_report(session, report, by=member) is False
    assert report.submitted_by_id == member.id
    # Once to the member and once to the programme team (MAIL_FROM's address when PROGRAMME_EMAIL is unset).
    assert sorted(session.scalars(select(OutboxMessage.to))) == sorted([member.email, "grants@localhost"])
    with pytest.raises(DomainError, match="can no longer be changed"):
        reports.save_report(session, report, answers(report), by=member)


def test_an_offered_award_has_no_report_yet(session: Session) -> None:
    report, member = report_for(session, status=AwardStatus.OFFERED)
    with pytest.raises(DomainError, match="accepted"):
        reports.save_report(session, report, answers(report), by=member)


def test_reminders_go_once_each_however_often_the_job_runs(session: Session) -> None:
    soon, _ = report_for(session, due_on=TODAY + timedelta(days=10))
    later, _ = report_for(session, due_on=TODAY + timedelta(days=60), reference="AO-2026-0012")
    late, _ = report_for(
        session, status=AwardStatus.REPORT_DUE, due_on=TODAY - timedelta(days=1), reference="AO-2026-0013"
    )

    assert reports.send_report_reminders(session, TODAY) == 2
    assert reports.send_report_reminders(session, TODAY) == 0
    session.commit()
    reread(session)

    subjects = sorted(m.subject for m in session.scalars(select(OutboxMessage)))
    assert subjects == [
        "Your end-of-grant report is due on 11 June 2027 (AO-2026-0011)",
        "Your end-of-grant report is late (AO-2026-0013)",
    ]
    assert soon.award.status is AwardStatus.REPORT_DUE  # paid, and the report is now due
    assert later.reminder_sent_at is None
    assert late.overdue_notice_sent_at is not None


def test_a_member_reading_polish_is_reminded_in_polish_with_the_date_in_polish(session: Session) -> None:
    _, member = report_for(session, due_on=TODAY + timedelta(days=10))
    _, late_member = report_for(
        session, status=AwardStatus.REPORT_DUE, due_on=TODAY - timedelta(days=1), reference="AO-2026-0013"
    )
    member.language = late_member.language = "pl"
    session.commit()

    assert reports.send_report_reminders(session, TODAY) == 2

    subjects = sorted(m.subject for m in session.scalars(select(OutboxMessage)))
    # The report's own name is the programme's words, as written; the rest is Polish.
    assert subjects == [
        "Spóźnienie: end-of-grant report (AO-2026-0013)",
        "Termin na end-of-grant report: 11 czerwca 2027 (AO-2026-0011)",
    ]
