"""The panel's ranking as SQL: each application's score, flags, rank and running total, in the database.

The rule is the one ``results`` states in plain Python (``weighted_mean``, ``panel_mean``, ``spreads``,
``rank``, ``with_funding_line``), and the tests hold the two to the same answers. Here it is written as
subqueries so a page of the results, the funding line and the list's "flagged by the panel" filter read
only the rows they show: the round's reviews are aggregated by the database, never loaded into Python.

- ``scored``: one row per application the panel has had, with its mean of weighted review scores, the
  moderated score, reviews done and assigned, and the widest gap between scores on one criterion.
- ``ranked``: the same rows with their rank (highest final score first, unscored last, then by
  reference and id) and the running total of what they ask for in that order.
- ``flagged``: whether the panel's results flag an application, as a condition on it.
"""

from __future__ import annotations

from sqlalchemy import CTE, ColumnElement, Float, Subquery, and_, case, cast, func, null, or_, select
from sqlalchemy.sql.elements import KeyedColumnElement

from portal.models.applications import Application, ApplicationStatus
from portal.models.funding import Criterion, Round
from portal.models.organisations import Organisation
from portal.models.panels import Assignment, ModeratedScore, Review, Score

# A spread of this many points between panellists on one criterion is flagged for discussion.
DISAGREEMENT_POINTS = 2
PANEL_STATES = (
    ApplicationStatus.WITH_PANEL,
    ApplicationStatus.SCORED,
    ApplicationStatus.APPROVED,
    ApplicationStatus.DECLINED,
)


def in_panel(
    grant_round: Round, *, neighbourhood_id: int | None = None, only: ColumnElement[bool] | None = None
) -> list[ColumnElement[bool]]:
    """The conditions on applications (joined to their group) that make the round's panel results."""
    conditions = [Application.round_id == grant_round.id, Application.status.in_(PANEL_STATES)]
    if neighbourhood_id is not None:
        conditions.append(Organisation.neighbourhood_id == neighbourhood_id)
    if only is not None:
        conditions.append(only)
    return conditions


def scored(
    grant_round: Round, *, neighbourhood_id: int | None = None, only: ColumnElement[bool] | None = None
) -> Subquery:
    """One row per application the panel has had (see the module's docstring), unranked."""
    # A review's score: each criterion's score times its weight, over the weights of those scored.
    per_review = (
        select(
            Review.id.label("review_id"),
            Review.application_id,
            (
                cast(func.sum(Score.value * Criterion.weight), Float)
                / cast(func.nullif(func.sum(Criterion.weight), 0), Float)
            ).label("score"),
        )
        .join(Application, Application.id == Review.application_id)
        .outerjoin(Score, Score.review_id == Review.id)
        .outerjoin(Criterion, and_(Criterion.id == Score.criterion_id, Criterion.round_id == grant_round.id))
        .where(Application.round_id == grant_round.id, Review.submitted.is_(True))
        .group_by(Review.id, Review.application_id)
        .subquery()
    )
    reviews = (
        select(
            per_review.c.application_id,
            func.count().label("done"),
            func.avg(per_review.c.score).label("mean"),
        )
        .group_by(per_review.c.application_id)
        .subquery()
    )
    per_criterion = (
        select(Review.application_id, (func.max(Score.value) - func.min(Score.value)).label("gap"))
        .join(Score, Score.review_id == Review.id)
        .join(Application, Application.id == Review.application_id)
        .where(Application.round_id == grant_round.id, Review.submitted.is_(True))
        .group_by(Review.application_id, Score.criterion_id)
        .subquery()
    )
    gaps = (
        select(per_criterion.c.application_id, func.max(per_criterion.c.gap).label("spread"))
        .group_by(per_criterion.c.application_id)
        .subquery()
    )
    assigned = (
        select(Assignment.application_id, func.count().label("assigned"))
        .join(Application, Application.id == Assignment.application_id)
        .where(Application.round_id == grant_round.id)
        .group_by(Assignment.application_id)
        .subquery()
    )
    done = func.coalesce(reviews.c.done, 0)
    mean: ColumnElement[float | None] = reviews.c.mean if grant_round.criteria else cast(null(), Float)
    moderated = cast(ModeratedScore.score_hundredths, Float) / 100
    return (
        select(
            Application.id.label("application_id"),
            func.coalesce(Application.reference, "").label("reference"),
            Application.title,
            Application.amount_requested_pence,
            Organisation.name.label("group_name"),
            Organisation.neighbourhood_id,
            Application.reviews_closed_at,
            Application.reviews_closed_reason,
            done.label("reviews_done"),
            func.coalesce(assigned.c.assigned, 0).label("assigned"),
            mean.label("mean"),
            moderated.label("moderated"),
            ModeratedScore.reason.label("moderation_reason"),
            gaps.c.spread,
            func.coalesce(moderated, mean).label("final"),
        )
        .join(Organisation, Organisation.id == Application.organisation_id)
        .outerjoin(reviews, reviews.c.application_id == Application.id)
        .outerjoin(gaps, gaps.c.application_id == Application.id)
        .outerjoin(assigned, assigned.c.application_id == Application.id)
        .outerjoin(ModeratedScore, ModeratedScore.application_id == Application.id)
        .where(*in_panel(grant_round, neighbourhood_id=neighbourhood_id, only=only))
        .subquery("scored")
    )


def rank_order(rows: Subquery) -> list[KeyedColumnElement[object] | ColumnElement[object]]:
    """Highest final score first, unscored last, then by reference and id: the results' one order."""
    return [case((rows.c.final.is_(None), 1), else_=0), rows.c.final.desc(), rows.c.reference, rows.c.application_id]


def ranked(grant_round: Round, *, neighbourhood_id: int | None = None, only: ColumnElement[bool] | None = None) -> CTE:
    """``scored`` with each row's rank (``position``, from 1) and the running total of requests in rank order.

    A common table expression: a statement that reads it twice (a page and its funding line) ranks once."""
    rows = scored(grant_round, neighbourhood_id=neighbourhood_id, only=only)
    order = rank_order(rows)
    return select(
        rows,
        func.row_number().over(order_by=order).label("position"),
        func.sum(rows.c.amount_requested_pence).over(order_by=order, rows=(None, 0)).label("running_total_pence"),
    ).cte("ranked")


def flagged(grant_round: Round) -> ColumnElement[bool]:
    """A condition on applications: the panel's results flag it (scores on one criterion differ by
    ``DISAGREEMENT_POINTS`` or more, reviewing was closed early, or reviews are missing).

    Asked of each application on its own (correlated subqueries on its reviews), so the officers' list
    filtered by it reads the round in its index order and stops at a page, rather than scoring the
    whole round first. ``results`` words the same three conditions for the rows it shows."""
    submitted = Review.submitted.is_(True)
    done = (
        select(func.count()).select_from(Review).where(Review.application_id == Application.id, submitted)
    ).scalar_subquery()
    disagree = (
        select(Score.criterion_id)
        .join(Review, Review.id == Score.review_id)
        .where(Review.application_id == Application.id, submitted)
        .group_by(Score.criterion_id)
        .having(func.max(Score.value) - func.min(Score.value) >= DISAGREEMENT_POINTS)
    ).exists()
    return and_(
        Application.status.in_(PANEL_STATES),
        or_(Application.reviews_closed_at.is_not(None), done < grant_round.reviews_per_application, disagree),
    )
