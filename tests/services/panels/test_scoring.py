"""Reviews: drafts, submitting every score at once, independence, and the panel's scored step."""

from __future__ import annotations

import threading

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.errors import DomainError
from portal.extensions import db
from portal.infra.database import writing
from portal.models.applications import ApplicationStatus
from portal.models.panels import Assignment, Recommendation, Review, Score
from portal.models.users import Role, User
from portal.services.panels import access, scoring
from portal.services.panels.scoring import CriterionAnswer
from tests.factories import make_application, make_assignment, make_organisation, make_panel, make_round, make_user
from tests.fixtures.databases import reread

DESCRIPTORS = {str(p): f"Point {p}" for p in range(1, 6)}


def assigned(session: Session, *, panellists: int = 2, reviews: int = 2) -> tuple[list[Assignment], list[User]]:
    grant_round = make_round(
        session,
        reviews_per_application=reviews,
        criteria=[
            {"title": "Need", "weight": 2, "descriptors": DESCRIPTORS},
            {"title": "Plan", "weight": 1, "descriptors": DESCRIPTORS, "comment_required": True},
        ],
    )
    people = [make_user(session, roles=(Role.PANELLIST,)) for _ in range(panellists)]
    panel = make_panel(session, grant_round=grant_round, members=people, onboarded=True)
    application = make_application(
        session, grant_round=grant_round, organisation=make_organisation(session), status=ApplicationStatus.WITH_PANEL
    )
    items = [make_assignment(session, application=application, panellist=p, panel=panel) for p in people]
    session.commit()
    return items, people


def answers(
    assignment: Assignment, need: int | None = 4, plan: int | None = 3, comment: str = "Clear plan"
) -> dict[int, CriterionAnswer]:
    need_c, plan_c = assignment.application.round.criteria
    return {need_c.id: CriterionAnswer(need, ""), plan_c.id: CriterionAnswer(plan, comment)}


def test_a_draft_keeps_partial_scores(session: Session) -> None:
    [assignment, _], [user, _] = assigned(session)
    review = scoring.save_draft(
        session,
        assignment,
        answers(assignment, plan=None, comment=""),
        by=user,
        recommendation=None,
        comment="Thinking",
    )
    assert [s.value for s in review.scores] == [4]
    assert review.submitted is False


def test_submitting_needs_every_score_comment_and_recommendation(session: Session) -> None:
    [assignment, _], [user, _] = assigned(session)
    found = scoring.problems(assignment.application.round.criteria, answers(assignment, need=None, comment=""), None)
    assert set(found.values()) == {
        "Choose a score for Need",
        "Add a comment about Plan",
        "Choose whether you recommend funding it",
    }
    with pytest.raises(DomainError, match="Finish your review"):
        scoring.submit_review(
            session, assignment, answers(assignment, need=9), by=user, recommendation=Recommendation.FUND, comment=""
        )
    assert session.scalar(select(func.count(Review.id)).where(Review.submitted.is_(True))) == 0


def test_others_scores_are_hidden_until_your_own_is_in(session: Session) -> None:
    [first, second], [june, ravi] = assigned(session)
    scoring.submit_review(
        session, first, answers(first, need=5), by=june, recommendation=Recommendation.FUND, comment="Lovely"
    )
    assert access.others_reviews(session, second, by=ravi) is None

    assert (
        scoring.submit_review(
            session, second, answers(second, need=2), by=ravi, recommendation=Recommendation.MAYBE, comment=""
        )
        is True
    )
    seen = access.others_reviews(session, second, by=ravi)
    assert seen is not None
    assert [(o.label, o.recommendation, o.comment) for o in seen] == [("Panel member 1", "Fund", "Lovely")]
    assert june.email not in repr(seen)
    # Every review is in: the panel has scored it.
    assert second.application.status is ApplicationStatus.SCORED


def test_a_submitted_review_cannot_change(session: Session) -> None:
    [assignment, _], [user, _] = assigned(session)
    assert (
        scoring.submit_review(
            session, assignment, answers(assignment), by=user, recommendation=Recommendation.FUND, comment=""
        )
        is True
    )
    assert (
        scoring.submit_review(
            session,
            assignment,
            answers(assignment, need=1),
            by=user,
            recommendation=Recommendation.DO_NOT_FUND,
            comment="",
        )
        is False
    )
    with pytest.raises(DomainError, match="already submitted"):
        scoring.save_draft(session, assignment, answers(assignment), by=user, recommendation=None, comment="")
    assert [s.value for s in scoring.review_of(session, assignment.application, user).scores] == [4, 3]  # type: ignore[union-attr]


@pytest.mark.postgres_only
def test_two_submits_at_once_keep_one_whole_review(app: Flask, session: Session) -> None:
    [assignment, _], [user, _] = assigned(session)
    results: list[bool] = []
    barrier = threading.Barrier(2)

    def submit(need: int, plan: int) -> None:
        with app.app_context(), writing():
            mine = db.session.get(Assignment, assignment.id)
            me = db.session.get(User, user.id)
            barrier.wait()
            results.append(
                scoring.submit_review(
                    db.session, mine, answers(mine, need, plan), by=me, recommendation=Recommendation.FUND, comment=""
                )
            )  # type: ignore[arg-type]
            db.session.commit()

    threads = [threading.Thread(target=submit, args=pair) for pair in ((5, 5), (1, 1))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    reread(session)
    assert sorted(results) == [False, True]
    values = session.scalars(select(Score.value).order_by(Score.criterion_id)).all()
    assert values in ([5, 5], [1, 1])  # one whole review, never a mixture
