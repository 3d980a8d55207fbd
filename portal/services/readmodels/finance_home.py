"""What finance has to do: payments falling due, and bank details waiting to be confirmed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from portal.models.applications import Application
from portal.models.awards import Award, AwardStatus, Payment
from portal.services.payments import runs

# Awards that money can still go to.
PAYABLE = (AwardStatus.ACCEPTED, AwardStatus.PAID, AwardStatus.REPORT_DUE)
SHOWN = 50


@dataclass(frozen=True)
class DuePayment:
    award: Award
    amount_pence: int
    due_on: date
    blocked_reason: str | None


def due_payments(session: Session) -> list[DuePayment]:
    """Unpaid instalments of live awards, earliest first, each saying whether it may be paid now."""
    rows = session.scalars(
        select(Payment)
        .join(Award, Award.id == Payment.award_id)
        .where(Payment.paid_at.is_(None), Award.status.in_(PAYABLE))
        .options(joinedload(Payment.award).joinedload(Award.application).joinedload(Application.organisation))
        .order_by(Payment.due_on, Payment.id)
        .limit(SHOWN)
    ).all()
    return [DuePayment(p.award, p.amount_pence, p.due_on, runs.why_not_payable(p)) for p in rows]


def details_to_confirm(session: Session) -> list[Award]:
    """Live awards whose bank details are given but not confirmed; those on hold first."""
    return list(
        session.scalars(
            select(Award)
            .where(
                Award.status.in_(PAYABLE),
                Award.bank_details_encrypted.is_not(None),
                Award.bank_details_confirmed_at.is_(None),
            )
            .options(joinedload(Award.application).joinedload(Application.organisation))
            .order_by(Award.bank_details_on_hold_since.is_(None), Award.bank_details_added_at, Award.id)
            .limit(SHOWN)
        ).all()
    )
