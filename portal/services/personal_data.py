"""A person's UK GDPR rights: a copy of their own data, and erasure by an administrator.

``write_export`` writes one person's data (``data.json`` and the files they
uploaded) as a zip to a file the caller provides, streaming each stored file
through, so nothing is held whole in memory. ``erase_person`` replaces their
personal details everywhere the portal holds them, keeping awards and
payments (the group and the amounts) for the financial records.

Operations write the audit entry and flush; they never commit (STYLE §4).
"""

from __future__ import annotations

import io
import json
import re
import shutil
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, BinaryIO

from sqlalchemy import JSON, Enum, String, Text, delete, func, or_, select, update
from sqlalchemy.orm import Session

from portal.database import rowcount
from portal.errors import DomainError
from portal.models.applications import Application, Evidence, InfoRequest
from portal.models.audit import AuditAction, AuditEntry, OutboxMessage
from portal.models.awards import Award, AwardStatus, MonitoringReport
from portal.models.base import Base, utcnow
from portal.models.events import Registration
from portal.models.organisations import Membership, Organisation
from portal.models.panels import ConflictDeclaration, Review, TimeEntry
from portal.models.users import SignInRequest, User, UserSession
from portal.services.audit import record
from portal.services.evidence import owning_organisation_id
from portal.services.organisations import group_ids_of
from portal.storage.base import Storage
from portal.storage.download import download_filename

ERASED = "[erased]"
ERASED_NAME = "Erased person"
# A name or phone shorter than this is too likely to appear inside other words.
MIN_NEEDLE_LENGTH = 3


def tombstone_email(user_id: int) -> str:
    """The unique address an erased account keeps (``.invalid`` can never receive mail)."""
    return f"erased-{user_id}@invalid"


# Export.


def _value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if hasattr(value, "value") and not isinstance(value, int | str):  # an Enum
        return value.value
    return value


def _row(obj: object, *names: str) -> dict[str, Any]:
    return {name: _value(getattr(obj, name)) for name in names}


def _organisation_ids(session: Session, user: User) -> list[int]:
    return list(session.scalars(group_ids_of(user)))


