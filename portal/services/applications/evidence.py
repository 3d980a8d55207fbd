"""Which documents and photos an application needs, who may see a file, and adding or removing them.

Files are received and stored by ``services.uploads``; this module decides
what is needed and checks the rules around it.
"""

from __future__ import annotations

import contextlib
import io
import logging
from dataclasses import dataclass, field, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.errors import DomainError, StorageUnavailable
from portal.infra.i18n import _l, gettext
from portal.models.applications import Application, ApplicationStatus, Evidence, EvidenceKind, InfoRequest
from portal.models.awards import Award, MonitoringReport
from portal.models.messages import AwardMessage
from portal.models.users import Role, User
from portal.services.applications import helpers, organisations
from portal.services.applications.organisations import needs_governing_document
from portal.services.applications.section_status import SectionStatus
from portal.services.files import thumbnails
from portal.services.files.uploads import ReceivedFile, delete_evidence, store_evidence, thumbnail_key
from portal.services.panels import access
from portal.services.rounds import documents, stages
from portal.storage.base import Storage

log = logging.getLogger(__name__)

# What the group is told the panel will see; never contact details, bank statements or governing documents.
# A recording answers a question, so whoever reads the answers hears it.
PANEL_SEES = frozenset({EvidenceKind.PHOTO, EvidenceKind.RECORDING})
PANEL_SEES_HINT = _l("The panel that scores your application will see these.")

# What each kind of file is called where files are listed for staff.
KIND_NAMES = {
    EvidenceKind.GOVERNING_DOCUMENT: _l("governing document"),
    EvidenceKind.BANK_STATEMENT: _l("bank statement"),
    EvidenceKind.SAFEGUARDING_POLICY: _l("safeguarding policy"),
    EvidenceKind.PHOTO: _l("photo"),
    EvidenceKind.OTHER: _l("other file"),
    EvidenceKind.RECORDING: _l("recording"),
}

NOT_STARTED = SectionStatus.NOT_STARTED
IN_PROGRESS = SectionStatus.IN_PROGRESS
COMPLETED = SectionStatus.COMPLETED


@dataclass(frozen=True)
class EvidenceNeed:
    kind: EvidenceKind
    label: str
    hint: str
    required: bool
    files: list[Evidence] = field(default_factory=list)
    images_only: bool = False


def evidence_needed(application: Application) -> list[EvidenceNeed]:
    """What this application should include, with what is already uploaded."""
    organisation = application.organisation
    by_kind: dict[EvidenceKind, list[Evidence]] = {}
    for item in application.evidence:
        by_kind.setdefault(item.kind, []).append(item)
    required = documents.required_kinds(application.round)
    needs = []
    if needs_governing_document(organisation):
        needs.append(
            EvidenceNeed(
                EvidenceKind.GOVERNING_DOCUMENT,
                gettext("Governing document"),
                gettext("Your constitution, rules or articles: the document that says how your group is run."),
                required=EvidenceKind.GOVERNING_DOCUMENT in required,
                files=by_kind.get(EvidenceKind.GOVERNING_DOCUMENT, []),
            )
        )
    needs.append(
        EvidenceNeed(
            EvidenceKind.BANK_STATEMENT,
            gettext("Bank statement"),
            gettext("A statement from the last three months showing the account's name")
            + (
                gettext(". It can be your partner organisation's account.")
                if organisation.partner_organisation
                else gettext(", in your group's name.")
            )
            + gettext(" You can hide the transactions."),
            required=EvidenceKind.BANK_STATEMENT in required and not organisation.partner_organisation,
            files=by_kind.get(EvidenceKind.BANK_STATEMENT, []),
        )
    )
    at_risk = (application.answers or {}).get("benefit", {}).get("at_risk") == "yes"
    policy_asked = EvidenceKind.SAFEGUARDING_POLICY in required
    if at_risk or policy_asked or by_kind.get(EvidenceKind.SAFEGUARDING_POLICY):
        needs.append(
            EvidenceNeed(
                EvidenceKind.SAFEGUARDING_POLICY,
                gettext("Safeguarding policy"),
                gettext("Because your project works with children or adults at risk.")
                if at_risk
                else gettext("How your group keeps the people it works with safe."),
                required=at_risk or policy_asked,
                files=by_kind.get(EvidenceKind.SAFEGUARDING_POLICY, []),
            )
        )
    photos_asked = EvidenceKind.PHOTO in required
    needs.append(
        EvidenceNeed(
            EvidenceKind.PHOTO,
            gettext("Photos") if photos_asked else gettext("Photos (optional)"),
            gettext("Photos of your group's activities help the panel picture what you do."),
            required=photos_asked,
            files=by_kind.get(EvidenceKind.PHOTO, []),
            images_only=True,
        )
    )
    # Whatever the panel will see is said in the same words for every such kind.
    return [replace(need, hint=f"{need.hint} {PANEL_SEES_HINT}") if need.kind in PANEL_SEES else need for need in needs]


