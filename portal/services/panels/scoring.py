"""A panellist's review: drafts, submitting every score at once, and when the panel has scored it.

What a panellist may see of others' reviews is a rule of ``panel_access``.

Submitting claims the review with a conditional UPDATE (``WHERE submitted =
false``) before writing the scores, in one transaction: two submits of the
same review leave one whole review, never a mixture.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from portal.errors import DomainError
from portal.infra.database import rowcount
from portal.infra.i18n import _l, gettext
from portal.models.applications import Application, ApplicationStatus
from portal.models.audit import AuditAction
from portal.models.base import utcnow
from portal.models.funding import Criterion, Round
from portal.models.panels import Assignment, Recommendation, Review, Score
from portal.models.users import User
from portal.services import audit
from portal.workflow import advance_application

MAX_COMMENT = 5000

RECOMMENDATIONS = {
    Recommendation.FUND: _l("Fund"),
    Recommendation.MAYBE: _l("Maybe"),
    Recommendation.DO_NOT_FUND: _l("Do not fund"),
}


@dataclass(frozen=True)
class CriterionAnswer:
    score: int | None
    comment: str


class Unread(enum.Enum):
    """Said by a caller that has not read the panellist's own review (``review_of``) already."""

    UNREAD = "unread"


UNREAD = Unread.UNREAD


def review_of(session: Session, application: Application, user: User) -> Review | None:
    return session.scalar(
        select(Review)
        .where(Review.application_id == application.id, Review.panellist_id == user.id)
        .options(selectinload(Review.scores))
    )


def _review(session: Session, application: Application, user: User) -> Review:
    review = review_of(session, application, user)
    if review is not None:
        return review
    review = Review(application_id=application.id, panellist_id=user.id)
    try:
        with session.begin_nested():
            session.add(review)
            session.flush()
    except IntegrityError:
        found = review_of(session, application, user)
        assert found is not None
        return found
    return review


def problems(
    criteria: list[Criterion], answers: dict[int, CriterionAnswer], recommendation: Recommendation | None
) -> dict[str, str]:
    """What is missing before a review can be submitted (field name → message)."""
    found = {}
    for criterion in criteria:
        answer = answers.get(criterion.id)
        if answer is None or answer.score is None:
            found[f"score-{criterion.id}"] = gettext(
                "Choose a score for %(criterion_title)s", criterion_title=criterion.title
            )
        elif answer.score not in criterion.score_points:
            found[f"score-{criterion.id}"] = gettext(
                "Choose a score for %(criterion_title)s from the list", criterion_title=criterion.title
            )
        if criterion.comment_required and (answer is None or not answer.comment.strip()):
            found[f"comment-{criterion.id}"] = gettext(
                "Add a comment about %(criterion_title)s", criterion_title=criterion.title
            )
    if recommendation is None:
        found["recommendation"] = gettext("Choose whether you recommend funding it")
    return found


def _write(review: Review, criteria: list[Criterion], answers: dict[int, CriterionAnswer]) -> None:
    by_criterion = {score.criterion_id: score for score in review.scores}
    for criterion in criteria:
        answer = answers.get(criterion.id)
        if answer is None or (answer.score is None and not answer.comment):
            continue
        if answer.score is not None and answer.score not in criterion.score_points:
            continue
        score = by_criterion.get(criterion.id)
        if score is None:
            review.scores.append(
                Score(criterion_id=criterion.id, value=answer.score or 0, comment=answer.comment[:MAX_COMMENT])
            )
        else:
            score.value = answer.score or 0
            score.comment = answer.comment[:MAX_COMMENT]


def save_draft(
    session: Session,
    assignment: Assignment,
    answers: dict[int, CriterionAnswer],
    *,
    by: User,
    recommendation: Recommendation | None,
    comment: str,
) -> Review:
    """Keep what they have so far. A submitted review cannot go back to draft."""
    application = assignment.application
    review = _review(session, application, by)
    if review.submitted:
        raise DomainError(gettext("You have already submitted this review, so it can no longer be changed."))
    _write(review, application.round.criteria, answers)
    review.recommendation = recommendation
    review.comment = comment.strip()[:MAX_COMMENT]
    session.flush()
    return review


