"""Officers' side of an award: the payment plan (an instalment may wait for a report), paying, and cancelling."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, exists, or_, select, update
from sqlalchemy.orm import Session

from portal.errors import DomainError
from portal.formatting import pounds
from portal.infra.database import rowcount
from portal.infra.i18n import _l, gettext
from portal.models.audit import AuditAction
from portal.models.awards import Award, AwardStatus, MonitoringReport, Payment
from portal.models.base import utcnow
from portal.models.reporting import ReportScheduleItem
from portal.models.users import User
from portal.services import audit
from portal.services.applications import organisations
from portal.services.awards import bank_confirmation, bank_details, budget_totals, closing, decisions
from portal.services.messages import notify
from portal.workflow import LIVE_AWARD_STATES, advance_award


def plan_payment(
    session: Session,
    award: Award,
    *,
    by: User,
    amount_pence: int,
    due_on: date,
    held_until: ReportScheduleItem | None = None,
) -> Payment:
    """Add an instalment; the plan can never add up to more than the award. ``held_until``: one of the
    award's reports, which must be accepted before this instalment is paid."""
    if award.status not in (AwardStatus.OFFERED, AwardStatus.ACCEPTED, AwardStatus.PAID):
        raise DomainError(gettext("Payments can only be planned for a live award."))
    if amount_pence <= 0:
        raise DomainError(gettext("Enter the amount of the payment"))
    planned = sum(p.amount_pence for p in award.payments)
    if planned + amount_pence > award.amount_pence:
        raise DomainError(
            gettext(
                "The payments would add up to more than the award: %(pounds)s is left to plan.",
                pounds=pounds(award.amount_pence - planned),
            )
        )
    if held_until is not None and held_until.award_id != award.id:
        raise DomainError(gettext("Choose one of this award's reports to hold the payment for."))
    payment = Payment(award=award, amount_pence=amount_pence, due_on=due_on, held_until=held_until)
    session.add(payment)
    session.flush()
    held = f", {held_message(held_until).lower()}" if held_until is not None else ""
    audit.record(
        session, by, AuditAction.PAYMENT_PLANNED, award, f"{pounds(amount_pence)} due {due_on.isoformat()}{held}"
    )
    session.flush()
    return payment


def payment_held_by(payment: Payment) -> ReportScheduleItem | None:
    """The report an unpaid instalment is waiting on (its schedule entry), or None when it may be paid."""
    item = payment.held_until
    if payment.paid_at is not None or item is None:
        return None
    if item.report is not None and item.report.accepted_at is not None:
        return None
    return item


def free_to_pay() -> ColumnElement[bool]:
    """``payment_held_by`` for a Payment row in a query: not held, or its report has been accepted."""
    accepted = (
        select(ReportScheduleItem.id)
        .join(MonitoringReport, MonitoringReport.id == ReportScheduleItem.report_id)
        .where(ReportScheduleItem.id == Payment.held_until_item_id, MonitoringReport.accepted_at.is_not(None))
    )
    return or_(Payment.held_until_item_id.is_(None), exists(accepted))


def held_message(item: ReportScheduleItem) -> str:
    """How a hold reads on the award page and in a refusal."""
    # The report's name as the officer wrote it: payments are for staff, who named it.
    return gettext("Held until the %(report)s is accepted", report=item.title)


def record_payment(session: Session, payment: Payment, *, by: User, reference: str) -> None:
    """Mark an instalment paid (once); when every instalment is paid the award is paid, and closes if its
    reports are all accepted."""
    award = payment.award
    # Read the award's state under lock: a change of details, or a cancellation, committed meanwhile holds
    # this payment.
    bank_details.lock_for_bank_details(session, award)
    if award.status not in (AwardStatus.ACCEPTED, AwardStatus.PAID, AwardStatus.REPORT_DUE):
        raise DomainError(gettext("Payments can be made once the group has accepted the award."))
    waiting_on = payment_held_by(payment)
    if waiting_on is not None:
        raise DomainError(
            gettext("This payment cannot be made yet. %(held_message)s.", held_message=held_message(waiting_on))
        )
    blocked = bank_confirmation.payment_blocked_reason(award)
    if blocked is not None:
        raise DomainError(blocked)
    if not reference.strip():
        raise DomainError(gettext("Enter the payment reference from the bank"))
    claimed = rowcount(
        session.execute(
            update(Payment)
            .where(Payment.id == payment.id, Payment.paid_at.is_(None))
            .values(paid_at=utcnow(), reference=reference.strip()[:100], paid_by_id=by.id)
            .execution_options(synchronize_session=False)
        )
    )
    if claimed != 1:
        raise DomainError(gettext("This payment has already been recorded."))
    budget_totals.payment_made(session, award, payment.amount_pence)
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
    closing.close_if_finished(session, award, by=by)


def cancel_award(session: Session, award: Award, *, by: User, reason: str) -> None:
    """Cancel a live award; its unpaid money goes back to the round's budget (and its figures on the budget
    page move from offered or accepted to what was spent on grants later cancelled)."""
    if not reason.strip():
        raise DomainError(gettext("Give the reason for cancelling"))
    # Hold the award's row and read it and its payments afresh: two officers cancelling at once cancel it
    # once, and a payment made meanwhile is counted as paid, not returned to the budget.
    bank_details.lock_for_bank_details(session, award)
    session.expire(award, ["payments"])
    if award.status not in LIVE_AWARD_STATES or award.status is AwardStatus.CLOSED:
        raise DomainError(gettext("Only a live award can be cancelled."))
    was = award.status
    advance_award(award, AwardStatus.CANCELLED)
    award.cancelled_at = utcnow()
    award.cancel_reason = reason.strip()[:2000]
    session.flush()
    paid = award.paid_pence()
    returned = award.amount_pence - paid
    decisions.release(session, award.application.round, returned)
    budget_totals.award_cancelled(session, award, was=was, paid_pence=paid)
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
            subject=_l("Your grant has been cancelled (%(reference)s)", reference=award.application.reference),
            template="award_cancelled",
            award=award,
        )
    session.flush()
