"""Copying a group's answers from its previous application: only its own, only into a new draft,
only the questions the new round asks too, never files, recordings or declarations."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.errors import DomainError
from portal.models.applications import Application, ApplicationStatus
from portal.models.audit import AuditAction, AuditEntry
from portal.models.users import User
from portal.services.applications import copying
from portal.storage import get_storage
from tests.apply.filling import fill_application
from tests.factories import make_application, make_organisation, make_round, make_user


@pytest.fixture
def member(session: Session) -> User:
    return make_user(session, email="amina@example.org")


@pytest.fixture
def last_year(app: Flask, session: Session, member: User) -> Application:
    group = make_organisation(session, name="Garston Shed", members=(member,))
    earlier = make_application(session, grant_round=make_round(session, slug="last-year"), organisation=group)
    fill_application(session, get_storage(), earlier)
    earlier.status = ApplicationStatus.DECLINED
    session.flush()
    return earlier


def new_draft(session: Session, last_year: Application) -> Application:
    return make_application(
        session, grant_round=make_round(session, slug="this-year"), organisation=last_year.organisation
    )


def test_answers_and_budget_are_copied_but_not_declarations_or_files(
    session: Session, member: User, last_year: Application
) -> None:
    draft = new_draft(session, last_year)
    assert copying.earlier_applications(session, draft) == [last_year]

    copied = copying.copy_answers(session, draft, last_year, by=member)

    assert "idea" in copied
    assert "budget" in copied
    assert draft.answers["idea"]["local_need"] == last_year.answers["idea"]["local_need"]
    assert draft.title == last_year.title
    assert [(line.item, line.amount_pence) for line in draft.budget_lines] == [
        (line.item, line.amount_pence) for line in last_year.budget_lines
    ]
    assert "declarations" not in draft.answers
    assert draft.evidence == []
    assert not any(name.endswith("__recording") for section in draft.answers.values() for name in section)
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == AuditAction.APPLICATION_ANSWERS_COPIED)).one()
    assert entry.actor_id == member.id


def test_another_groups_application_is_never_offered_or_copied(
    session: Session, member: User, last_year: Application
) -> None:
    other_group = make_organisation(session, name="Oxhey Choir", members=(make_user(session),))
    theirs = make_application(session, grant_round=make_round(session, slug="theirs"), organisation=other_group)
    theirs.answers = {"idea": {"summary": "Their idea"}}
    draft = new_draft(session, last_year)

    assert theirs not in copying.earlier_applications(session, draft)
    with pytest.raises(DomainError):
        copying.copy_answers(session, draft, theirs, by=member)
    assert draft.answers in ({}, None)


def test_a_draft_already_written_in_is_not_overwritten(session: Session, member: User, last_year: Application) -> None:
    draft = new_draft(session, last_year)
    draft.answers = {"idea": {"summary": "Started already"}}
    session.flush()

    assert copying.earlier_applications(session, draft) == []
    with pytest.raises(DomainError):
        copying.copy_answers(session, draft, last_year, by=member)
    assert draft.answers == {"idea": {"summary": "Started already"}}
