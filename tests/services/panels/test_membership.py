"""Panels: invitations, onboarding, the conflict register and fair assignment."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.errors import DomainError
from portal.models.applications import Application, ApplicationStatus
from portal.models.organisations import Membership
from portal.models.outbox import OutboxMessage
from portal.models.panels import Assignment, ConflictDeclaration, Panel, Review
from portal.models.users import Role, User
from portal.services.panels import access, conflicts, membership
from tests.factories import make_application, make_organisation, make_panel, make_round, make_user, set_programme


def panel_with(
    session: Session, count: int, applications: int, reviews: int = 2
) -> tuple[Panel, list[User], list[Application]]:
    grant_round = make_round(session, reviews_per_application=reviews)
    members = [make_user(session, name=f"Panellist {i}", roles=(Role.PANELLIST,)) for i in range(count)]
    panel = make_panel(session, grant_round=grant_round, members=members, onboarded=True)
    items = [
        make_application(
            session,
            grant_round=grant_round,
            organisation=make_organisation(session),
            status=ApplicationStatus.WITH_PANEL,
        )
        for _ in range(applications)
    ]
    return panel, members, items


def test_inviting_makes_or_joins_an_account_and_emails_the_link(session: Session, officer: User) -> None:
    panel = make_panel(session, grant_round=make_round(session))
    existing = make_user(session, email="june@example.org")
    member = membership.invite_member(session, panel, by=officer, email="June@Example.org", name="June")
    assert member.user is existing
    assert existing.has_role(Role.PANELLIST)
    fresh = membership.invite_member(session, panel, by=officer, email="ravi@example.org", name="Ravi")
    assert fresh.user.name == "Ravi"
    bodies = [m.body for m in session.scalars(select(OutboxMessage))]
    assert all(f"/panel/panels/{panel.id}/welcome" in body for body in bodies)
    with pytest.raises(DomainError, match="already on this panel"):
        membership.invite_member(session, panel, by=officer, email="ravi@example.org", name="Ravi")
    with pytest.raises(DomainError, match="Staff cannot"):
        membership.invite_member(session, panel, by=officer, email=officer.email, name="Me")


def test_onboarding_needs_the_agreement(session: Session) -> None:
    panel = make_panel(session, grant_round=make_round(session), members=[make_user(session)])
    member = panel.members[0]
    with pytest.raises(DomainError, match="Tick to agree"):
        membership.complete_onboarding(session, member, accepted=False, wants_payment=True)
    membership.complete_onboarding(session, member, accepted=True, wants_payment=False)
    assert member.onboarded_at is not None
    assert member.conflict_policy_accepted_at is not None
    assert member.wants_payment is False


def test_automatic_assignment_is_even_and_gives_each_its_reviews(session: Session, officer: User) -> None:
    panel, _, applications = panel_with(session, count=4, applications=6, reviews=2)
    made, short = membership.assign_automatically(session, panel, by=officer)
    assert (made, short) == (12, [])
    loads = session.execute(select(Assignment.panellist_id, func.count()).group_by(Assignment.panellist_id)).all()
    assert sorted(count for _, count in loads) == [3, 3, 3, 3]
    for application in applications:
        assert session.scalar(select(func.count()).where(Assignment.application_id == application.id)) == 2
    assert membership.assign_automatically(session, panel, by=officer) == (0, [])  # running it again changes nothing


def test_nobody_reviews_their_own_group_or_a_conflict(session: Session, officer: User) -> None:
    panel, (own, conflicted_one, free), [application] = panel_with(session, count=3, applications=1, reviews=3)
    session.add(Membership(user=own, organisation=application.organisation))
    session.add(ConflictDeclaration(panellist_id=conflicted_one.id, organisation_id=application.organisation_id))
    session.flush()
    made, short = membership.assign_automatically(session, panel, by=officer)
    assert made == 1
    assert short == [application]
    assert session.scalars(select(Assignment.panellist_id)).all() == [free.id]
    with pytest.raises(DomainError, match="cannot review"):
        membership.assign(session, panel, application, own, by=officer)


def test_declaring_a_conflict_records_it_hides_it_and_reassigns(app: Flask, session: Session, officer: User) -> None:
    set_programme(session, contact_email="grants@example.org")
    panel, (first, second), [application] = panel_with(session, count=2, applications=1, reviews=1)
    assignment = membership.assign(session, panel, application, first, by=officer)
    session.add(Review(application_id=application.id, panellist_id=first.id))
    session.flush()

    replacement = conflicts.declare_conflict(session, assignment, by=first, nature="My sister runs it")

    assert replacement is not None
    assert replacement.panellist_id == second.id
    assert access.assignment_for(session, first, application.id) is None
    register = session.scalars(select(ConflictDeclaration)).one()
    assert (register.panellist_id, register.nature) == (first.id, "My sister runs it")
    assert (register.declared_by_id, register.round_id, register.ended_at) == (first.id, application.round_id, None)
    assert session.scalar(select(func.count(Review.id))) == 0  # their draft goes with it
    told = session.scalars(select(OutboxMessage).where(OutboxMessage.to == "grants@example.org")).one()
    assert "declared a conflict of interest" in told.body


def test_a_member_leaving_hands_on_unfinished_reviews(session: Session, officer: User) -> None:
    panel, (leaving, staying), [done, unfinished] = panel_with(session, count=2, applications=2, reviews=1)
    membership.assign(session, panel, done, leaving, by=officer)
    membership.assign(session, panel, unfinished, leaving, by=officer)
    session.add(Review(application_id=done.id, panellist_id=leaving.id, submitted=True))
    session.flush()
    member = next(m for m in panel.members if m.user_id == leaving.id)

    stranded = membership.leave_panel(session, member, by=officer)

    assert stranded == []
    owners = dict(session.execute(select(Assignment.application_id, Assignment.panellist_id)).all())
    assert owners == {done.id: leaving.id, unfinished.id: staying.id}
    assert access.current_membership(session, leaving, panel.id) is None


def checked(session: Session, panel: Panel) -> Application:
    return make_application(
        session, grant_round=panel.round, organisation=make_organisation(session), status=ApplicationStatus.SUBMITTED
    )


def test_sending_to_the_panel_marks_eligible_and_assigns_in_one_step(session: Session, officer: User) -> None:
    panel, (june, ravi, _), _ = panel_with(session, count=3, applications=0, reviews=2)
    automatic, chosen, later = checked(session, panel), checked(session, panel), checked(session, panel)

    sent = membership.send_to_panel(session, automatic, by=officer, panel=panel, automatically=True)
    assert automatic.status is ApplicationStatus.WITH_PANEL
    assert (len(sent.assigned), sent.short_by) == (2, 0)

    sent = membership.send_to_panel(session, chosen, by=officer, panel=panel, panellists=[june, ravi])
    assert [u.id for u in sent.assigned] == [june.id, ravi.id]
    assert set(session.scalars(select(Assignment.panellist_id).where(Assignment.application_id == chosen.id))) == {
        june.id,
        ravi.id,
    }

    assert membership.send_to_panel(session, later, by=officer, panel=None).assigned == []
    assert later.status is ApplicationStatus.WITH_PANEL
    assert not membership.can_send_to_panel(later)
    with pytest.raises(DomainError, match="not waiting for its checks"):
        membership.send_to_panel(session, later, by=officer, panel=panel, automatically=True)


def test_a_refused_panellist_refuses_the_whole_step(session: Session, officer: User) -> None:
    panel, (june, ravi), _ = panel_with(session, count=2, applications=0, reviews=2)
    application = checked(session, panel)
    session.add(ConflictDeclaration(panellist_id=ravi.id, organisation_id=application.organisation_id))
    session.flush()

    with pytest.raises(DomainError, match="conflict of interest"):
        membership.send_to_panel(session, application, by=officer, panel=panel, panellists=[june, ravi])

    assert application.status is ApplicationStatus.SUBMITTED
    assert session.scalars(select(Assignment)).all() == []
    short = membership.send_to_panel(session, application, by=officer, panel=panel, automatically=True)
    assert ([u.id for u in short.assigned], short.short_by) == ([june.id], 1)
