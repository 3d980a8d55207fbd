"""A person's UK GDPR right of access: a copy of their own data."""

from __future__ import annotations

import io
import json
import re
import shutil
import zipfile
from datetime import date, datetime
from typing import Any, BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models.applications import Application, Evidence, InfoRequest
from portal.models.audit import AuditAction, AuditEntry
from portal.models.awards import Award, MonitoringReport
from portal.models.base import utcnow
from portal.models.events import Registration
from portal.models.organisations import Membership, Organisation
from portal.models.outbox import Channel, OutboxMessage
from portal.models.panels import ConflictDeclaration, Review, TimeEntry
from portal.models.users import User, UserSession
from portal.services.applications.organisations import group_ids_of
from portal.services.audit import record
from portal.storage.base import Storage
from portal.storage.download import download_filename

ERASED = "[erased]"
ERASED_NAME = "Erased person"
# A name or phone shorter than this is too likely to appear inside other words.
MIN_NEEDLE_LENGTH = 3


def tombstone_email(user_id: int) -> str:
    """The unique address an erased account keeps (``.invalid`` can never receive mail)."""
    return f"erased-{user_id}@invalid"


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
        "person": _row(
            user, "id", "email", "name", "phone", "contact_by_text", "created_at", "last_sign_in_at", "active"
        )
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
        "texts_sent_to_you": [
            _row(message, "to", "body", "created_at", "sent_at")
            for message in session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.channel == Channel.TEXT, OutboxMessage.to == (user.phone or ""))
                .order_by(OutboxMessage.id)
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