def collect_data(session: Session, user: User) -> dict[str, Any]:
    """Everything the portal holds about ``user`` that ``user`` may see, as plain JSON values."""
    organisation_ids = _organisation_ids(session, user)
    organisations = session.scalars(
        select(Organisation).where(Organisation.id.in_(organisation_ids)).order_by(Organisation.id)
    )
    applications = list(
        session.scalars(
            select(Application).where(Application.organisation_id.in_(organisation_ids)).order_by(Application.id)
        )
    )
    reviews = session.scalars(select(Review).where(Review.panellist_id == user.id).order_by(Review.id))
    return {
        "exported_at": _value(utcnow()),
        "person": _row(user, "id", "email", "name", "phone", "created_at", "last_sign_in_at", "active")
        | {"roles": sorted(role.value for role in user.roles)},
        "memberships": [
            _row(membership, "organisation_id", "created_at")
            for membership in session.scalars(select(Membership).where(Membership.user_id == user.id))
        ],
        "organisations": [
            _row(
                organisation,
                "id",
                "name",
                "kind",
                "charity_number",
                "company_number",
                "address",
                "postcode",
                "income_band",
                "contact_name",
                "contact_email",
                "contact_phone",
                "money_holders",
                "partner_organisation",
                "created_at",
            )
            for organisation in organisations
        ],
        "applications": [_application(application) for application in applications],
        "awards_accepted": [
            _row(award, "id", "application_id", "amount_pence", "status", "accepted_at", "accepted_name")
            for award in session.scalars(select(Award).where(Award.accepted_by_id == user.id).order_by(Award.id))
        ],
        "monitoring_reports_submitted": [
            _row(report, "id", "award_id", "due_on", "answers", "people_reached", "spent_pence", "submitted_at")
            for report in session.scalars(
                select(MonitoringReport)
                .where(MonitoringReport.submitted_by_id == user.id)
                .order_by(MonitoringReport.id)
            )
        ],
        "reviews": [
            _row(review, "application_id", "recommendation", "comment", "submitted", "submitted_at")
            | {
                "scores": [
                    {"criterion": score.criterion.title, "value": score.value, "comment": score.comment}
                    for score in review.scores
                ]
            }
            for review in reviews
        ],
        "conflicts_declared": [
            _row(
                conflict,
                "organisation_id",
                "round_id",
                "application_id",
                "nature",
                "declared_at",
                "ended_at",
                "end_reason",
            )
            for conflict in session.scalars(
                select(ConflictDeclaration)
                .where(ConflictDeclaration.panellist_id == user.id)
                .order_by(ConflictDeclaration.id)
            )
        ],
        "time_entries": [
            _row(entry, "panel_id", "activity", "worked_on", "minutes", "note", "created_at", "paid_at")
            for entry in session.scalars(
                select(TimeEntry).where(TimeEntry.panellist_id == user.id).order_by(TimeEntry.id)
            )
        ],
        "info_requests_answered": [
            _row(info, "application_id", "question", "answer", "answered_at")
            for info in session.scalars(
                select(InfoRequest).where(InfoRequest.answered_by_id == user.id).order_by(InfoRequest.id)
            )
        ],
        "event_registrations": [
            _row(registration, "event_id", "attendee_name", "access_needs", "status", "created_at")
            | {"event": registration.event.title}
            for registration in session.scalars(
                select(Registration).where(Registration.user_id == user.id).order_by(Registration.id)
            )
        ],
        "files_uploaded": [
            _row(evidence, "id", "kind", "original_filename", "content_type", "size_bytes", "sha256", "uploaded_at")
            | {"file_in_this_zip": _zip_name(evidence)}
            for evidence in _uploaded(session, user)
        ],
        "audit_entries_as_actor": [
            _row(entry, "action", "object_type", "object_id", "summary", "created_at")
            for entry in session.scalars(
                select(AuditEntry).where(AuditEntry.actor_id == user.id).order_by(AuditEntry.id)
            )
        ],
        "sign_in_sessions": [
            _row(signed_in, "created_at", "last_seen_at", "revoked_at", "user_agent", "signed_in_with")
            for signed_in in session.scalars(
                select(UserSession).where(UserSession.user_id == user.id).order_by(UserSession.id)
            )
        ],
        "emails_sent_to_you": [
            _row(message, "subject", "body", "created_at", "sent_at")
            for message in session.scalars(
                select(OutboxMessage).where(OutboxMessage.to == user.email).order_by(OutboxMessage.id)
            )
        ],
    }


def _application(application: Application) -> dict[str, Any]:
    return _row(
        application,
        "id",
        "reference",
        "organisation_id",
        "status",
        "title",
        "answers",
        "amount_requested_pence",
        "created_at",
        "submitted_at",
        "decided_at",
    ) | {
        "round": application.round.title,
        "budget_lines": [{"item": line.item, "amount_pence": line.amount_pence} for line in application.budget_lines],
        "info_requests": [
            _row(info, "question", "created_at", "answer", "answered_at") for info in application.info_requests
        ],
    }


def _uploaded(session: Session, user: User) -> list[Evidence]:
    return list(session.scalars(select(Evidence).where(Evidence.uploaded_by_id == user.id).order_by(Evidence.id)))


def _zip_name(evidence: Evidence) -> str:
    # Built from the id and the name a download gets (its extension from the detected type, so
    # "statement.bat" holding a PDF is "statement.pdf"), with only the safe characters kept.
    named = download_filename(evidence.original_filename, evidence.content_type)
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", named).strip("-.") or "file"
    return f"files/{evidence.id}-{safe}"


