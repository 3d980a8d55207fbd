"""Reusing a group's earlier documents: only its own, the latest of each kind, with their date, as a
copy of the stored file (on both backends) that outlives the original's deletion under retention."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.errors import DomainError
from portal.models.applications import Application, ApplicationStatus, Evidence, EvidenceKind
from portal.models.audit import AuditAction, AuditEntry
from portal.models.base import utcnow
from portal.models.users import Role, User
from portal.services.applications import earlier_documents, helpers
from portal.services.applications import evidence as evidence_rules
from portal.services.files.uploads import thumbnail_key
from portal.services.people import retention
from portal.storage.base import Storage
from tests.factories import make_application, make_evidence, make_organisation, make_round, make_user
from tests.storage.sample_files import make_jpeg, make_pdf

BANK = EvidenceKind.BANK_STATEMENT
GOVERNING = EvidenceKind.GOVERNING_DOCUMENT


@pytest.fixture
def member(session: Session) -> User:
    return make_user(session, email="amina@example.org")


@pytest.fixture
def last_year(session: Session, member: User) -> Application:
    group = make_organisation(session, name="Garston Shed", members=(member,))
    return make_application(
        session,
        grant_round=make_round(session, slug="last-year"),
        organisation=group,
        status=ApplicationStatus.DECLINED,
    )


@pytest.fixture
def draft(session: Session, last_year: Application) -> Application:
    return make_application(
        session, grant_round=make_round(session, slug="this-year"), organisation=last_year.organisation
    )


def another_groups_application(session: Session) -> Application:
    """An application another group sent to an earlier round, with a member of its own."""
    return make_application(
        session,
        grant_round=make_round(session),
        organisation=make_organisation(session, members=(make_user(session),)),
        status=ApplicationStatus.APPROVED,
    )


def given(
    session: Session, storage: Storage, application: Application, kind: EvidenceKind, filename: str, days_ago: int = 10
) -> Evidence:
    item = make_evidence(session, storage, kind=kind, filename=filename, application_id=application.id)
    item.uploaded_at = utcnow() - timedelta(days=days_ago)
    session.flush()
    return item


def test_the_latest_of_each_kind_the_application_needs_is_offered_with_its_date(
    session: Session, storage: Storage, member: User, last_year: Application, draft: Application
) -> None:
    older = make_application(
        session, grant_round=make_round(session), organisation=last_year.organisation, status=ApplicationStatus.APPROVED
    )
    given(session, storage, older, BANK, "statement-2024.pdf", days_ago=400)
    statement = given(session, storage, last_year, BANK, "statement-2025.pdf", days_ago=30)
    rules = given(session, storage, older, GOVERNING, "constitution.pdf", days_ago=400)
    given(session, storage, last_year, EvidenceKind.PHOTO, "hall.jpg")

    offered = earlier_documents.earlier_documents(session, draft, by=member)

    assert set(offered) == {BANK, GOVERNING}
    assert (offered[BANK].evidence, offered[BANK].given_with) == (statement, last_year)
    assert offered[BANK].given_at == statement.uploaded_at
    assert not offered[BANK].out_of_date
    assert offered[GOVERNING].evidence == rules


def test_a_statement_older_than_three_months_is_offered_as_out_of_date(
    session: Session, storage: Storage, member: User, last_year: Application, draft: Application
) -> None:
    given(session, storage, last_year, BANK, "statement.pdf", days_ago=100)

    assert earlier_documents.earlier_documents(session, draft, by=member)[BANK].out_of_date


def test_nothing_is_offered_from_another_group_an_anonymised_application_or_for_a_kind_already_given(
    session: Session, storage: Storage, member: User, last_year: Application, draft: Application
) -> None:
    theirs = another_groups_application(session)
    given(session, storage, theirs, BANK, "their-statement.pdf")
    given(session, storage, theirs, EvidenceKind.SAFEGUARDING_POLICY, "their-policy.pdf")
    given(session, storage, last_year, GOVERNING, "constitution.pdf")
    last_year.anonymised_at = utcnow()
    given(session, storage, draft, BANK, "new-statement.pdf", days_ago=0)

    assert earlier_documents.earlier_documents(session, draft, by=member) == {}


def test_a_connector_helping_the_group_is_offered_nothing_and_cannot_reuse(
    session: Session, storage: Storage, last_year: Application, draft: Application
) -> None:
    statement = given(session, storage, last_year, BANK, "statement.pdf")
    connector = make_user(session, roles=(Role.CONNECTOR,))
    draft.helped_by_id = connector.id
    session.flush()
    assert helpers.may_fill(session, connector, draft)

    assert earlier_documents.earlier_documents(session, draft, by=connector) == {}
    with pytest.raises(DomainError):
        earlier_documents.reuse_document(session, storage, draft, statement.id, by=connector)


def test_reusing_stores_a_copy_that_outlives_the_original(
    session: Session, storage: Storage, member: User, last_year: Application, draft: Application
) -> None:
    photo = make_evidence(
        session, storage, kind=BANK, filename="statement.jpg", content=make_jpeg(), application_id=last_year.id
    )
    photo.thumbnail_key = thumbnail_key(photo.storage_key)
    with storage.open(photo.storage_key) as original:
        storage.put(photo.thumbnail_key, original, "image/jpeg")

    copy = earlier_documents.reuse_document(session, storage, draft, photo.id, by=member)

    assert copy.application_id == draft.id
    assert copy.storage_key != photo.storage_key
    assert copy.thumbnail_key not in (None, photo.thumbnail_key)
    assert (copy.kind, copy.original_filename, copy.sha256, copy.uploaded_at) == (
        BANK,
        "statement.jpg",
        photo.sha256,
        photo.uploaded_at,
    )
    assert copy in draft.evidence
    assert BANK not in earlier_documents.earlier_documents(session, draft, by=member)
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == AuditAction.EVIDENCE_REUSED)).one()
    assert (entry.actor_id, entry.object_id) == (member.id, copy.id)
    assert f"given with {last_year.reference}" in entry.summary

    retention.anonymise_application(session, storage, last_year, months=84)

    assert session.get(Evidence, photo.id) is None
    assert not storage.exists(photo.storage_key)
    with storage.open(copy.storage_key) as kept:
        assert kept.read()[:3] == b"\xff\xd8\xff"
    assert storage.exists(copy.thumbnail_key or "")


def test_removing_the_copy_leaves_the_original(
    session: Session, storage: Storage, member: User, last_year: Application, draft: Application
) -> None:
    statement = given(session, storage, last_year, BANK, "statement.pdf")
    copy = earlier_documents.reuse_document(session, storage, draft, statement.id, by=member)

    evidence_rules.remove_evidence(session, storage, draft, copy, by=member)

    with storage.open(statement.storage_key) as kept:
        assert kept.read() == make_pdf()


def test_another_groups_document_is_refused_and_nothing_is_stored(
    session: Session, storage: Storage, member: User, draft: Application
) -> None:
    theirs = another_groups_application(session)
    statement = given(session, storage, theirs, BANK, "their-statement.pdf")

    with pytest.raises(DomainError, match="cannot be used here"):
        earlier_documents.reuse_document(session, storage, draft, statement.id, by=member)

    assert draft.evidence == []
    assert sorted(key for key, _ in storage.listing("evidence/")) == [statement.storage_key]


def test_a_document_whose_file_has_gone_is_refused_plainly(
    session: Session, storage: Storage, member: User, last_year: Application, draft: Application
) -> None:
    statement = given(session, storage, last_year, BANK, "statement.pdf")
    storage.delete(statement.storage_key)

    with pytest.raises(DomainError, match="could not find that document"):
        earlier_documents.reuse_document(session, storage, draft, statement.id, by=member)
    assert draft.evidence == []


def test_nothing_is_reused_into_a_sent_application(
    session: Session, storage: Storage, member: User, last_year: Application, draft: Application
) -> None:
    statement = given(session, storage, last_year, BANK, "statement.pdf")
    draft.status = ApplicationStatus.SUBMITTED

    assert earlier_documents.earlier_documents(session, draft, by=member) == {}
    with pytest.raises(DomainError, match="has been sent"):
        earlier_documents.reuse_document(session, storage, draft, statement.id, by=member)
