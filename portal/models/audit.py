"""The append-only audit log and the actions it records."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.models.base import Base, utcnow


class AuditAction(StrEnum):
    """What an audit entry says happened. The values are the words stored in
    ``audit_entries.action``: changing one orphans the rows already written."""

    ACCOUNT_CREATED = "account created"
    ACCOUNT_DEACTIVATED = "account deactivated"
    ACCOUNT_REACTIVATED = "account reactivated"
    ADMIN_ACCOUNT_SET_UP = "admin account set up"
    APPLICATION_ANONYMISED = "application anonymised"
    APPLICATION_ANSWERS_COPIED = "application answers copied"
    APPLICATION_CHANGED_ON_BEHALF = "application changed on behalf"
    APPLICATION_CONFIRMED_BY_GROUP = "application confirmed by group"
    GROUP_CONFIRMATION_REQUESTED = "group confirmation requested"
    APPLICATION_APPROVED = "application approved"
    APPLICATION_ASSIGNED = "application assigned"
    APPLICATION_DECLINED = "application declined"
    APPLICATION_EOI_SUBMITTED = "expression of interest submitted"
    APPLICATION_INVITED = "application invited in full"
    APPLICATION_MARKED_ELIGIBLE = "application marked eligible"
    APPLICATION_MARKED_INELIGIBLE = "application marked ineligible"
    APPLICATION_SCORED = "application scored"
    APPLICATION_STARTED = "application started"
    APPLICATION_SUBMITTED = "application submitted"
    APPLICATION_WITHDRAWN = "application withdrawn"
    APPLICATIONS_ASSIGNED_AUTOMATICALLY = "applications assigned automatically"
    APPLICATIONS_EXPORTED = "applications exported"
    APPROVAL_AWAITING_CONFIRMATION = "approval awaiting confirmation"
    # Written only by migration 0010, for reservations it released.
    APPROVAL_RELEASED = "approval released"
    APPROVAL_RETURNED = "approval returned"
    ASSIGNMENT_WITHDRAWN = "assignment withdrawn"
    AUDIT_LOG_EXPORTED = "audit log exported"
    AUTHENTICATOR_SECRET_ENCRYPTED = "authenticator secret encrypted"  # noqa: S105 (words, not a secret)
    AUTHENTICATOR_SET_UP = "authenticator set up"
    AWARD_MESSAGE_SENT = "award message sent"
    AWARD_ACCEPTED = "award accepted"
    AWARD_CANCELLED = "award cancelled"
    AWARD_CLOSED = "award closed"
    AWARD_OFFERED = "award offered"
    AWARD_REPORT_SCHEDULE_CHANGED = "award report schedule changed"
    AWARDS_CHOSEN_FOR_PUBLISHING = "awards chosen for publishing"
    AWARDS_EXPORTED = "awards exported"
    BROADCAST_SENT = "broadcast sent"
    BANK_DETAILS_ADDED = "bank details added"
    BANK_DETAILS_CHANGED = "bank details changed"
    BANK_DETAILS_CONFIRMED = "bank details confirmed"
    BANK_DETAILS_VIEWED = "bank details viewed"
    CONFLICT_DECLARED = "conflict declared"
    CONFLICT_ENDED = "conflict ended"
    CONFLICT_ENTERED_IN_THE_REGISTER = "conflict entered in the register"
    CONTACT_CHOICE_CHANGED = "contact choice changed"
    DEMO_DATA_LOADED = "demo data loaded"
    DEPRIVATION_DATA_IMPORTED = "deprivation data imported"
    EVENT_ATTENDANCE_MARKED = "event attendance marked"
    EVENT_BOOKED = "event booked"
    EVENT_BOOKING_CANCELLED = "event booking cancelled"
    EVENT_CANCELLED = "event cancelled"
    EVENT_CHANGED = "event changed"
    EVENT_CREATED = "event created"
    EVENT_PLACE_OFFERED = "event place offered"
    EVENT_PUBLISHED = "event published"
    EVENT_REGISTER_EXPORTED = "event register exported"
    EVIDENCE_DELETED = "evidence deleted"
    EVIDENCE_REUSED = "evidence reused"
    EVIDENCE_UPLOADED = "evidence uploaded"
    RECORDING_CONVERTED = "recording converted"
    RECORDING_CONVERSION_FAILED = "recording conversion failed"
    FINANCE_ACCOUNT_SET_UP = "finance account set up"
    FUNDER_LINKED = "funder linked"
    FUND_CHANGED = "fund changed"
    FUND_CREATED = "fund created"
    FUNDER_CHANGED = "funder changed"
    FUNDER_CREATED = "funder created"
    GROUP_CREATED = "group created"
    GROUP_DETAILS_CHANGED = "group details changed"
    MEMBER_ADDED = "member added"
    MEMBER_REMOVED = "member removed"
    MORE_INFORMATION_REQUESTED = "more information requested"
    MORE_INFORMATION_SENT = "more information sent"
    NEIGHBOURHOOD_CHANGED = "neighbourhood changed"
    NEIGHBOURHOOD_CREATED = "neighbourhood created"
    NEIGHBOURHOOD_REINSTATED = "neighbourhood reinstated"
    NEIGHBOURHOOD_RETIRED = "neighbourhood retired"
    NOTE_ADDED = "note added"
    OFFICER_ACCOUNT_SET_UP = "officer account set up"
    OLD_EMAILS_DELETED = "old emails deleted"
    OPEN_DATA_EXPORTED = "open data exported"
    ORPHAN_FILES_REMOVED = "orphan files removed"
    PANEL_CREATED = "panel created"
    PANEL_MEMBER_INVITED = "panel member invited"
    PANEL_MEMBER_LEFT = "panel member left"
    PANEL_ONBOARDING_COMPLETED = "panel onboarding completed"
    PANEL_RESULTS_SEEN = "panel results seen"
    PANEL_TIME_EXPORTED = "panel time exported"
    PANEL_TIME_PAID = "panel time paid"
    PASSWORD_LINK_SENT = "password link sent"  # noqa: S105  (an audit action, not a password)
    PASSWORD_SET = "password set"  # noqa: S105  (an audit action, not a password)
    PAYMENT_MADE = "payment made"
    PAYMENT_PLANNED = "payment planned"
    PAYMENTS_EXPORTED = "payments exported"
    PERSON_ERASED = "person erased"
    PERSONAL_DATA_EXPORTED = "personal data exported"
    POSTCODE_LOOKUP_IMPORTED = "postcode lookup imported"
    REFERENCE_DATA_IMPORT_FAILED = "reference data import failed"
    REFERENCE_DATA_UPLOADED = "reference data uploaded"
    PAYING_ACCOUNT_CHANGED = "paying account changed"
    PAYMENT_RUN_APPROVED = "payment run approved"
    PAYMENT_RUN_CANCELLED = "payment run cancelled"
    PAYMENT_RUN_CREATED = "payment run created"
    PAYMENT_RUN_DOWNLOADED = "payment run bank file downloaded"
    PAYMENT_RUN_PAID = "payment run paid"
    REPORT_ACCEPTED = "report accepted"
    REPORT_CHANGES_REQUESTED = "report changes requested"
    # Written before reports were accepted or sent back; kept so those rows still read.
    REPORT_READ = "report read"
    REPORT_SCHEDULE_CHANGED = "report schedule changed"
    REPORT_SUBMITTED = "report submitted"
    RESERVED_MONEY_RELEASED = "reserved money released"
    PROGRAMME_SETTINGS_CHANGED = "programme settings changed"
    RESOURCE_ADDED = "resource added"
    RESOURCE_REMOVED = "resource removed"
    REVIEW_SUBMITTED = "review submitted"
    REVIEWING_CLOSED = "reviewing closed"
    ROLE_GRANTED = "role granted"
    ROLE_REVOKED = "role revoked"
    ROUND_CHANGED = "round changed"
    ROUND_CREATED = "round created"
    ROUND_FUNDERS_CHANGED = "round funders changed"
    ROUND_DOCUMENTS_CHANGED = "round required documents changed"
    ROUND_QUESTION_ADDED = "round question added"
    ROUND_STAGES_CHANGED = "round stages changed"
    ROUND_QUESTION_CHANGED = "round question changed"
    ROUND_QUESTION_MOVED = "round question moved"
    ROUND_QUESTION_REMOVED = "round question removed"
    ROUND_SECTION_ADDED = "round section added"
    ROUND_SECTION_CHANGED = "round section changed"
    ROUND_SECTION_MOVED = "round section moved"
    ROUND_SECTION_REMOVED = "round section removed"
    ROUND_DECLINE_REASONS_CHANGED = "round decline reasons changed"
    ROUND_ELIGIBILITY_CHANGED = "round eligibility changed"
    ROUND_SCORING_CHANGED = "round scoring changed"
    SCORE_MODERATED = "score moderated"
    SESSIONS_ENDED = "sessions ended"
    SIGN_IN_ATTEMPTS_ALERT = "sign-in attempts alert"
    SIGN_IN_CODE_REFUSED = "sign-in code refused"
    SIGNED_IN = "signed in"
    SIGNED_OUT = "signed out"
    STAFF_SIGN_IN_REFUSED = "staff sign-in refused"


class AuditEntry(Base):
    """Who did what to which object, and when. Never updated or deleted."""

    __tablename__ = "audit_entries"
    __table_args__ = (
        Index("ix_audit_entries_object", "object_type", "object_id"),
        # The log pages newest first, a page after the last entry shown (0028).
        Index("ix_audit_entries_created_id", "created_at", "id"),
        Index("ix_audit_entries_action_created", "action", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    action: Mapped[str] = mapped_column(String(60), index=True)
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int | None]
    summary: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
