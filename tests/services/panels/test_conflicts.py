"""The programme's conflict register: it holds in every round until ended, officers add and end entries,
and an entry takes the panellist's unfinished work on the group away."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.errors import DomainError
from portal.models.applications import Application, ApplicationStatus
from portal.models.audit import AuditEntry
from portal.models.base import utcnow
from portal.models.organisations import Organisation
from portal.models.outbox import OutboxMessage
from portal.models.panels import Assignment, ConflictDeclaration, Panel, Review
from portal.models.users import Role, User
from portal.services.panels import conflicts, membership
from tests.factories import (
    make_application,
    make_assignment,
    make_organisation,
    make_panel,
    make_review,
    make_round,
    make_user,
    set_programme,
)


def panel_of(session: Session, count: int, *, reviews: int = 1) -> tuple[Panel, list[User]]:
    people = [make_user(session, name=f"Member {i}", roles=(Role.PANELLIST,)) for i in range(count)]
    grant_round = make_round(session, reviews_per_application=reviews)
    return make_panel(session, grant_round=grant_round, members=people, onboarded=True), people


def with_panel(session: Session, panel: Panel, group: Organisation) -> Application:
    return make_application(session, grant_round=panel.round, organisation=group, status=ApplicationStatus.WITH_PANEL)


def assigned_to(session: Session, application: Application) -> set[int]:
    return set(session.scalars(select(Assignment.panellist_id).where(Assignment.application_id == application.id)))


def test_a_conflict_declared_in_one_round_holds_in_the_next(session: Session, officer: User) -> None:
    group = make_organisation(session)
    last_year = make_round(session)
    panel, [june, ravi] = panel_of(session, 2)
    session.add(ConflictDeclaration(panellist_id=june.id, organisation_id=group.id, round_id=last_year.id))
    session.flush()
    application = with_panel(session, panel, group)

    with pytest.raises(DomainError, match="conflict"):
        membership.assign(session, panel, application, june, by=officer)
    membership.assign_automatically(session, panel, by=officer)
    assert assigned_to(session, application) == {ravi.id}


def test_an_ended_entry_no_longer_holds(session: Session, officer: User) -> None:
    group = make_organisation(session)
    panel, [june] = panel_of(session, 1)
    entry = ConflictDeclaration(panellist_id=june.id, organisation_id=group.id)
    session.add(entry)
    session.flush()
    with pytest.raises(DomainError, match="Give the reason"):
        conflicts.end_entry(session, entry, by=officer, reason=" ")

    conflicts.end_entry(session, entry, by=officer, reason="She left the group's committee in 2025")

    assert (entry.ended_by_id, entry.end_reason) == (officer.id, "She left the group's committee in 2025")
    application = with_panel(session, panel, group)
    assert membership.assign(session, panel, application, june, by=officer).panellist_id == june.id
    ended = session.scalars(select(AuditEntry).where(AuditEntry.action == "conflict ended")).one()
    assert "committee" in ended.summary
    with pytest.raises(DomainError, match="already been ended"):
        conflicts.end_entry(session, entry, by=officer, reason="Again")


def test_an_officers_entry_before_assignment_is_avoided_from_the_start(session: Session, officer: User) -> None:
    group = make_organisation(session, name="Oxhey Pantry")
    panel, [june, ravi] = panel_of(session, 2)
    application = with_panel(session, panel, group)

    done = conflicts.add_entry(session, by=officer, panellist=june, organisation=group, reason="Her son volunteers")

    assert done.passed_on == []
    assert done.reviewed == []
    entry = session.scalars(select(ConflictDeclaration)).one()
    assert (entry.declared_by_id, entry.round_id, entry.nature) == (officer.id, None, "Her son volunteers")
    membership.assign_automatically(session, panel, by=officer)
    assert assigned_to(session, application) == {ravi.id}
    with pytest.raises(DomainError, match="already holds an open conflict"):
        conflicts.add_entry(session, by=officer, panellist=june, organisation=group, reason="Again")
    with pytest.raises(DomainError, match="Choose a panel member"):
        conflicts.add_entry(session, by=officer, panellist=officer, organisation=group, reason="Staff")


def test_an_officers_entry_takes_unfinished_work_away_and_keeps_submitted_reviews(
    session: Session, officer: User
) -> None:
    group = make_organisation(session)
    panel, [june, ravi, sam] = panel_of(session, 3, reviews=1)
    earlier, _ = panel_of(session, 0)
    # The group's application in an earlier round, which June has already reviewed.
    drafted, reviewed = with_panel(session, panel, group), with_panel(session, earlier, group)
    make_assignment(session, application=drafted, panellist=june, panel=panel)
    make_review(session, application=drafted, panellist=june)
    make_assignment(session, application=reviewed, panellist=june, panel=earlier)
    make_review(session, application=reviewed, panellist=june, submitted=True)

    done = conflicts.add_entry(session, by=officer, panellist=june, organisation=group, reason="Her cousin")

    [(application, replacement)] = done.passed_on
    assert application is drafted
    assert replacement is not None
    assert replacement.panellist_id in {ravi.id, sam.id}
    assert done.reviewed == [reviewed]
    assert assigned_to(session, drafted) == {replacement.panellist_id}
    assert june.id in assigned_to(session, reviewed)
    remaining = session.scalars(select(Review).where(Review.panellist_id == june.id)).all()
    assert [(r.application_id, r.submitted) for r in remaining] == [(reviewed.id, True)]
    withdrawn = session.scalars(select(AuditEntry).where(AuditEntry.action == "assignment withdrawn")).one()
    assert "draft review is removed" in withdrawn.summary


def test_a_late_declaration_withdraws_the_draft_and_tells_the_officers(
    app: Flask, session: Session, officer: User
) -> None:
    set_programme(session, contact_email="grants@example.org")
    group = make_organisation(session)
    panel, [june, ravi] = panel_of(session, 2)
    application = with_panel(session, panel, group)
    assignment = membership.assign(session, panel, application, june, by=officer)
    assignment.no_conflict_confirmed_at = utcnow()  # they said "no" at first
    make_review(session, application=application, panellist=june)

    replacement = conflicts.declare_conflict(session, assignment, by=june, nature="I realised I know the treasurer")

    assert replacement is not None
    assert replacement.panellist_id == ravi.id
    assert session.scalars(select(Review).where(Review.panellist_id == june.id)).all() == []
    entry = session.scalars(select(ConflictDeclaration)).one()
    assert (entry.declared_by_id, entry.round_id, entry.application_id) == (june.id, panel.round_id, application.id)
    told = session.scalars(select(OutboxMessage).where(OutboxMessage.to == "grants@example.org")).one()
    assert "declared a conflict of interest" in told.body


def test_a_conflict_cannot_be_declared_here_once_the_review_is_in(app: Flask, session: Session, officer: User) -> None:
    set_programme(session, contact_email="grants@example.org")
    panel, [june, _] = panel_of(session, 2)
    application = with_panel(session, panel, make_organisation(session))
    assignment = membership.assign(session, panel, application, june, by=officer)
    make_review(session, application=application, panellist=june, submitted=True)

    assert conflicts.can_declare_late(session, assignment) is False
    with pytest.raises(DomainError, match=r"grants@example\.org"):
        conflicts.declare_conflict(session, assignment, by=june, nature="")
    assert session.scalars(select(ConflictDeclaration)).all() == []


def test_the_register_lists_open_then_ended_entries(session: Session, officer: User) -> None:
    _, [june, ravi] = panel_of(session, 2)
    first, second = make_organisation(session), make_organisation(session)
    conflicts.add_entry(session, by=officer, panellist=june, organisation=first, reason="Chair")
    conflicts.add_entry(session, by=officer, panellist=ravi, organisation=second, reason="Neighbour")
    ended = session.scalars(select(ConflictDeclaration).where(ConflictDeclaration.panellist_id == ravi.id)).one()
    conflicts.end_entry(session, ended, by=officer, reason="Moved away")

    register = conflicts.register(session)
    assert [e.panellist_id for e in register.open] == [june.id]
    assert [e.panellist_id for e in register.ended] == [ravi.id]
    assert [e.panellist_id for e in conflicts.register(session, panellist_ids=[ravi.id]).open] == []
    assert {u.id for u in conflicts.panellists(session)} == {june.id, ravi.id}
