"""Payment runs: instalments finance gathers to pay in one bank file, approved by a second person."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, enum_column, utcnow

if TYPE_CHECKING:
    from portal.models.awards import Payment
    from portal.models.users import User


class PaymentRunStatus(enum.StrEnum):
    # Being put together: payments can be added and taken out.
    DRAFT = "draft"
    # Checked by a second person: its bank file can be downloaded and sent to the bank.
    APPROVED = "approved"
    # The bank has confirmed it paid: every payment in it is recorded as paid.
    PAID = "paid"
    CANCELLED = "cancelled"


class PaymentRun(Base):
    __tablename__ = "payment_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    # "RUN-2026-0003": on every payment it paid, and the bank file's reference.
    reference: Mapped[str] = mapped_column(String(30), unique=True)
    status: Mapped[PaymentRunStatus] = mapped_column(
        enum_column(PaymentRunStatus, "payment_run_status"), default=PaymentRunStatus.DRAFT, index=True
    )
    # The day the bank is to pay (the Bacs processing date in the file).
    pay_on: Mapped[date]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    approved_at: Mapped[datetime | None]
    paid_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    paid_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]

    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])
    payments: Mapped[list[Payment]] = relationship(back_populates="run", order_by="Payment.id")

    def total_pence(self) -> int:
        return sum(payment.amount_pence for payment in self.payments)
