"""Officers' side of an award: the payment plan, paying, cancelling and closing after the report."""

from __future__ import annotations

from datetime import date

from sqlalchemy import update
from sqlalchemy.orm import Session

from portal.errors import DomainError
from portal.formatting import pounds
from portal.infra.database import rowcount
from portal.models.audit import AuditAction
from portal.models.awards import Award, AwardStatus, MonitoringReport, Payment
from portal.models.base import utcnow
from portal.models.users import User
from portal.services import audit
from portal.services.applications import organisations
from portal.services.awards import bank_confirmation, bank_details, decisions
from portal.services.messages import notify
from portal.workflow import LIVE_AWARD_STATES, advance_award


def plan_payment(session: Session, award: Award, *, by: User, amount_pence: int, due_on: date) -> Payment:
    """Add an instalment; the plan can never add up to more than the award."""
    if award.status not in (AwardStatus.OFFERED, AwardStatus.ACCEPTED, AwardStatus.PAID):
        raise DomainError("Payments can only be planned for a live award.")
    if amount_pence <= 0:
        raise DomainError("Enter the amount of the payment")
    planned = sum(p.amount_pence for p in award.payments)
    if planned + amount_pence > award.amount_pence:
        raise DomainError(
            f"The payments would add up to more than the award: {pounds(award.amount_pence - planned)} is left to plan."
        )
    payment = Payment(award=award, amount_pence=amount_pence, due_on=due_on)
    session.add(payment)
    session.flush()
    audit.record(session, by, AuditAction.PAYMENT_PLANNED, award, f"{pounds(amount_pence)} due {due_on.isoformat()}")
    session.flush()
    return payment


def record_payment(session: Session, payment: Payment, *, by: User, reference: str) -> None:
    """Mark an instalment paid (once); when every instalment is paid the award is paid."""
    award = payment.award
    if award.status not in (AwardStatus.ACCEPTED, AwardStatus.PAID):
        raise DomainError("Payments can be made once the group has accepted the award.")
    # Read the details' state under lock: a change committed meanwhile holds this payment.
    bank_details.lock_for_bank_details(session, award)
    blocked = bank_confirmation.payment_blocked_reason(award)
    if blocked is not None:
        raise DomainError(blocked)
    if not reference.strip():
        raise DomainError("Enter the payment reference from the bank")
    claimed = rowcount(
        session.execute(
            update(Payment)
            .where(Payment.id == payment.id, Payment.paid_at.is_(None))
            .values(paid_at=utcnow(), reference=reference.strip()[:100], paid_by_id=by.id)
            .execution_options(synchronize_session=False)
        )
    )
    if claimed != 1:
        raise DomainError("This payment has already been recorded.")
    session.refresh(payment)
    session.refresh(award)
    audit.record(
        session,
        by,
        AuditAction.PAYMENT_MADE,
        payment,
        f"{pounds(payment.amount_pence)}, reference {payment.reference}",
    )
    if award.status is AwardStatus.ACCEPTED and award.paid_pence() >= award.amount_pence:
        advance_award(award, AwardStatus.PAID)
    session.flush()


def cancel_award(session: Session, award: Award, *, by: User, reason: str) -> None:
    """Cancel a live award; its unpaid money goes back to the round's budget."""
    if not reason.strip():
        raise DomainError("Give the reason for cancelling")
    if award.status not in LIVE_AWARD_STATES or award.status is AwardStatus.CLOSED:
        raise DomainError("Only a live award can be cancelled.")
    advance_award(award, AwardStatus.CANCELLED)
    award.cancelled_at = utcnow()
    award.cancel_reason = reason.strip()[:2000]
    session.flush()
    returned = award.amount_pence - award.paid_pence()
    decisions.release(session, award.application.round, returned)
    audit.record(
        session,
        by,
        AuditAction.AWARD_CANCELLED,
        award,
        f"{pounds(returned)} returned to the budget: {award.cancel_reason}",
    )
    for email in organisations.members_emails(session, award.application.organisation_id):
        notify.queue_email(
            session,
            to=email,
            subject=f"Your grant has been cancelled ({award.application.reference})",
            template="award_cancelled",
            award=award,
        )
    session.flush()


def all_reports_read(award: Award) -> bool:
    """Every report of the award has been sent and read: the award can close."""
    return bool(award.reports) and all(report.reviewed_at is not None for report in award.reports)


def close_after_report(session: Session, report: MonitoringReport, *, by: User) -> bool:
    """The officer has read one of the award's reports; once every report is read, the award is closed.
    True when this closed the award."""
    award = report.award
    if report.submitted_at is None:
        raise DomainError("The group has not sent this report yet.")
    if report.reviewed_at is not None:
        raise DomainError("This report has already been read.")
    report.reviewed_at = utcnow()
    report.reviewed_by_id = by.id
    if not all_reports_read(award):
        if award.status is AwardStatus.PAID:
            advance_award(award, AwardStatus.REPORT_DUE)
        audit.record(session, by, AuditAction.REPORT_READ, report, f"Report due {report.due_on:%-d %B %Y} read")
        session.flush()
        return False
    if award.status is AwardStatus.PAID:
        advance_award(award, AwardStatus.REPORT_DUE)
    advance_award(award, AwardStatus.CLOSED)
    audit.record(session, by, AuditAction.AWARD_CLOSED, award, "Every report read")
    session.flush()
    return True