def panel_may_see(evidence: Evidence) -> bool:
    """A file the group sent with its application and was told the panel would see."""
    return evidence.application_id is not None and evidence.kind in PANEL_SEES


def shown_to_panel(application: Application) -> list[Evidence]:
    """The application's files that its panel members see, in the order they were added."""
    # Recordings are heard beside the questions they answer, not listed with the files.
    return sorted(
        (e for e in application.evidence if panel_may_see(e) and e.kind is not EvidenceKind.RECORDING),
        key=lambda e: e.id,
    )


def evidence_section_status(application: Application) -> SectionStatus:
    needs = evidence_needed(application)
    # A recording answers a question; it does not start the documents section.
    documents = [e for e in application.evidence if e.kind is not EvidenceKind.RECORDING]
    if all(need.files for need in needs if need.required):
        return COMPLETED if documents or not any(n.required for n in needs) else NOT_STARTED
    return IN_PROGRESS if documents else NOT_STARTED


def owning_organisation_id(session: Session, evidence: Evidence) -> int | None:
    if evidence.organisation_id is not None:
        return evidence.organisation_id
    if evidence.application_id is not None:
        return session.scalar(select(Application.organisation_id).where(Application.id == evidence.application_id))
    if evidence.info_request_id is not None:
        return session.scalar(
            select(Application.organisation_id)
            .join(InfoRequest, InfoRequest.application_id == Application.id)
            .where(InfoRequest.id == evidence.info_request_id)
        )
    if evidence.report_id is not None:
        return session.scalar(
            select(Application.organisation_id)
            .join(Award, Award.application_id == Application.id)
            .join(MonitoringReport, MonitoringReport.award_id == Award.id)
            .where(MonitoringReport.id == evidence.report_id)
        )
    if evidence.message_id is not None:
        return session.scalar(
            select(Application.organisation_id)
            .join(Award, Award.application_id == Application.id)
            .join(AwardMessage, AwardMessage.award_id == Award.id)
            .where(AwardMessage.id == evidence.message_id)
        )
    return None  # pragma: no cover - the database allows exactly one owner


def evidence_of(session: Session, application: Application, evidence_id: int) -> Evidence | None:
    """One of the application's own files (never another application's, whatever the id)."""
    found = session.get(Evidence, evidence_id)
    return found if found is not None and found.application_id == application.id else None


def visible_evidence(session: Session, evidence_id: int, *, by: User) -> Evidence | None:
    """The file, if ``by`` may see it (``can_see_evidence``); None whether it is hidden or missing."""
    found = session.get(Evidence, evidence_id)
    return found if found is not None and can_see_evidence(session, found, by=by) else None


