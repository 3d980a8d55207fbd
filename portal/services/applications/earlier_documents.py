"""Nothing typed twice: documents a group gave with an earlier application, offered in its next one.

Offered only to the group's own members (a community connector helps with one application, so
never sees the group's earlier files through it), only the group's own documents, only the
latest of each kind the application asks for and has not got yet, and never from an application
anonymised under the retention rules. Reusing stores a copy for the new application, so each
application's files are deleted with that application, and deleting one never removes the other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.errors import DomainError
from portal.infra.i18n import gettext
from portal.models.applications import Application, Evidence, EvidenceKind
from portal.models.base import utcnow
from portal.models.users import User
from portal.services.applications import evidence as evidence_rules
from portal.services.applications import helpers, organisations
from portal.services.files.uploads import copy_evidence
from portal.storage.base import Storage

REUSABLE = (EvidenceKind.GOVERNING_DOCUMENT, EvidenceKind.BANK_STATEMENT, EvidenceKind.SAFEGUARDING_POLICY)
# Groups are asked for "a statement from the last three months".
STATEMENT_CURRENT_FOR = timedelta(days=92)


@dataclass(frozen=True)
class EarlierDocument:
    """A document the group gave before, and the application it came with."""

    evidence: Evidence
    given_with: Application

    @property
    def given_at(self) -> datetime:
        return self.evidence.uploaded_at

    @property
    def out_of_date(self) -> bool:
        """A bank statement older than the three months groups are asked for."""
        return self.evidence.kind is EvidenceKind.BANK_STATEMENT and utcnow() - self.given_at > STATEMENT_CURRENT_FOR


def earlier_documents(session: Session, application: Application, *, by: User) -> dict[EvidenceKind, EarlierDocument]:
    """For each reusable kind ``application`` needs and has no file of yet, the group's latest
    document of that kind from its other applications; empty unless ``by`` may reuse them here."""
    if not evidence_rules.documents_editable(application) or not organisations.is_member(
        session, by, application.organisation_id
    ):
        return {}
    wanted = [
        need.kind for need in evidence_rules.evidence_needed(application) if need.kind in REUSABLE and not need.files
    ]
    if not wanted:
        return {}
    rows = session.execute(
        select(Evidence, Application)
        .join(Application, Evidence.application_id == Application.id)
        .where(
            Application.organisation_id == application.organisation_id,
            Application.id != application.id,
            Application.anonymised_at.is_(None),
            Evidence.kind.in_(wanted),
        )
        .order_by(Evidence.uploaded_at.desc(), Evidence.id.desc())
    )
    found: dict[EvidenceKind, EarlierDocument] = {}
    for evidence, given_with in rows:
        found.setdefault(evidence.kind, EarlierDocument(evidence, given_with))
    return found


def reuse_document(
    session: Session, storage: Storage, application: Application, evidence_id: int, *, by: User
) -> Evidence:
    """Add a copy of one of the documents ``earlier_documents`` offers to ``application``.

    Anything else (another group's file, a kind already given, a file ``by`` is not offered) is
    refused with DomainError, as is a document whose stored file has gone; StorageUnavailable
    propagates. Either way nothing is added.
    """
    evidence_rules.ensure_documents_editable(application)
    offer = next(
        (
            offer
            for offer in earlier_documents(session, application, by=by).values()
            if offer.evidence.id == evidence_id
        ),
        None,
    )
    if offer is None:
        raise DomainError(gettext("That document cannot be used here. Upload the file instead."))
    given_with = offer.given_with.reference or f"draft {offer.given_with.id}"
    try:
        copy = copy_evidence(
            session, storage, offer.evidence, by=by, application_id=application.id, why=f"given with {given_with}"
        )
    except FileNotFoundError:
        raise DomainError(gettext("We could not find that document any more. Upload it again instead.")) from None
    session.flush()
    session.expire(application, ["evidence"])
    helpers.note_change(session, application, "evidence", by=by)
    return copy
