"""The panel's access rules: who opens an application, who sees others' scores, who may be given one."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.errors import DomainError
from portal.models.applications import Application, ApplicationStatus
from portal.models.base import utcnow
from portal.models.organisations import Membership
from portal.models.panels import Assignment, ConflictDeclaration, Panel
from portal.models.users import Role, User
from portal.services.panels import access, membership
from tests.factories import (
    make_application,
    make_assignment,
    make_organisation,
    make_panel,
    make_review,
    make_round,
    make_user,
)


def panel_of(session: Session, count: int, *, reviews: int = 1) -> tuple[Panel, list[User]]:
    grant_round = make_round(session, reviews_per_application=reviews)
    people = [make_user(session, name=f"Member {i}", roles=(Role.PANELLIST,)) for i in range(count)]
    return make_panel(session, grant_round=grant_round, members=people, onboarded=True), people


def application_of(session: Session, panel: Panel) -> Application:
    return make_application(
        session, grant_round=panel.round, organisation=make_organisation(session), status=ApplicationStatus.WITH_PANEL
    )


def test_scores_are_seen_only_with_every_review_on_the_panel_submitted(session: Session) -> None:
    panel, [june] = panel_of(session, 1)
    first, second = application_of(session, panel), application_of(session, panel)
    assert access.sees_panel_scores(session, panel, by=june) is False  # nothing assigned
    for application in (first, second):
        make_assignment(session, application=application, panellist=june, panel=panel)
    make_review(session, application=first, panellist=june, submitted=True)
    assert access.sees_panel_scores(session, panel, by=june) is False  # one still to do
    assert access.visible_results(session, panel, by=june) is None
    make_review(session, application=second, panellist=june, submitted=True)
    assert access.sees_panel_scores(session, panel, by=june) is True
    assert {row.reference for row in access.visible_results(session, panel, by=june) or []} == {
        first.reference,
        second.reference,
    }


def test_a_review_that_can_never_be_finished_does_not_hold_the_results_back(session: Session) -> None:
    panel, [june] = panel_of(session, 1)
    done, withdrawn = application_of(session, panel), application_of(session, panel)
    for application in (done, withdrawn):
        make_assignment(session, application=application, panellist=june, panel=panel)
    make_review(session, application=done, panellist=june, submitted=True)
    withdrawn.status = ApplicationStatus.WITHDRAWN
    session.flush()
    assert access.review_progress(session, june, panel.id) == access.ReviewProgress(1, 0)
    assert access.sees_panel_scores(session, panel, by=june) is True


def test_a_member_not_onboarded_or_gone_sees_nothing(session: Session) -> None:
    panel, [june] = panel_of(session, 1)
    application = application_of(session, panel)
    make_assignment(session, application=application, panellist=june, panel=panel)
    make_review(session, application=application, panellist=june, submitted=True)
    member = panel.members[0]
    member.onboarded_at = None
    assert access.sees_panel_scores(session, panel, by=june) is False
    member.onboarded_at, member.left_at = utcnow(), utcnow()
    assert access.sees_panel_scores(session, panel, by=june) is False
    assert access.assignment_for(session, june, application.id) is None


def test_others_reviews_wait_for_every_review_on_the_panel(session: Session) -> None:
    panel, [june, ravi] = panel_of(session, 2, reviews=2)
    shared, other = application_of(session, panel), application_of(session, panel)
    mine = make_assignment(session, application=shared, panellist=june, panel=panel)
    make_assignment(session, application=shared, panellist=ravi, panel=panel)
    make_assignment(session, application=other, panellist=june, panel=panel)
    make_review(session, application=shared, panellist=ravi, submitted=True)
    make_review(session, application=shared, panellist=june, submitted=True)
    assert access.others_reviews(session, mine, by=june) is None  # ``other`` is still to do
    make_review(session, application=other, panellist=june, submitted=True)
    seen = access.others_reviews(session, mine, by=june)
    assert [review.label for review in seen or []] == ["Panel member 1"]


def test_a_conflict_or_membership_of_the_group_hides_the_application(session: Session) -> None:
    panel, [june, ravi] = panel_of(session, 2)
    application = application_of(session, panel)
    make_assignment(session, application=application, panellist=june, panel=panel)
    assert access.can_open_application(session, application.id, by=june) is True
    session.add(ConflictDeclaration(panellist_id=june.id, organisation_id=application.organisation_id))
    session.flush()
    assert access.can_open_application(session, application.id, by=june) is False
    session.add(Membership(user=ravi, organisation=application.organisation))
    session.flush()
    assert access.panellists_who_may_take(session, panel, application) == []


def test_after_seeing_results_nobody_is_given_an_application_already_scored(session: Session) -> None:
    panel, [june, ravi, sam] = panel_of(session, 3, reviews=2)
    officer = make_user(session, roles=(Role.OFFICER,))
    scored_one, fresh = application_of(session, panel), application_of(session, panel)
    make_assignment(session, application=scored_one, panellist=ravi, panel=panel)
    make_review(session, application=scored_one, panellist=ravi, submitted=True)
    june_member = next(m for m in panel.members if m.user_id == june.id)
    june_member.results_seen_at = utcnow()
    session.flush()

    with pytest.raises(DomainError, match="seen the panel's results"):
        membership.assign(session, panel, scored_one, june, by=officer)
    membership.assign_automatically(session, panel, by=officer)

    assert assigned_to(session, scored_one) == {ravi.id, sam.id}
    assert june.id in assigned_to(session, fresh)


def assigned_to(session: Session, application: Application) -> set[int]:
    return set(session.scalars(select(Assignment.panellist_id).where(Assignment.application_id == application.id)))