def can_see_evidence(session: Session, evidence: Evidence, *, by: User) -> bool:
    """Officers; members of the group the file belongs to; and, for the files the group was told the
    panel would see, the panellists who may open that application."""
    if by.has_role(Role.OFFICER):
        return True
    organisation_id = owning_organisation_id(session, evidence)
    if organisation_id is not None and organisations.is_member(session, by, organisation_id):
        return True
    if evidence.application_id is not None:
        application = session.get(Application, evidence.application_id)
        if application is not None and helpers.may_fill(session, by, application):
            return True
    return (
        by.has_role(Role.PANELLIST)
        and panel_may_see(evidence)
        # panel_may_see() has checked that the file belongs to an application.
        and access.can_open_application(session, evidence.application_id, by=by)  # type: ignore[arg-type]
    )


def _why_documents_are_locked(application: Application) -> str | None:
    if application.status is not ApplicationStatus.DRAFT:
        return gettext("This application has been sent, so its documents can no longer be changed.")
    if not stages.open_for(application):
        return gettext("This round has closed, so documents can no longer be added or removed.")
    return None


def documents_editable(application: Application) -> bool:
    """Whether the group can still add or remove the application's documents."""
    return _why_documents_are_locked(application) is None


def ensure_documents_editable(application: Application) -> None:
    """Raise DomainError, saying why, unless ``documents_editable``."""
    if (why := _why_documents_are_locked(application)) is not None:
        raise DomainError(why)


def add_evidence(
    session: Session,
    storage: Storage,
    application: Application,
    received: ReceivedFile,
    kind: EvidenceKind,
    *,
    by: User,
) -> Evidence:
    """Store a file for the application, with a preview when it is a photo."""
    ensure_documents_editable(application)
    if kind is EvidenceKind.PHOTO and received.content_type not in thumbnails.IMAGE_TYPES:
        raise DomainError(gettext("Photos must be JPG, PNG or HEIC pictures"))
    preview = preview_of(received)
    evidence = store_evidence(session, storage, received, kind=kind, uploaded_by=by, application_id=application.id)
    attach_thumbnail(storage, evidence, preview)
    session.flush()
    helpers.note_change(session, application, "evidence", by=by)
    return evidence


def preview_of(received: ReceivedFile) -> bytes | None:
    """A thumbnail of an image upload, made before the file is handed to storage."""
    if received.content_type not in thumbnails.IMAGE_TYPES:
        return None
    received.file.seek(0)
    preview = thumbnails.make_thumbnail(received.file)
    received.file.seek(0)
    return preview


def attach_thumbnail(storage: Storage, evidence: Evidence, preview: bytes | None) -> None:
    """Best effort: a storage problem leaves the file without a preview."""
    if preview is None:
        return
    key = thumbnail_key(evidence.storage_key)
    with contextlib.suppress(StorageUnavailable):
        storage.put(key, io.BytesIO(preview), "image/jpeg")
        evidence.thumbnail_key = key


def remove_evidence(
    session: Session, storage: Storage, application: Application, evidence: Evidence, *, by: User
) -> None:
    ensure_documents_editable(application)
    if evidence.application_id != application.id:
        raise DomainError(gettext("That file is not part of this application."))
    thumbnail = evidence.thumbnail_key
    delete_evidence(session, storage, evidence, by=by)
    helpers.note_change(session, application, "evidence", by=by)
    if thumbnail:
        with contextlib.suppress(StorageUnavailable):
            storage.delete(thumbnail)


def discard_replaced_answer_file(
    session: Session, storage: Storage, application: Application, evidence_id: int, *, by: User
) -> None:
    """Remove the file a file question was answered with, now that a new file answers it.

    The application keeps only the files it answers with. If storage is down the row
    still goes (the answer no longer points at it) and the orphan sweep removes the
    stored object later, so a replaced file never blocks saving the new one.
    """
    replaced = evidence_of(session, application, evidence_id)
    if replaced is None:
        return
    key = replaced.storage_key
    try:
        remove_evidence(session, storage, application, replaced, by=by)
    except StorageUnavailable:
        log.warning("Stored object %s of a replaced answer file is left for the orphan sweep", key)
