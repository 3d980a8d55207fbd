"""The documents page offers the group's earlier documents with their date; using one adds a copy."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.models.applications import Application, ApplicationStatus, Evidence, EvidenceKind
from portal.models.users import User
from portal.storage import get_storage
from tests.apply.test_evidence import DownStorage
from tests.factories import make_application, make_evidence, make_organisation, make_round
from tests.fixtures.databases import reread
from tests.fixtures.pages import page_text
from tests.services.applications.test_earlier_documents import another_groups_application

GIVEN_AT = datetime(2026, 11, 3, 10, 0, tzinfo=UTC)


@pytest.fixture
def statement(app: Flask, session: Session, member: User) -> Evidence:
    group = make_organisation(session, name="Garston Shed", members=(member,))
    earlier = make_application(
        session,
        grant_round=make_round(session, slug="last-year", title="Small grants 2026"),
        organisation=group,
        status=ApplicationStatus.DECLINED,
    )
    item = make_evidence(
        session, get_storage(), kind=EvidenceKind.BANK_STATEMENT, filename="statement.pdf", application_id=earlier.id
    )
    item.uploaded_at = GIVEN_AT
    session.commit()
    return item


@pytest.fixture
def draft(session: Session, statement: Evidence) -> Application:
    application = make_application(
        session,
        grant_round=make_round(session, slug="this-year"),
        organisation=statement.application.organisation,  # type: ignore[union-attr]
    )
    session.commit()
    return application


def evidence_count(session: Session) -> int:
    reread(session)
    return session.scalar(select(func.count(Evidence.id))) or 0


def reuse(client: FlaskClient, application: Application, evidence_id: int) -> Any:
    return client.post(f"/applications/{application.id}/evidence/reuse", data={"evidence_id": evidence_id})


def test_a_group_uses_last_years_bank_statement_again(
    signed_in: FlaskClient, session: Session, statement: Evidence, draft: Application
) -> None:
    page = page_text(signed_in.get(f"/applications/{draft.id}/evidence"))
    assert (
        "You gave us statement.pdf on Tuesday 3 November 2026, with your application to Small grants 2026. "
        "You can use it again instead of uploading a file."
    ) in page
    assert "Use it again (statement.pdf)" in page

    done = reuse(signed_in, draft, statement.id)
    assert done.headers["Location"] == f"/applications/{draft.id}/evidence"
    page = page_text(signed_in.get(done.headers["Location"]))
    assert "statement.pdf is added again." in page
    assert "You gave us statement.pdf" not in page
    reread(session)
    copy = session.scalars(select(Evidence).where(Evidence.application_id == draft.id)).one()
    assert (copy.kind, copy.uploaded_at) == (EvidenceKind.BANK_STATEMENT, GIVEN_AT)
    assert downloaded(signed_in, copy.id) == downloaded(signed_in, statement.id)


def downloaded(client: FlaskClient, evidence_id: int) -> bytes:
    response = client.get(f"/evidence/{evidence_id}")
    try:
        return response.get_data()
    finally:
        response.close()


def test_the_officer_reads_when_each_document_was_given(
    client: FlaskClient, session: Session, statement: Evidence, sign_in_as: Any, officer: User
) -> None:
    application = statement.application
    assert application is not None
    sign_in_as(client, officer)
    page = page_text(client.get(f"/officer/applications/{application.id}"))
    assert "statement.pdf (bank statement, given on Tuesday 3 November 2026)" in page


def test_another_groups_document_is_refused_with_a_message_and_nothing_is_stored(
    signed_in: FlaskClient, session: Session, draft: Application
) -> None:
    theirs = another_groups_application(session)
    their_statement = make_evidence(
        session, get_storage(), kind=EvidenceKind.BANK_STATEMENT, filename="theirs.pdf", application_id=theirs.id
    )
    session.commit()
    before = evidence_count(session)

    refused = reuse(signed_in, draft, their_statement.id)

    assert refused.status_code == 409
    assert "That document cannot be used here. Upload the file instead." in page_text(refused)
    assert "theirs.pdf" not in page_text(refused)
    assert evidence_count(session) == before


def test_a_storage_outage_stores_nothing_and_says_try_again(
    app: Flask, signed_in: FlaskClient, session: Session, statement: Evidence, draft: Application
) -> None:
    class NoCopies(DownStorage):
        def copy(self, *args: Any) -> Any:
            return self.put()

    app.extensions["portal.storage"] = NoCopies(app.extensions["portal.storage"])
    before = evidence_count(session)

    refused = reuse(signed_in, draft, statement.id)

    assert refused.status_code == 503
    assert "try again in a few minutes" in page_text(refused)
    assert evidence_count(session) == before
    assert "You gave us statement.pdf" in page_text(refused)
