"""Panel results: weighted scores, disagreement flags, ranking and the funding line.

The arithmetic is in pure functions over plain numbers, so it can be checked
on its own (including with generated data); ``round_results`` reads a round's
submitted reviews in a fixed number of queries and applies it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from portal.errors import DomainError
from portal.models.applications import Application, ApplicationStatus
from portal.models.audit import AuditAction
from portal.models.base import utcnow
from portal.models.funding import Round
from portal.models.organisations import Organisation
from portal.models.panels import Assignment, ModeratedScore, Review, Score
from portal.models.users import User
from portal.services import audit

# A spread of this many points between panellists on one criterion is flagged for discussion.
DISAGREEMENT_POINTS = 2
PANEL_STATES = (
    ApplicationStatus.WITH_PANEL,
    ApplicationStatus.SCORED,
    ApplicationStatus.APPROVED,
    ApplicationStatus.DECLINED,
)


def weighted_mean(scores: Mapping[int, int], weights: Mapping[int, int]) -> float:
    """One review's score: each criterion's score times its weight, over the total weight."""
    total_weight = sum(weights[criterion] for criterion in scores)
    if total_weight == 0:
        raise ValueError("no weighted scores")
    return sum(value * weights[criterion] for criterion, value in scores.items()) / total_weight


def panel_mean(reviews: Sequence[Mapping[int, int]], weights: Mapping[int, int]) -> float | None:
    """The mean of the reviews' weighted scores; None when there are none."""
    if not reviews:
        return None
    return sum(weighted_mean(review, weights) for review in reviews) / len(reviews)


def spreads(reviews: Sequence[Mapping[int, int]]) -> dict[int, int]:
    """Criterion → highest minus lowest score given for it."""
    values: dict[int, list[int]] = defaultdict(list)
    for review in reviews:
        for criterion, value in review.items():
            values[criterion].append(value)
    return {criterion: max(found) - min(found) for criterion, found in values.items()}


@dataclass(frozen=True)
class ResultRow:
    application_id: int
    reference: str
    title: str
    group_name: str
    neighbourhood: str
    amount_requested_pence: int
    reviews_done: int
    reviews_needed: int
    mean: float | None
    moderated: float | None
    moderation_reason: str | None
    flags: list[str] = field(default_factory=list)
    # The widest gap between panel members' scores on any one criterion.
    spread: int | None = None
    running_total_pence: int = 0
    within_budget: bool = False

    @property
    def final(self) -> float | None:
        return self.moderated if self.moderated is not None else self.mean


def rank(rows: Sequence[ResultRow]) -> list[ResultRow]:
    """Highest final score first; unscored last; ties kept in reference order (stable)."""
    return sorted(rows, key=lambda row: (row.final is None, -(row.final or 0.0), row.reference))


def with_funding_line(rows: Sequence[ResultRow], budget_pence: int) -> list[ResultRow]:
    """Add the running total of requests, in rank order, and whether each falls within the budget."""
    total = 0
    out = []
    for row in rows:
        total += row.amount_requested_pence
        out.append(ResultRow(**{**row.__dict__, "running_total_pence": total, "within_budget": total <= budget_pence}))
    return out


def in_rank_order(session: Session, grant_round: Round, chosen: set[int]) -> list[Application]:
    """The chosen applications of ``grant_round`` as the results rank them (the order bulk decisions take)."""
    ranked = [row.application_id for row in round_results(session, grant_round) if row.application_id in chosen]
    by_id = {a.id: a for a in session.scalars(select(Application).where(Application.id.in_(ranked)))}
    return [by_id[i] for i in ranked]