def write_export(session: Session, storage: Storage, user: User, out: BinaryIO) -> int:
    """Write ``user``'s data as a zip to ``out``; return how many files it holds besides data.json.

    A file missing from storage is listed in ``data.json`` without its copy.
    """
    data = collect_data(session, user)
    files = 0
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open("data.json", "w") as raw, io.TextIOWrapper(raw, encoding="utf-8") as text:
            json.dump(data, text, ensure_ascii=False, indent=2)
        for evidence in _uploaded(session, user):
            try:
                source = storage.open(evidence.storage_key)
            except FileNotFoundError:
                continue
            with source, archive.open(_zip_name(evidence), "w", force_zip64=True) as target:
                shutil.copyfileobj(source, target, 64 * 1024)
            files += 1
    record(
        session,
        user,
        AuditAction.PERSONAL_DATA_EXPORTED,
        user,
        summary=f"A copy of their own data with {files} file(s)",
    )
    session.flush()
    return files


# Erasure.


@dataclass(frozen=True)
class ErasureResult:
    sessions_ended: int
    files_deleted: int
    rows_scrubbed: int


def _needles(user: User) -> list[str]:
    needles = [user.email.lower()]
    for value in (user.name, user.phone):
        if value and len(value.strip()) >= MIN_NEEDLE_LENGTH:
            needles.append(value.strip().lower())
    return needles


def _text_columns(skip_tables: Iterable[str] = ()) -> Iterator[tuple[Any, Any, bool]]:
    """(table, column, is_json) for every free-text or JSON column the models declare."""
    skipped = set(skip_tables)
    for table in Base.metadata.sorted_tables:
        if table.name in skipped:
            continue
        for column in table.columns:
            if column.primary_key or isinstance(column.type, Enum):
                continue
            if isinstance(column.type, String | Text):
                yield table, column, False
            elif isinstance(column.type, JSON):
                yield table, column, True


def _replace_in(value: Any, pattern: re.Pattern[str]) -> Any:
    if isinstance(value, str):
        return pattern.sub(ERASED, value)
    if isinstance(value, list):
        return [_replace_in(item, pattern) for item in value]
    if isinstance(value, dict):
        return {key: _replace_in(item, pattern) for key, item in value.items()}
    return value


def scrub_text(session: Session, needles: list[str], *, skip_tables: Iterable[str] = ()) -> int:
    """Replace every occurrence of ``needles`` (any case) in every text and JSON column; return rows changed."""
    pattern = re.compile("|".join(re.escape(needle) for needle in sorted(needles, key=len, reverse=True)), re.I)
    changed = 0
    for table, column, is_json in _text_columns(skip_tables):
        keys = list(table.primary_key.columns)
        query = select(*keys, column)
        if not is_json:
            query = query.where(or_(*(func.lower(column).contains(needle, autoescape=True) for needle in needles)))
        else:
            query = query.where(column.is_not(None))
        for row in session.execute(query).all():
            value = row[-1]
            new = _replace_in(value, pattern)
            if new == value:
                continue
            condition = [key == row[index] for index, key in enumerate(keys)]
            session.execute(update(table).where(*condition).values({column.name: new}))
            changed += 1
    return changed


def delete_files(session: Session, storage: Storage, actor: User | None, evidence: Iterable[Evidence], why: str) -> int:
    """Delete each file (and its thumbnail) from storage and its Evidence row; the audit
    entries name the file by id and kind only, never by its original name."""
    deleted = 0
    for item in list(evidence):
        keys = [item.storage_key] + ([item.thumbnail_key] if item.thumbnail_key else [])
        # Earlier entries about the file (its upload) name it: the name may name a person.
        for entry in session.scalars(
            select(AuditEntry).where(AuditEntry.object_type == "Evidence", AuditEntry.object_id == item.id)
        ):
            entry.summary = entry.summary.replace(item.original_filename, ERASED)
        record(session, actor, AuditAction.EVIDENCE_DELETED, item, summary=f"{item.kind.value} file, {why}")
        session.delete(item)
        session.flush()
        for key in keys:
            storage.delete(key)
        deleted += 1
    return deleted


