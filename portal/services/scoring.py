"""A panellist's review: drafts, submitting every score at once, and what they may see of others.

Submitting claims the review with a conditional UPDATE (``WHERE submitted =
false``) before writing the scores, in one transaction: two submits of the
same review leave one whole review, never a mixture.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from portal.errors import DomainError
from portal.models.applications import Application, ApplicationStatus
from portal.models.base import utcnow
from portal.models.funding import Criterion
from portal.models.panels import Assignment, Recommendation, Review, Score
from portal.models.users import User
from portal.services import audit
from portal.workflow import advance_application

MAX_COMMENT = 5000

RECOMMENDATIONS = {
    Recommendation.FUND: "Fund",
    Recommendation.MAYBE: "Maybe",
    Recommendation.DO_NOT_FUND: "Do not fund",
}


@dataclass(frozen=True)
class CriterionAnswer:
    score: int | None
    comment: str


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
            found[f"score-{criterion.id}"] = f"Choose a score for {criterion.title}"
        elif answer.score not in criterion.score_points:
            found[f"score-{criterion.id}"] = f"Choose a score for {criterion.title} from the list"
        if criterion.comment_required and (answer is None or not answer.comment.strip()):
            found[f"comment-{criterion.id}"] = f"Add a comment about {criterion.title}"
    if recommendation is None:
        found["recommendation"] = "Choose whether you recommend funding it"
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
    user: User,
    answers: dict[int, CriterionAnswer],
    *,
    recommendation: Recommendation | None,
    comment: str,
) -> Review:
    """Keep what they have so far. A submitted review cannot go back to draft."""
    application = assignment.application
    review = _review(session, application, user)
    if review.submitted:
        raise DomainError("You have already submitted this review, so it can no longer be changed.")
    _write(review, application.round.criteria, answers)
    review.recommendation = recommendation
    review.comment = comment.strip()[:MAX_COMMENT]
    session.flush()
    return review


def submit_review(
    session: Session,
    assignment: Assignment,
    user: User,
    answers: dict[int, CriterionAnswer],
    *,
    recommendation: Recommendation | None,
    comment: str,
) -> bool:
    """Submit every score at once. False when it had already been submitted (a double tap)."""
    application = assignment.application
    if application.status is not ApplicationStatus.WITH_PANEL:
        raise DomainError("This application is no longer with the panel, so reviews cannot be submitted.")
    criteria = application.round.criteria
    found = problems(criteria, answers, recommendation)
    if found:
        raise DomainError("Finish your review before you submit it: " + "; ".join(found.values()))
    review = _review(session, application, user)
    claimed = session.execute(
        update(Review)
        .where(Review.id == review.id, Review.submitted.is_(False))
        .values(submitted=True, submitted_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
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
    audit.record(session, user, "review submitted", application, RECOMMENDATIONS[recommendation])  # type: ignore[index]
    _maybe_scored(session, application)
    session.flush()
    return True


def _maybe_scored(session: Session, application: Application) -> None:
    """Once every assigned panellist has submitted, and there are enough reviews, the panel has scored it."""
    assigned = session.scalar(select(func.count(Assignment.id)).where(Assignment.application_id == application.id)) or 0
    submitted = (
        session.scalar(
            select(func.count(Review.id)).where(Review.application_id == application.id, Review.submitted.is_(True))
        )
        or 0
    )
    if submitted >= max(assigned, application.round.reviews_per_application):
        advance_application(application, ApplicationStatus.SCORED)
        audit.record(session, None, "application scored", application, f"{submitted} reviews")


@dataclass(frozen=True)
class OtherReview:
    label: str  # "Panel member 2": never a name
    scores: dict[int, int]
    comments: dict[int, str]
    recommendation: str
    comment: str


def panel_reviews_for(session: Session, application: Application, user: User) -> list[OtherReview] | None:
    """Everyone else's submitted reviews, without names; None until the user has submitted their own."""
    own = review_of(session, application, user)
    if own is None or not own.submitted:
        return None
    others = session.scalars(
        select(Review)
        .where(Review.application_id == application.id, Review.submitted.is_(True), Review.panellist_id != user.id)
        .options(selectinload(Review.scores))
        .order_by(Review.submitted_at, Review.id)
    ).all()
    return [
        OtherReview(
            label=f"Panel member {number}",
            scores={s.criterion_id: s.value for s in review.scores},
            comments={s.criterion_id: s.comment for s in review.scores if s.comment},
            recommendation=RECOMMENDATIONS.get(review.recommendation, "") if review.recommendation else "",  # type: ignore[arg-type]
            comment=review.comment,
        )
        for number, review in enumerate(others, start=1)
    ]


def unsubmitted_reviews(session: Session, user: User, panel_id: int) -> int:
    """How many of the panellist's reviews on this panel are not yet submitted."""
    assigned = set(
        session.scalars(
            select(Assignment.application_id).where(Assignment.panel_id == panel_id, Assignment.panellist_id == user.id)
        )
    )
    done = set(
        session.scalars(select(Review.application_id).where(Review.panellist_id == user.id, Review.submitted.is_(True)))
    )
    return len(assigned - done)