def submit_review(
    session: Session,
    assignment: Assignment,
    answers: dict[int, CriterionAnswer],
    *,
    by: User,
    recommendation: Recommendation | None,
    comment: str,
) -> bool:
    """Submit every score at once. False when it had already been submitted (a double tap)."""
    application = assignment.application
    if application.status is not ApplicationStatus.WITH_PANEL:
        raise DomainError(gettext("This application is no longer with the panel, so reviews cannot be submitted."))
    criteria = application.round.criteria
    found = problems(criteria, answers, recommendation)
    if found:
        raise DomainError(gettext("Finish your review before you submit it: ") + "; ".join(found.values()))
    review = _review(session, application, by)
    claimed = rowcount(
        session.execute(
            update(Review)
            .where(Review.id == review.id, Review.submitted.is_(False))
            .values(submitted=True, submitted_at=utcnow())
            .execution_options(synchronize_session=False)
        )
    )
    if claimed != 1:
        session.refresh(review)
        return False
    session.execute(delete(Score).where(Score.review_id == review.id))
    session.expire(review)
    for criterion in criteria:
        answer = answers[criterion.id]
        session.add(
            Score(
                review_id=review.id,
                criterion_id=criterion.id,
                value=answer.score or 0,
                comment=answer.comment[:MAX_COMMENT],
            )
        )
    session.execute(
        update(Review)
        .where(Review.id == review.id)
        .values(recommendation=recommendation, comment=comment.strip()[:MAX_COMMENT])
        .execution_options(synchronize_session=False)
    )
    session.flush()
    session.refresh(review)
    # problems() has refused a review without a recommendation.
    audit.record(session, by, AuditAction.REVIEW_SUBMITTED, application, RECOMMENDATIONS[recommendation])  # type: ignore[index]
    mark_scored_if_complete(session, application)
    session.flush()
    return True


def draft_answers(review: Review) -> dict[int, CriterionAnswer]:
    """The answers a saved draft holds, as the review form would send them."""
    points = {criterion.id: criterion.score_points for criterion in review.application.round.criteria}
    return {
        score.criterion_id: CriterionAnswer(
            score.value if score.value in points.get(score.criterion_id, ()) else None, score.comment
        )
        for score in review.scores
    }


def submit_draft(session: Session, assignment: Assignment, *, by: User) -> bool:
    """Submit the draft as it was saved (after the panellist confirmed it). False if already submitted."""
    review = review_of(session, assignment.application, by)
    if review is None:
        raise DomainError(gettext("Score the application before you submit your review."))
    if review.submitted:
        return False
    return submit_review(
        session,
        assignment,
        draft_answers(review),
        by=by,
        recommendation=review.recommendation,
        comment=review.comment,
    )


def mark_scored_if_complete(session: Session, application: Application, *, by: User | None = None) -> bool:
    """Once every assigned panellist has submitted, and there are enough reviews, the panel has scored it.

    Returns whether it moved on. Called after each submitted review and when a round's
    number of reviews per application is lowered.
    """
    if application.status is not ApplicationStatus.WITH_PANEL:
        return False
    assigned = session.scalar(select(func.count(Assignment.id)).where(Assignment.application_id == application.id)) or 0
    submitted = (
        session.scalar(
            select(func.count(Review.id)).where(Review.application_id == application.id, Review.submitted.is_(True))
        )
        or 0
    )
    if submitted == 0 or submitted < max(assigned, application.round.reviews_per_application):
        return False
    advance_application(application, ApplicationStatus.SCORED)
    audit.record(session, by, AuditAction.APPLICATION_SCORED, application, f"{submitted} reviews")
    return True


def recheck_waiting(session: Session, grant_round: Round, *, by: User) -> list[Application]:
    """Move on every application of the round that now has all the reviews it needs (after the count is lowered)."""
    waiting = session.scalars(
        select(Application)
        .where(Application.round_id == grant_round.id, Application.status == ApplicationStatus.WITH_PANEL)
        .order_by(Application.reference, Application.id)
    ).all()
    moved = [application for application in waiting if mark_scored_if_complete(session, application, by=by)]
    session.flush()
    return moved
