"""The documents a round requires: the standing rules until an officer ticks others; used by the
documents section's status and so by the check before sending."""

from __future__ import annotations

from sqlalchemy.orm import Session

from portal.models.applications import Application, EvidenceKind
from portal.models.users import User
from portal.services.applications import evidence as evidence_rules
from portal.services.applications import form as form_rules
from portal.services.rounds import documents
from portal.storage import get_storage
from tests.factories import make_application, make_evidence, make_organisation, make_round


def needs(application: Application) -> dict[EvidenceKind, bool]:
    return {need.kind: need.required for need in evidence_rules.evidence_needed(application)}


def test_a_round_follows_the_standing_rules_until_its_documents_are_set(session: Session, officer: User) -> None:
    grant_round = make_round(session)
    application = make_application(session, grant_round=grant_round, organisation=make_organisation(session))
    assert documents.required_kinds(grant_round) == {EvidenceKind.GOVERNING_DOCUMENT, EvidenceKind.BANK_STATEMENT}
    assert needs(application) == {
        EvidenceKind.GOVERNING_DOCUMENT: True,
        EvidenceKind.BANK_STATEMENT: True,
        EvidenceKind.PHOTO: False,
    }

    documents.set_required(session, grant_round, {EvidenceKind.BANK_STATEMENT, EvidenceKind.PHOTO}, by=officer)
    session.expire(application, ["evidence"])
    assert needs(application) == {
        EvidenceKind.GOVERNING_DOCUMENT: False,
        EvidenceKind.BANK_STATEMENT: True,
        EvidenceKind.PHOTO: True,
    }
    make_evidence(session, get_storage(), kind=EvidenceKind.BANK_STATEMENT, application_id=application.id)
    session.expire(application, ["evidence"])
    # Photos are now required: the section (and so sending) waits for one.
    assert form_rules.section_status(application, "evidence") is form_rules.IN_PROGRESS
    assert form_rules.section_problems(application, "evidence") == {"evidence-0": "Upload your photos"}
    make_evidence(session, get_storage(), kind=EvidenceKind.PHOTO, application_id=application.id)
    session.expire(application, ["evidence"])
    assert form_rules.section_status(application, "evidence") is form_rules.COMPLETED


def test_a_safeguarding_policy_is_always_required_from_projects_with_people_at_risk(
    session: Session, officer: User
) -> None:
    grant_round = make_round(session)
    documents.set_required(session, grant_round, set(), by=officer)
    application = make_application(session, grant_round=grant_round, organisation=make_organisation(session))
    assert set(needs(application).values()) == {False}
    application.answers = {"benefit": {"at_risk": "yes"}}
    assert needs(application)[EvidenceKind.SAFEGUARDING_POLICY] is True
    documents.set_required(session, grant_round, {EvidenceKind.SAFEGUARDING_POLICY}, by=officer)
    application.answers = {}
    assert needs(application)[EvidenceKind.SAFEGUARDING_POLICY] is True
