"""Decisions, awards, payments and end-of-grant monitoring reports."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, enum_column, utcnow

if TYPE_CHECKING:
    from portal.models.applications import Application
    from portal.models.payment_runs import PaymentRun
    from portal.models.reporting import ReportScheduleItem
    from portal.models.users import User


class DecisionOutcome(enum.StrEnum):
    APPROVE = "approve"
    DECLINE = "decline"


class Decision(Base):
    __tablename__ = "decisions"
    __table_args__ = (
        CheckConstraint("amount_pence IS NULL OR amount_pence > 0", name="amount_positive"),
        CheckConstraint(
            "second_approver_id IS NULL OR second_approver_id <> decided_by_id",
            name="second_approver_differs",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), unique=True)
    outcome: Mapped[DecisionOutcome] = mapped_column(enum_column(DecisionOutcome, "decision_outcome"))
    amount_pence: Mapped[int | None]
    # Plain-English reason codes chosen from a list, plus free text.
    reason_codes: Mapped[list[str]] = mapped_column(JSON, default=list)
    feedback: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)
    second_approver_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    second_approved_at: Mapped[datetime | None]
    # The group's neighbourhood when the officer approved (None: it had none). The budget counts an
    # approval and the award made from it here, whatever the group's neighbourhood becomes later.
    neighbourhood_id: Mapped[int | None] = mapped_column(ForeignKey("neighbourhoods.id", ondelete="RESTRICT"))

    application: Mapped[Application] = relationship()
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    second_approver: Mapped[User | None] = relationship(foreign_keys=[second_approver_id])


class ApprovalReturn(Base):
    """A second officer sent an approval back to the officer who made it; its money was released.

    The approval itself (a ``Decision``) is removed so the application can be decided again;
    this row keeps what was approved, by whom, and why it came back.
    """

    __tablename__ = "approval_returns"
    __table_args__ = (CheckConstraint("amount_pence > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    amount_pence: Mapped[int]
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    approved_at: Mapped[datetime]
    returned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    returned_at: Mapped[datetime] = mapped_column(default=utcnow)
    reason: Mapped[str] = mapped_column(Text)

    application: Mapped[Application] = relationship()
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])
    returned_by: Mapped[User | None] = relationship(foreign_keys=[returned_by_id])


class AwardStatus(enum.StrEnum):
    OFFERED = "offered"
    ACCEPTED = "accepted"
    PAID = "paid"
    REPORT_DUE = "report_due"
    CLOSED = "closed"
    CANCELLED = "cancelled"


class Award(Base):
    __tablename__ = "awards"
    __table_args__ = (
        CheckConstraint("amount_pence > 0", name="amount_positive"),
        Index("ix_awards_round_status", "round_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="RESTRICT"), unique=True)
    # Denormalised from the application so budget sums need no join.
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="RESTRICT"))
    amount_pence: Mapped[int]
    # Where the budget counts it: its approval's neighbourhood (``Decision.neighbourhood_id``), kept.
    neighbourhood_id: Mapped[int | None] = mapped_column(ForeignKey("neighbourhoods.id", ondelete="RESTRICT"))
    conditions: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[AwardStatus] = mapped_column(enum_column(AwardStatus, "award_status"), default=AwardStatus.OFFERED)
    offered_at: Mapped[datetime] = mapped_column(default=utcnow)
    accepted_at: Mapped[datetime | None]
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    accepted_name: Mapped[str | None] = mapped_column(String(200))
    report_due_on: Mapped[date | None]
    cancelled_at: Mapped[datetime | None]
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    # Bank details, encrypted with a key from the environment; never stored in clear.
    bank_details_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)
    bank_account_last4: Mapped[str | None] = mapped_column(String(4))
    bank_details_added_at: Mapped[datetime | None]
    # Who gave (or last changed) the details: they may not also confirm them.
    bank_details_entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # A second person in finance checked the details (against a bank statement, say); cleared by any change.
    bank_details_confirmed_at: Mapped[datetime | None]
    bank_details_confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Set when confirmed details were changed: payment waits until finance confirms them again.
    bank_details_on_hold_since: Mapped[datetime | None]
    # Chosen by an officer for the open-data (360Giving) file; only accepted awards qualify.
    published: Mapped[bool] = mapped_column(default=False)

    application: Mapped[Application] = relationship()
    accepted_by: Mapped[User | None] = relationship(foreign_keys=[accepted_by_id])
    bank_details_confirmed_by: Mapped[User | None] = relationship(foreign_keys=[bank_details_confirmed_by_id])
    payments: Mapped[list[Payment]] = relationship(
        back_populates="award", cascade="all, delete-orphan", order_by="Payment.due_on"
    )
    reports: Mapped[list[MonitoringReport]] = relationship(
        back_populates="award", order_by="(MonitoringReport.due_on, MonitoringReport.id)"
    )
    # The reports asked of this award (copied from the round's schedule at offer).
    schedule: Mapped[list[ReportScheduleItem]] = relationship(
        back_populates="award", cascade="all, delete-orphan", order_by="ReportScheduleItem.position"
    )

    def paid_pence(self) -> int:
        return sum(p.amount_pence for p in self.payments if p.paid_at is not None)


class Payment(Base):
    __tablename__ = "payments"
    __table_args__ = (CheckConstraint("amount_pence > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    award_id: Mapped[int] = mapped_column(ForeignKey("awards.id", ondelete="CASCADE"), index=True)
    amount_pence: Mapped[int]
    due_on: Mapped[date]
    paid_at: Mapped[datetime | None]
    reference: Mapped[str | None] = mapped_column(String(100))
    paid_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Not to be paid until this report is accepted. The schedule entry rather than the report itself,
    # because officers plan payments before the group accepts, when the reports do not exist yet.
    held_until_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("report_schedule_items.id", ondelete="SET NULL"), index=True
    )
    # The payment run that holds it: at most one at a time, kept once paid (its bank file paid it).
    run_id: Mapped[int | None] = mapped_column(ForeignKey("payment_runs.id", ondelete="SET NULL"), index=True)

    award: Mapped[Award] = relationship(back_populates="payments")
    held_until: Mapped[ReportScheduleItem | None] = relationship()
    run: Mapped[PaymentRun | None] = relationship(back_populates="payments")


class BudgetTotal(Base):
    """A round's money in one place, kept as running totals (``portal.services.awards.budget_totals``).

    One row per round and place: ``place_id`` is the neighbourhood the approvals and awards were
    recorded under (``Decision.neighbourhood_id``, ``Award.neighbourhood_id``), or 0 for those made
    for groups with no neighbourhood. Every operation that moves money adds to or takes from these
    figures in its own transaction; ``budget check`` compares them with a recomputation.
    """

    __tablename__ = "budget_totals"
    __table_args__ = (UniqueConstraint("round_id", "place_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    # A neighbourhood's id, or 0 (NOT NULL, so the pair is unique on every database); not a foreign key.
    place_id: Mapped[int]
    # Approved, waiting for a second officer.
    waiting_pence: Mapped[int] = mapped_column(default=0)
    # Offered, not yet accepted.
    offered_pence: Mapped[int] = mapped_column(default=0)
    # Accepted or further along (paid, report due, closed).
    accepted_pence: Mapped[int] = mapped_column(default=0)
    # Paid on those accepted awards: part of accepted_pence.
    paid_pence: Mapped[int] = mapped_column(default=0)
    # Paid on awards later cancelled: spent, so still held.
    cancelled_paid_pence: Mapped[int] = mapped_column(default=0)
    # Awards not cancelled.
    awards: Mapped[int] = mapped_column(default=0)


class MonitoringReport(Base):
    __tablename__ = "monitoring_reports"
    __table_args__ = (
        CheckConstraint("people_reached IS NULL OR people_reached >= 0", name="people_not_negative"),
        CheckConstraint("spent_pence IS NULL OR spent_pence >= 0", name="spend_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    award_id: Mapped[int] = mapped_column(ForeignKey("awards.id", ondelete="CASCADE"), index=True)
    due_on: Mapped[date]
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    people_reached: Mapped[int | None]
    spent_pence: Mapped[int | None]
    submitted_at: Mapped[datetime | None]
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # How many times the group has sent it: a review form carries the number it was shown, so a
    # decision made on a page older than the report's latest sending is refused.
    times_sent: Mapped[int] = mapped_column(default=0, server_default="0")
    # Accepted by an officer: the report is final and locked.
    accepted_at: Mapped[datetime | None]
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The latest request for changes (what the group reads on its report page); the audit log keeps who
    # asked, and earlier requests.
    changes_requested_at: Mapped[datetime | None]
    changes_message: Mapped[str | None] = mapped_column(Text)
    # The group's consent: without it the story and photos never leave the group's record
    # (portal.services.outcomes.consent).
    share_story: Mapped[bool] = mapped_column(default=False, server_default=false())
    share_photos: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Each reminder is sent once, however often the reminder job runs.
    reminder_sent_at: Mapped[datetime | None]
    overdue_notice_sent_at: Mapped[datetime | None]

    award: Mapped[Award] = relationship(back_populates="reports")
    # The schedule entry whose questions this report asks (None only for a report made outside a schedule).
    schedule_item: Mapped[ReportScheduleItem | None] = relationship(back_populates="report")