def _clear_bank_details(session: Session, organisation_ids: list[int]) -> int:
    """Drop the bank details of these groups' awards once nothing more is to be paid.

    An unconstituted group's account is often a person's own. While a
    payment is still due the details stay, or the grant could not be paid.
    """
    cleared = 0
    awards = session.scalars(
        select(Award)
        .join(Application, Application.id == Award.application_id)
        .where(Application.organisation_id.in_(organisation_ids), Award.bank_details_encrypted.is_not(None))
    )
    for award in awards:
        finished = award.status in (AwardStatus.CLOSED, AwardStatus.CANCELLED)
        all_paid = bool(award.payments) and all(payment.paid_at is not None for payment in award.payments)
        if finished or all_paid:
            award.bank_details_encrypted = None
            award.bank_account_last4 = None
            cleared += 1
    return cleared


def erase_person(session: Session, storage: Storage, actor: User | None, user: User) -> ErasureResult:
    """Replace ``user``'s personal details with neutral stand-ins everywhere the portal holds them.

    Awards, payments, applications and reviews stay (with their amounts and
    groups) for the financial and decision records; the account can no
    longer sign in. Files the person uploaded for a group they were the only
    member of are deleted. Erasing an erased person raises DomainError.
    """
    if actor is not None and actor.id == user.id:
        raise DomainError("You cannot erase your own account. Ask another administrator to do it.")
    session.execute(select(User.id).where(User.id == user.id).with_for_update())
    session.refresh(user)
    if user.erased_at is not None:
        raise DomainError("This person's details have already been erased.")
    needles = _needles(user)
    old_email = user.email

    organisation_ids = _organisation_ids(session, user)
    sole = [
        organisation_id
        for organisation_id in organisation_ids
        if session.scalar(select(func.count(Membership.id)).where(Membership.organisation_id == organisation_id)) == 1
    ]
    for organisation in session.scalars(select(Organisation).where(Organisation.id.in_(organisation_ids))):
        if organisation.id in sole:
            organisation.contact_name = organisation.contact_email = organisation.contact_phone = ""
            organisation.money_holders = ""
    bank_details_cleared = _clear_bank_details(session, sole)
    files = [
        evidence
        for evidence in _uploaded(session, user)
        if (owner := owning_organisation_id(session, evidence)) is None or owner in sole
    ]
    files_deleted = delete_files(session, storage, actor, files, "deleted with the person who uploaded it")

    sessions_ended = rowcount(
        session.execute(
            delete(UserSession).where(UserSession.user_id == user.id).execution_options(synchronize_session=False)
        )
    )
    session.execute(delete(SignInRequest).where(SignInRequest.email == old_email))
    session.execute(delete(OutboxMessage).where(OutboxMessage.to == old_email))
    session.execute(delete(Membership).where(Membership.user_id == user.id))
    session.execute(
        update(Registration)
        .where(Registration.user_id == user.id)
        .values(attendee_name=ERASED_NAME, access_needs="")
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(Award)
        .where(Award.accepted_by_id == user.id, Award.accepted_name.is_not(None))
        .values(accepted_name=ERASED_NAME)
        .execution_options(synchronize_session=False)
    )

    user.email = tombstone_email(user.id)
    user.name = ""
    user.phone = None
    user.password_hash = None
    user.totp_secret_encrypted = None
    user.totp_secret_unencrypted = None
    user.totp_last_step = None
    user.active = False
    user.role_grants.clear()
    user.erased_at = utcnow()
    session.flush()
    # Anything else that names them: answers, comments, notes, old audit summaries.
    rows_scrubbed = scrub_text(session, needles, skip_tables={"users"})
    record(
        session,
        actor,
        AuditAction.PERSON_ERASED,
        user,
        summary=(
            f"Personal details of person {user.id} replaced; {sessions_ended} session(s) ended, "
            f"{files_deleted} file(s) deleted, {bank_details_cleared} award(s) without bank details now, "
            f"{rows_scrubbed} other record(s) cleaned"
        ),
    )
    session.flush()
    # Core updates bypassed the identity map: read everything afresh.
    session.expire_all()
    return ErasureResult(int(sessions_ended or 0), files_deleted, rows_scrubbed)
