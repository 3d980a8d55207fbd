"""Paying, cancelling and closing awards: the budget moves at each step."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.errors import DomainError
from portal.models.applications import ApplicationStatus
from portal.models.audit import AuditAction, AuditEntry
from portal.models.awards import Award, AwardStatus
from portal.models.base import utcnow
from portal.models.users import User
from portal.services.awards import bank_details, closing, payments, report_reviews, reports
from tests.factories import (
    confirm_bank_details,
    make_application,
    make_award,
    make_organisation,
    make_report,
    make_round,
    make_user,
)


def live_award(session: Session, status: AwardStatus = AwardStatus.ACCEPTED) -> tuple[Award, User]:
    member = make_user(session)
    grant_round = make_round(session, budget_pence=1_000_000)
    application = make_application(
        session,
        grant_round=grant_round,
        organisation=make_organisation(session, members=(member,)),
        status=ApplicationStatus.APPROVED,
    )
    application.reference = f"AO-2026-{application.id:04d}"
    award = make_award(session, application=application, amount_pence=300_000, status=status)
    grant_round.committed_pence = 300_000
    session.flush()
    return award, member


def test_payments_in_instalments_then_the_award_is_paid(session: Session, officer: User) -> None:
    award, member = live_award(session)
    first = payments.plan_payment(session, award, by=officer, amount_pence=200_000, due_on=date(2027, 1, 10))
    second = payments.plan_payment(session, award, by=officer, amount_pence=100_000, due_on=date(2027, 6, 10))
    with pytest.raises(DomainError, match="£0 is left to plan"):
        payments.plan_payment(session, award, by=officer, amount_pence=1, due_on=date(2027, 6, 10))
    with pytest.raises(DomainError, match="bank details"):
        payments.record_payment(session, first, by=officer, reference="BACS-1")
    bank_details.save_bank_details(session, award, bank_details.BankDetails("Group", "309457", "00733445"), by=member)
    with pytest.raises(DomainError, match="must be confirmed by finance"):
        payments.record_payment(session, first, by=officer, reference="BACS-1")
    confirm_bank_details(session, award)

    payments.record_payment(session, first, by=officer, reference="BACS-1")
    assert award.status is AwardStatus.ACCEPTED
    with pytest.raises(DomainError, match="already been recorded"):
        payments.record_payment(session, first, by=officer, reference="BACS-1")
    payments.record_payment(session, second, by=officer, reference="BACS-2")
    assert award.status is AwardStatus.PAID
    assert award.paid_pence() == 300_000


def test_cancelling_returns_the_unpaid_money(session: Session, officer: User) -> None:
    award, _ = live_award(session, AwardStatus.OFFERED)
    with pytest.raises(DomainError, match="Give the reason"):
        payments.cancel_award(session, award, by=officer, reason="")
    payments.cancel_award(session, award, by=officer, reason="The group has closed")
    assert award.status is AwardStatus.CANCELLED
    assert award.application.round.committed_pence == 0
    with pytest.raises(DomainError, match="Only a live award"):
        payments.cancel_award(session, award, by=officer, reason="Again")


def test_the_award_closes_once_its_report_is_accepted_and_its_money_paid(session: Session, officer: User) -> None:
    award, member = live_award(session, AwardStatus.ACCEPTED)
    report = make_report(session, award=award)
    bank_details.save_bank_details(session, award, bank_details.BankDetails("Group", "309457", "00733445"), by=member)
    confirm_bank_details(session, award)
    payment = payments.plan_payment(session, award, by=officer, amount_pence=300_000, due_on=date(2027, 1, 10))
    line_answers = {
        "what_happened": "Walks",
        "story": "June",
        "learned": "Lots",
        "people": "30",
        "spend": {"1": "3000"},
    }
    reports.save_report(session, report, line_answers, by=member)
    reports.submit_report(session, report, by=member)

    # Accepted with money still to pay: the award stays open.
    assert report_reviews.accept_report(session, report, by=officer, seen=1) is False
    assert (award.status, report.accepted_by_id) == (AwardStatus.ACCEPTED, officer.id)
    assert closing.may_close(award) is False

    # Paying the last of it finishes the award.
    payments.record_payment(session, payment, by=officer, reference="BACS-1")
    assert award.status is AwardStatus.CLOSED
    actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions[-3:] == [AuditAction.REPORT_ACCEPTED, AuditAction.PAYMENT_MADE, AuditAction.AWARD_CLOSED]


def test_a_paid_award_closes_when_its_last_report_is_accepted(session: Session, officer: User) -> None:
    award, member = live_award(session, AwardStatus.ACCEPTED)
    first, last = make_report(session, award=award), make_report(session, award=award)
    bank_details.save_bank_details(session, award, bank_details.BankDetails("Group", "309457", "00733445"), by=member)
    confirm_bank_details(session, award)
    payment = payments.plan_payment(session, award, by=officer, amount_pence=300_000, due_on=date(2027, 1, 10))
    payments.record_payment(session, payment, by=officer, reference="BACS-1")
    assert award.status is AwardStatus.PAID
    for report in (first, last):
        report.answers = {"what_happened": "Walks", "story": "June", "learned": "Lots", "people": "30"}
        report.people_reached, report.spent_pence, report.submitted_at, report.times_sent = 30, 100, utcnow(), 1
    session.flush()

    assert report_reviews.accept_report(session, first, by=officer, seen=1) is False
    assert award.status is AwardStatus.PAID
    assert report_reviews.accept_report(session, last, by=officer, seen=1) is True
    assert award.status is AwardStatus.CLOSED
