"""Applications, their budget lines, evidence and requests for more information."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, enum_column, utcnow

if TYPE_CHECKING:
    from portal.models.funding import Round
    from portal.models.organisations import Organisation
    from portal.models.users import User


class ApplicationStatus(enum.StrEnum):
    DRAFT = "draft"
    # A two-stage round's short first stage, sent and waiting for the shortlist.
    EOI_SUBMITTED = "eoi_submitted"
    SUBMITTED = "submitted"
    ELIGIBILITY_CHECK = "eligibility_check"
    MORE_INFO = "more_info"
    WITH_PANEL = "with_panel"
    SCORED = "scored"
    APPROVED = "approved"
    DECLINED = "declined"
    INELIGIBLE = "ineligible"
    WITHDRAWN = "withdrawn"


class ReferenceCounter(Base):
    """The last reference number issued for a prefix and year (AO-2026-0042)."""

    __tablename__ = "reference_counters"

    prefix: Mapped[str] = mapped_column(String(10), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    last_number: Mapped[int] = mapped_column(default=0)


class Application(Base):
    __tablename__ = "applications"
    __table_args__ = (
        CheckConstraint("amount_requested_pence >= 0", name="amount_not_negative"),
        # One application per group per round (a group continues its draft).
        UniqueConstraint("round_id", "organisation_id"),
        Index("ix_applications_round_status", "round_id", "status"),
        # The officers' list pages through a round in the order applications were sent.
        Index("ix_applications_round_submitted", "round_id", "submitted_at", "id"),
        # … and by reference and by amount (0028): each sort the list offers is read in order a page at a time.
        Index("ix_applications_round_reference", "round_id", "reference", "id"),
        Index("ix_applications_round_amount", "round_id", "amount_requested_pence", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Issued at submission; drafts have none yet.
    reference: Mapped[str | None] = mapped_column(String(20), unique=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="RESTRICT"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="RESTRICT"), index=True)
    status: Mapped[ApplicationStatus] = mapped_column(
        enum_column(ApplicationStatus, "application_status"), default=ApplicationStatus.DRAFT
    )
    title: Mapped[str] = mapped_column(String(200), default="")
    # Answers by section key, e.g. {"idea": {"summary": "…"}, "benefit": {…}}.
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    amount_requested_pence: Mapped[int] = mapped_column(default=0)
    # The language the group last wrote its answers in ("pl"), so readers' pages mark them with it.
    language: Mapped[str | None] = mapped_column(String(8))
    # How many times each section has been saved, e.g. {"idea": 3}: a save
    # made from an older copy of that section is stale and is refused.
    section_revisions: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    # Optimistic locking: every save bumps it; a stale save is refused.
    version: Mapped[int] = mapped_column(default=1)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The connector or officer who started the draft on the group's behalf (never shown to panels).
    helped_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    # The sections the helper changed last, so the group sees which answers it did not type itself.
    helper_sections: Mapped[list[str] | None] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None]
    # A two-stage round: when the expression of interest was sent, and when the group was
    # invited to the full application (the form then asks everything).
    eoi_submitted_at: Mapped[datetime | None]
    invited_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]
    # Why an officer found it not eligible, written for the group to read on its status page.
    ineligible_reason: Mapped[str | None] = mapped_column(Text)
    # Set when the retention job removed its answers and evidence.
    anonymised_at: Mapped[datetime | None]
    # Set when an officer ended reviewing with fewer reviews than the round asks
    # (a conflict or drop-out left nobody to assign), so it could be decided.
    reviews_closed_at: Mapped[datetime | None]
    reviews_closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reviews_closed_reason: Mapped[str | None] = mapped_column(Text)
    # When the group was reminded that its unsent draft closes in a week, and in a day
    # (``portal.services.applications.deadline_reminders``): each goes once.
    week_reminder_sent_at: Mapped[datetime | None]
    day_reminder_sent_at: Mapped[datetime | None]

    __mapper_args__ = {"version_id_col": version}

    round: Mapped[Round] = relationship()
    organisation: Mapped[Organisation] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    helped_by: Mapped[User | None] = relationship(foreign_keys=[helped_by_id])
    budget_lines: Mapped[list[BudgetLine]] = relationship(
        back_populates="application", cascade="all, delete-orphan", order_by="BudgetLine.position"
    )
    evidence: Mapped[list[Evidence]] = relationship(back_populates="application", order_by="Evidence.uploaded_at")
    info_requests: Mapped[list[InfoRequest]] = relationship(
        back_populates="application", order_by="InfoRequest.created_at"
    )

    def budget_total_pence(self) -> int:
        return sum(line.amount_pence for line in self.budget_lines)


class BudgetLine(Base):
    __tablename__ = "budget_lines"
    __table_args__ = (
        CheckConstraint("amount_pence >= 0", name="amount_not_negative"),
        UniqueConstraint("application_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"))
    position: Mapped[int]
    item: Mapped[str] = mapped_column(String(200))
    amount_pence: Mapped[int]

    application: Mapped[Application] = relationship(back_populates="budget_lines")


class EvidenceKind(enum.StrEnum):
    GOVERNING_DOCUMENT = "governing_document"
    BANK_STATEMENT = "bank_statement"
    SAFEGUARDING_POLICY = "safeguarding_policy"
    PHOTO = "photo"
    OTHER = "other"
    # A spoken or filmed answer to a long-text question (see portal/models/media.py).
    RECORDING = "recording"


class Evidence(Base):
    """An uploaded file. It belongs to exactly one organisation, application or report."""

    __tablename__ = "evidence"
    __table_args__ = (
        CheckConstraint(
            "(CASE WHEN organisation_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN application_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN report_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN info_request_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN message_id IS NULL THEN 0 ELSE 1 END) = 1",
            name="exactly_one_owner",
        ),
        CheckConstraint("size_bytes > 0", name="size_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    report_id: Mapped[int | None] = mapped_column(ForeignKey("monitoring_reports.id", ondelete="CASCADE"), index=True)
    info_request_id: Mapped[int | None] = mapped_column(ForeignKey("info_requests.id", ondelete="CASCADE"), index=True)
    # A file sent with a message in an award's thread.
    message_id: Mapped[int | None] = mapped_column(ForeignKey("award_messages.id", ondelete="CASCADE"), index=True)
    kind: Mapped[EvidenceKind] = mapped_column(enum_column(EvidenceKind, "evidence_kind"))
    original_filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(200), unique=True)
    # A small JPEG made from an image upload, stored beside it.
    thumbnail_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    # Who gave the file and when. A document reused in a later application is a copy that keeps
    # these, so its age (a bank statement's, say) shows wherever it is used.
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)

    application: Mapped[Application | None] = relationship(back_populates="evidence")
    uploaded_by: Mapped[User | None] = relationship()


class InfoRequest(Base):
    """An officer's question to the applicant, and the answer."""

    __tablename__ = "info_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    question: Mapped[str] = mapped_column(Text)
    asked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    answer: Mapped[str | None] = mapped_column(Text)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    answered_at: Mapped[datetime | None]

    application: Mapped[Application] = relationship(back_populates="info_requests")


class ApplicationNote(Base):
    """An officer's internal note on an application. Never shown to the group or the panel."""

    __tablename__ = "application_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author: Mapped[User | None] = relationship()


class GroupConfirmation(Base):
    """A request for the group to confirm a draft its helper filled: a single-use link token and a 6-digit
    code, both stored hashed, valid only while the application is at the version the group was asked about."""

    __tablename__ = "group_confirmations"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    application_version: Mapped[int]
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