def round_results(
    session: Session,
    grant_round: Round,
    *,
    neighbourhood_id: int | None = None,
    only: ColumnElement[bool] | None = None,
) -> list[ResultRow]:
    """Every application the panel has had in the round, ranked, with flags and the funding line.

    ``only`` narrows the applications further (a condition on them), as a panellist's view of
    one panel's results does; it is applied inside each query, so the count stays fixed.
    """
    in_panel = (
        Application.round_id == grant_round.id,
        Application.status.in_(PANEL_STATES),
        *([only] if only is not None else []),
    )
    # Plain columns, not whole applications: the answers (JSON) are not needed to rank,
    # and decoding them for thousands of rows was most of the page's cost.
    statement = (
        select(
            Application.id,
            Application.reference,
            Application.title,
            Application.amount_requested_pence,
            Organisation.name.label("group_name"),
            Organisation.neighbourhood_id,
            Application.reviews_closed_at,
            Application.reviews_closed_reason,
        )
        .join(Organisation, Organisation.id == Application.organisation_id)
        .where(*in_panel)
        .order_by(Application.reference)
    )
    applications = session.execute(statement).all()
    # Each related table is read in one query joined to the same applications (never a list of
    # thousands of ids, which would be sent in batches): the query count does not grow with the round.
    by_review: dict[int, tuple[int, dict[int, int]]] = {}
    for review_id, application_id, criterion_id, value in session.execute(
        select(Review.id, Review.application_id, Score.criterion_id, Score.value)
        .join(Application, Application.id == Review.application_id)
        .outerjoin(Score, Score.review_id == Review.id)
        .where(*in_panel, Review.submitted.is_(True))
        .order_by(Review.id)
    ):
        scores = by_review.setdefault(review_id, (application_id, {}))[1]
        if criterion_id is not None:
            scores[criterion_id] = value
    reviews: dict[int, list[dict[int, int]]] = defaultdict(list)
    for application_id, scores in by_review.values():
        reviews[application_id].append(scores)
    assigned: dict[int, int] = dict(
        session.execute(
            select(Assignment.application_id, func.count())
            .join(Application, Application.id == Assignment.application_id)
            .where(*in_panel)
            .group_by(Assignment.application_id)
        ).all()
    )
    moderated: dict[int, ModeratedScore] = {
        m.application_id: m
        for m in session.scalars(
            select(ModeratedScore).join(Application, Application.id == ModeratedScore.application_id).where(*in_panel)
        )
    }
    weights = {criterion.id: criterion.weight for criterion in grant_round.criteria}
    titles = {criterion.id: criterion.title for criterion in grant_round.criteria}
    neighbourhood_names = {n.id: n.name for n in grant_round.neighbourhoods}
    rows = []
    for application in applications:
        place = application.neighbourhood_id
        if neighbourhood_id is not None and place != neighbourhood_id:
            continue
        done = reviews[application.id]
        needed = grant_round.reviews_per_application
        gaps = spreads(done)
        flags = [
            f"Scores differ by {gap} points on {titles.get(criterion, 'a criterion')}"
            for criterion, gap in sorted(gaps.items())
            if gap >= DISAGREEMENT_POINTS
        ]
        if application.reviews_closed_at is not None:
            flags.append(f"Reviewing closed with {len(done)} of {needed} reviews: {application.reviews_closed_reason}")
        elif len(done) < needed:
            flags.append(f"{needed - len(done)} of {needed} reviews missing")
        moderation = moderated.get(application.id)
        rows.append(
            ResultRow(
                application_id=application.id,
                reference=application.reference or f"Application {application.id}",
                title=application.title,
                group_name=application.group_name,
                neighbourhood=neighbourhood_names.get(place or 0, "Outside the round's neighbourhoods"),
                amount_requested_pence=application.amount_requested_pence,
                reviews_done=len(done),
                reviews_needed=max(needed, assigned.get(application.id, 0)),
                mean=panel_mean(done, weights) if weights else None,
                moderated=moderation.score_hundredths / 100 if moderation else None,
                moderation_reason=moderation.reason if moderation else None,
                flags=flags,
                spread=max(gaps.values()) if gaps else None,
            )
        )
    return with_funding_line(rank(rows), grant_round.budget_pence - grant_round.committed_pence)


def moderate(session: Session, application: Application, *, by: User, score: float, reason: str) -> ModeratedScore:
    """Record the panel meeting's moderated score; the reviews themselves are never changed."""
    points = application.round.score_points
    if not min(points) <= score <= max(points):
        raise DomainError(f"A moderated score must be between {min(points)} and {max(points)}")
    if not reason.strip():
        raise DomainError("Give the reason for the moderated score")
    if application.status not in PANEL_STATES:
        raise DomainError("Only applications the panel has scored can be moderated")
    existing = session.scalar(select(ModeratedScore).where(ModeratedScore.application_id == application.id))
    before = f"{existing.score_hundredths / 100:.2f}" if existing else "none"
    moderation = existing or ModeratedScore(application_id=application.id, score_hundredths=0, reason="")
    moderation.score_hundredths = round(score * 100)
    moderation.reason = reason.strip()[:2000]
    moderation.moderated_by_id = by.id
    moderation.moderated_at = utcnow()
    session.add(moderation)
    session.flush()
    audit.record(
        session,
        by,
        AuditAction.SCORE_MODERATED,
        application,
        f"Moderated score {before} → {score:.2f}: {moderation.reason}",
    )
    session.flush()
    return moderation
