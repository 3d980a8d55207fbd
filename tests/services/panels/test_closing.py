"""Closing reviewing short, the results' flag for it, and lowering the number of reviews a round asks for."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.errors import DomainError
from portal.models.applications import Application, ApplicationStatus
from portal.models.audit import AuditEntry
from portal.models.panels import Assignment, Panel, Review, Score
from portal.models.users import Role, User
from portal.services.panels import closing, results
from portal.services.rounds import setup
from tests.factories import (
    make_application,
    make_assignment,
    make_organisation,
    make_panel,
    make_review,
    make_round,
    make_user,
)

DESCRIPTORS = {str(p): f"Point {p}" for p in range(1, 6)}


def short_of_reviews(session: Session) -> tuple[Application, Panel, list[User]]:
    """An application asking for three reviews: one submitted, one draft, and nobody else on the panel."""
    grant_round = make_round(
        session, reviews_per_application=3, criteria=[{"title": "Need", "weight": 1, "descriptors": DESCRIPTORS}]
    )
    people = [make_user(session, email=f"member{i}@example.org", roles=(Role.PANELLIST,)) for i in range(2)]
    panel = make_panel(session, grant_round=grant_round, members=people, onboarded=True)
    application = make_application(
        session, grant_round=grant_round, organisation=make_organisation(session), status=ApplicationStatus.WITH_PANEL
    )
    for person in people:
        make_assignment(session, application=application, panellist=person, panel=panel)
    done = make_review(session, application=application, panellist=people[0], submitted=True)
    done.scores.append(Score(criterion_id=grant_round.criteria[0].id, value=4))
    make_review(session, application=application, panellist=people[1])
    session.flush()
    return application, panel, people


def test_reviewing_can_be_closed_with_the_reviews_in_hand(session: Session, officer: User) -> None:
    application, _, [scored, drafting] = short_of_reviews(session)
    count = closing.review_count(session, application)
    assert count == closing.ReviewCount(submitted=1, needed=3, outstanding=1, nobody_left=True)
    assert closing.can_close_reviewing(session, application)
    with pytest.raises(DomainError, match="Give the reason"):
        closing.close_reviewing(session, application, by=officer, reason="")

    withdrawn = closing.close_reviewing(
        session, application, by=officer, reason="Two members had conflicts; nobody else can score it"
    )

    assert withdrawn == [drafting]
    assert application.status is ApplicationStatus.SCORED
    assert application.reviews_closed_by_id == officer.id
    assert session.scalars(select(Assignment.panellist_id)).all() == [scored.id]
    assert session.scalars(select(Review.panellist_id)).all() == [scored.id]  # the draft went with it
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "reviewing closed")).one()
    assert "Closed with 1 of 3 reviews" in entry.summary
    assert drafting.email in entry.summary
    [row] = results.round_results(session, application.round)
    assert row.flags == ["Reviewing closed with 1 of 3 reviews: Two members had conflicts; nobody else can score it"]
    assert not closing.can_close_reviewing(session, application)


def test_reviewing_cannot_be_closed_without_a_review_or_with_enough(session: Session, officer: User) -> None:
    application, _, [scored, _] = short_of_reviews(session)
    session.delete(session.scalars(select(Review).where(Review.panellist_id == scored.id)).one())
    session.flush()
    assert not closing.can_close_reviewing(session, application)
    with pytest.raises(DomainError, match="at least one review"):
        closing.close_reviewing(session, application, by=officer, reason="Nobody left")
    application.round.reviews_per_application = 1
    make_review(session, application=application, panellist=scored, submitted=True)
    assert not closing.can_close_reviewing(session, application)


def test_lowering_the_reviews_a_round_asks_for_moves_on_what_now_has_enough(session: Session, officer: User) -> None:
    application, panel, [_, drafting] = short_of_reviews(session)
    # The member drafting drops out: one review in, one assigned.
    session.delete(session.scalars(select(Assignment).where(Assignment.panellist_id == drafting.id)).one())
    session.flush()
    waiting = make_application(
        session, grant_round=panel.round, organisation=make_organisation(session), status=ApplicationStatus.WITH_PANEL
    )
    settings = setup.settings_of(panel.round)

    setup.save(session, replace(settings, reviews_per_application=2), by=officer, existing=panel.round)
    assert application.status is ApplicationStatus.WITH_PANEL  # 1 of 2

    setup.save(session, replace(settings, reviews_per_application=1), by=officer, existing=panel.round)
    assert application.status is ApplicationStatus.SCORED
    assert waiting.status is ApplicationStatus.WITH_PANEL  # no review at all
    scored = session.scalars(select(AuditEntry).where(AuditEntry.action == "application scored")).one()
    assert scored.actor_id == officer.id
