"""Staff accepting a report or sending it back; instalments held until a report is accepted; the closing rule;
reminders once each per report."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.errors import DomainError
from portal.models.audit import AuditAction, AuditEntry
from portal.models.awards import Award, AwardStatus, MonitoringReport
from portal.models.outbox import OutboxMessage
from portal.models.users import User
from portal.services.awards import bank_details, closing, payments, report_reviews, reports
from portal.services.awards.acceptance import accept_award
from portal.services.awards.report_schedules import (
    ReportSettings,
    add_award_report,
    change_report,
    remove_report,
    settings_of,
)
from tests.factories import confirm_bank_details, make_round
from tests.services.awards.test_report_schedules import offer

ANSWERS = {"what_happened": "Twelve walks", "story": "June came", "learned": "Start early", "people": "30"}


def send(session: Session, report: MonitoringReport, member: User, **changed: str) -> None:
    """Answer every question the report asks (and spend £250 on the first budget line), then send it."""
    line = report.award.application.budget_lines[0]
    answers = {q.name: f"About {q.label}" for q in reports.questions(report)} | ANSWERS
    reports.save_report(session, report, answers | changed | {"spend": {str(line.id): "250"}}, by=member)
    assert reports.submit_report(session, report, by=member) is True


def sent_report(session: Session, officer: User) -> tuple[MonitoringReport, User]:
    award, member = offer(session, officer, make_round(session))
    accept_award(session, award, by=member, name="Ann Lee", agreed=True)
    [report] = award.reports
    send(session, report, member)
    return report, member


def actions(session: Session) -> list[str]:
    return list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_accepting_locks_the_report_and_a_second_accept_is_refused(session: Session, officer: User) -> None:
    report, member = sent_report(session, officer)
    assert report_reviews.may_review(report)

    report_reviews.accept_report(session, report, by=officer, seen=1)

    assert (report.accepted_by_id, report_reviews.may_review(report)) == (officer.id, False)
    assert actions(session)[-1] == AuditAction.REPORT_ACCEPTED
    with pytest.raises(DomainError, match="already been accepted"):
        report_reviews.accept_report(session, report, by=officer, seen=1)
    with pytest.raises(DomainError, match="already been accepted"):
        report_reviews.ask_for_changes(session, report, by=officer, seen=1, message="More please")
    with pytest.raises(DomainError, match="can no longer be changed"):
        reports.save_report(session, report, ANSWERS, by=member)
    assert actions(session).count(AuditAction.REPORT_ACCEPTED) == 1


def test_asking_for_changes_reopens_the_report_and_the_group_sends_it_again(session: Session, officer: User) -> None:
    report, member = sent_report(session, officer)
    before = len(session.scalars(select(OutboxMessage)).all())
    with pytest.raises(DomainError, match="Tell the group what to change"):
        report_reviews.ask_for_changes(session, report, by=officer, seen=1, message="  ")

    report_reviews.ask_for_changes(session, report, by=officer, seen=1, message="Say how many sessions you ran.")

    assert report.submitted_at is None
    assert report_reviews.changes_to_make(report) == "Say how many sessions you ran."
    [email] = session.scalars(select(OutboxMessage)).all()[before:]
    assert (email.to, email.subject) == (
        member.email,
        f"Please change your end-of-grant report ({report.award.application.reference})",
    )
    assert "Say how many sessions you ran." in email.body
    assert f"/awards/{report.award_id}/reports/{report.id}" in email.body
    assert actions(session)[-1] == AuditAction.REPORT_CHANGES_REQUESTED
    # While it is with the group there is nothing to decide.
    with pytest.raises(DomainError, match="with the group"):
        report_reviews.accept_report(session, report, by=officer, seen=1)

    send(session, report, member, what_happened="Twelve walks, in ten sessions")

    assert (report.times_sent, report_reviews.changes_to_make(report)) == (2, None)
    # A decision made on the page as it was before the group sent it again is refused.
    with pytest.raises(DomainError, match="sent this report again"):
        report_reviews.accept_report(session, report, by=officer, seen=1)
    report_reviews.accept_report(session, report, by=officer, seen=2)
    assert report.answers["what_happened"] == "Twelve walks, in ten sessions"


def test_a_report_sent_back_after_its_due_date_is_not_called_late(session: Session, officer: User) -> None:
    report, _ = sent_report(session, officer)
    report_reviews.ask_for_changes(session, report, by=officer, seen=1, message="Add a photo")
    assert reports.send_report_reminders(session, report.due_on + timedelta(days=5)) == 0


def test_spending_is_shown_line_by_line_against_the_budget(session: Session, officer: User) -> None:
    report, _ = sent_report(session, officer)
    [line] = report_reviews.spending(report)
    assert (line.item, line.planned_pence, line.spent_pence) == ("Hall hire", 100_000, 25_000)


def three_year_award(session: Session, officer: User) -> tuple[Award, User]:
    """Three yearly reports (the round's end-of-grant report becomes the third), accepted by the group."""
    award, member = offer(session, officer, make_round(session))
    [final] = award.schedule
    change_report(
        session,
        final,
        ReportSettings(**vars(settings_of(final)) | {"title": "Year 3 report", "months_after": 36}),
        by=officer,
    )
    for year in (1, 2):
        add_award_report(
            session, award, ReportSettings(title=f"Year {year} report", months_after=12 * year), by=officer
        )
    return award, member


def test_three_instalments_the_second_held_until_the_first_report_is_accepted(session: Session, officer: User) -> None:
    award, member = three_year_award(session, officer)
    year_1 = next(item for item in award.schedule if item.title == "Year 1 report")
    # Planned at offer, before the reports exist.
    first = payments.plan_payment(session, award, by=officer, amount_pence=40_000, due_on=date(2027, 1, 1))
    second = payments.plan_payment(
        session, award, by=officer, amount_pence=30_000, due_on=date(2028, 1, 1), held_until=year_1
    )
    third = payments.plan_payment(session, award, by=officer, amount_pence=30_000, due_on=date(2029, 1, 1))
    assert payments.payment_held_by(second) is year_1
    assert payments.held_message(year_1) == "Held until the Year 1 report is accepted"
    accept_award(session, award, by=member, name="Ann Lee", agreed=True)
    assert [reports.title(r) for r in award.reports] == ["Year 1 report", "Year 2 report", "Year 3 report"]
    bank_details.save_bank_details(session, award, bank_details.BankDetails("Group", "309457", "00733445"), by=member)
    confirm_bank_details(session, award)

    payments.record_payment(session, first, by=officer, reference="BACS-1")
    with pytest.raises(DomainError, match="Held until the Year 1 report is accepted"):
        payments.record_payment(session, second, by=officer, reference="BACS-2")
    assert second.paid_at is None

    report_1, report_2, report_3 = award.reports
    send(session, report_1, member)
    # Sent is not enough: the report must be accepted.
    with pytest.raises(DomainError, match="Held until the Year 1 report"):
        payments.record_payment(session, second, by=officer, reference="BACS-2")
    report_reviews.accept_report(session, report_1, by=officer, seen=1)
    assert payments.payment_held_by(second) is None
    payments.record_payment(session, second, by=officer, reference="BACS-2")

    send(session, report_2, member)
    report_reviews.accept_report(session, report_2, by=officer, seen=1)
    payments.record_payment(session, third, by=officer, reference="BACS-3")
    assert award.status is AwardStatus.PAID  # all paid; the last report is still to come
    send(session, report_3, member)
    assert report_reviews.accept_report(session, report_3, by=officer, seen=1) is True
    assert award.status is AwardStatus.CLOSED


def test_a_hold_names_one_of_the_awards_own_reports(session: Session, officer: User) -> None:
    award, _ = offer(session, officer, make_round(session))
    other, _ = offer(session, officer, make_round(session))
    with pytest.raises(DomainError, match="this award's reports"):
        payments.plan_payment(
            session, award, by=officer, amount_pence=1_000, due_on=date(2027, 1, 1), held_until=other.schedule[0]
        )


def test_the_award_closes_only_when_every_report_is_accepted_and_all_is_paid(session: Session, officer: User) -> None:
    award, member = three_year_award(session, officer)
    accept_award(session, award, by=member, name="Ann Lee", agreed=True)
    for report in award.reports:
        send(session, report, member)
        report_reviews.accept_report(session, report, by=officer, seen=1)
    # Every report accepted, nothing paid: still open.
    assert closing.all_reports_accepted(award)
    assert not closing.money_settled(award)
    assert (closing.may_close(award), award.status) == (False, AwardStatus.ACCEPTED)
    bank_details.save_bank_details(session, award, bank_details.BankDetails("Group", "309457", "00733445"), by=member)
    confirm_bank_details(session, award)
    payment = payments.plan_payment(session, award, by=officer, amount_pence=100_000, due_on=date(2027, 1, 1))
    payments.record_payment(session, payment, by=officer, reference="BACS-1")
    assert award.status is AwardStatus.CLOSED
    assert actions(session).count(AuditAction.AWARD_CLOSED) == 1


def test_reminders_go_once_before_and_once_after_each_due_date(session: Session, officer: User) -> None:
    award, member = three_year_award(session, officer)
    accept_award(session, award, by=member, name="Ann Lee", agreed=True)
    year_1, year_2, year_3 = award.reports
    before = len(session.scalars(select(OutboxMessage)).all())

    for day in (year_1.due_on - timedelta(days=10), year_1.due_on - timedelta(days=2), year_1.due_on):
        reports.send_report_reminders(session, day)
    # Year 1 sent on time; Year 2 never sent; Year 3 due soon, then late.
    send(session, year_1, member)
    for day in (
        year_2.due_on - timedelta(days=14),
        year_2.due_on + timedelta(days=1),
        year_2.due_on + timedelta(days=30),
    ):
        reports.send_report_reminders(session, day)
    for day in (
        year_3.due_on - timedelta(days=1),
        year_3.due_on + timedelta(days=1),
        year_3.due_on + timedelta(days=2),
    ):
        reports.send_report_reminders(session, day)

    subjects = [s.split(" (")[0] for s in session.scalars(select(OutboxMessage.subject).order_by(OutboxMessage.id))]
    reminders = [s for s in subjects[before:] if s.startswith("Your ")]
    assert reminders == [
        f"Your year 1 report is due on {year_1.due_on:%-d %B %Y}",
        f"Your year 2 report is due on {year_2.due_on:%-d %B %Y}",
        "Your year 2 report is late",
        f"Your year 3 report is due on {year_3.due_on:%-d %B %Y}",
        "Your year 3 report is late",
    ]


def test_removing_the_report_a_payment_waits_for_releases_it_and_says_so(session: Session, officer: User) -> None:
    award, _ = three_year_award(session, officer)
    year_1 = next(item for item in award.schedule if item.title == "Year 1 report")
    payment = payments.plan_payment(
        session, award, by=officer, amount_pence=30_000, due_on=date(2028, 1, 1), held_until=year_1
    )

    remove_report(session, year_1, by=officer)

    assert payments.payment_held_by(payment) is None
    summary = session.scalars(select(AuditEntry.summary).order_by(AuditEntry.id.desc())).first()
    assert summary is not None
    assert summary.endswith("the payment of £300 due 1 January 2028 is no longer held")
