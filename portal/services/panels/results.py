"""Panel results: weighted scores, disagreement flags, ranking and the funding line.

The arithmetic is stated in pure functions over plain numbers, so it can be checked
on its own (including with generated data). The pages rank in the database with the
same rule (``ranking``), and the tests hold the two to the same answers:
``results_page`` reads one page of the ranking with the funding line, and
``round_results`` the whole ranking (a panellist's view of their panel), each in a
fixed number of queries.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Row, and_, func, select, true
from sqlalchemy.orm import Session

from portal.errors import DomainError
from portal.infra.i18n import gettext
from portal.models.applications import Application
from portal.models.audit import AuditAction
from portal.models.base import utcnow
from portal.models.funding import Round
from portal.models.organisations import Organisation
from portal.models.panels import ModeratedScore, Review, Score
from portal.models.users import User
from portal.services import audit
from portal.services.panels import ranking
from portal.services.readmodels import keyset

DISAGREEMENT_POINTS = ranking.DISAGREEMENT_POINTS
PANEL_STATES = ranking.PANEL_STATES
PER_PAGE = 50


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
    position: int = 0  # the rank, from 1

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
    rows = ranking.ranked(grant_round)
    ranked_ids = list(
        session.scalars(
            select(rows.c.application_id).where(rows.c.application_id.in_(chosen)).order_by(rows.c.position)
        )
    )
    by_id = {a.id: a for a in session.scalars(select(Application).where(Application.id.in_(ranked_ids)))}
    return [by_id[i] for i in ranked_ids]


def _flags(
    session: Session, grant_round: Round, rows: Sequence[Row[Any]], among: ColumnElement[bool]
) -> dict[int, list[str]]:
    """Each shown row's flags in words; the gaps by criterion are read for the applications ``among``
    picks (the page's ids, or the panel's conditions), in one query."""
    gaps: dict[int, dict[int, int]] = defaultdict(dict)
    for application_id, criterion_id, gap in session.execute(
        select(Review.application_id, Score.criterion_id, func.max(Score.value) - func.min(Score.value))
        .join(Score, Score.review_id == Review.id)
        .join(Application, Application.id == Review.application_id)
        .join(Organisation, Organisation.id == Application.organisation_id)
        .where(among, Review.submitted.is_(True))
        .group_by(Review.application_id, Score.criterion_id)
    ):
        gaps[application_id][criterion_id] = gap
    titles = {criterion.id: criterion.title for criterion in grant_round.criteria}
    needed = grant_round.reviews_per_application
    flags: dict[int, list[str]] = {}
    for row in rows:
        found = [
            gettext("Scores differ by %(gap)s points on %(get)s", gap=gap, get=titles.get(criterion, "a criterion"))
            for criterion, gap in sorted(gaps[row.application_id].items())
            if gap >= DISAGREEMENT_POINTS
        ]
        if row.reviews_closed_at is not None:
            found.append(
                gettext(
                    "Reviewing closed with %(reviews_done)s of %(needed)s reviews: %(reviews_closed_reason)s",
                    reviews_done=row.reviews_done,
                    needed=needed,
                    reviews_closed_reason=row.reviews_closed_reason,
                )
            )
        elif row.reviews_done < needed:
            found.append(
                gettext(
                    "%(reviews_done)s of %(needed)s reviews missing",
                    reviews_done=needed - row.reviews_done,
                    needed=needed,
                )
            )
        flags[row.application_id] = found
    return flags


def _result_rows(
    session: Session, grant_round: Round, rows: Sequence[Row[Any]], among: ColumnElement[bool]
) -> list[ResultRow]:
    budget_left = grant_round.budget_pence - grant_round.committed_pence
    flags = _flags(session, grant_round, rows, among)
    places = {n.id: n.name for n in grant_round.neighbourhoods}
    return [
        ResultRow(
            application_id=row.application_id,
            reference=row.reference or gettext("Application %(application_id)s", application_id=row.application_id),
            title=row.title,
            group_name=row.group_name,
            neighbourhood=places.get(row.neighbourhood_id or 0, gettext("Outside the round's neighbourhoods")),
            amount_requested_pence=row.amount_requested_pence,
            reviews_done=row.reviews_done,
            reviews_needed=max(grant_round.reviews_per_application, row.assigned),
            mean=row.mean,
            moderated=row.moderated,
            moderation_reason=row.moderation_reason,
            flags=flags[row.application_id],
            spread=row.spread,
            running_total_pence=row.running_total_pence,
            within_budget=row.running_total_pence <= budget_left,
            position=row.position,
        )
        for row in rows
    ]


def round_results(
    session: Session,
    grant_round: Round,
    *,
    neighbourhood_id: int | None = None,
    only: ColumnElement[bool] | None = None,
) -> list[ResultRow]:
    """Every application the panel has had in the round, ranked, with flags and the funding line.

    ``only`` narrows the applications further (a condition on them), as a panellist's view of
    one panel's results does; it is applied inside each query, so the count stays fixed. The
    officers' page shows a page at a time (``results_page``).
    """
    rows = ranking.ranked(grant_round, neighbourhood_id=neighbourhood_id, only=only)
    found = session.execute(select(rows).order_by(rows.c.position)).all()
    among = and_(*ranking.in_panel(grant_round, neighbourhood_id=neighbourhood_id, only=only))
    return _result_rows(session, grant_round, found, among)


@dataclass(frozen=True)
class FundingLine:
    """Where the money runs out in the ranking: the last application the budget left would cover."""

    budget_pence: int
    committed_pence: int
    left_pence: int
    last_within: int  # its rank; 0 when even the first ranked asks for more than is left
    last_within_reference: str | None
    within_total_pence: int  # what the applications down to it ask for


@dataclass(frozen=True)
class ResultsPage:
    rows: list[ResultRow]
    listed: keyset.Page[Row[Any]]
    funding_line: FundingLine


def results_page(
    session: Session, grant_round: Round, args: Mapping[str, str], *, neighbourhood_id: int | None = None
) -> ResultsPage:
    """The page of the ranked results ``args`` asks for (``after``/``before`` a rank; else the top), with
    the funding line and the budget figures, which every page shows.

    Two queries whatever the round's size: the page's rows with the funding line, and their flags. The
    ranking is computed once per view by the database (a common table expression both the page and
    the line read) and only the page's rows come back; see bench/README.md "Scale" for its cost.
    """
    rows = ranking.ranked(grant_round, neighbourhood_id=neighbourhood_id)
    left = grant_round.budget_pence - grant_round.committed_pence
    # The last application the money left covers: where the funding line falls.
    line = (
        select(
            rows.c.position.label("line_position"),
            rows.c.reference.label("line_reference"),
            rows.c.running_total_pence.label("line_total_pence"),
        )
        .where(rows.c.running_total_pence <= left)
        .order_by(rows.c.position.desc())
        .limit(1)
        .subquery("line")
    )
    listed = keyset.page(
        select(rows, line).select_from(rows).outerjoin(line, true()),
        (keyset.Key(rows.c.position, lambda row: int(row.position)),),
        args,
        lambda ordered: session.execute(ordered).all(),
        per_page=PER_PAGE,
    )
    shown = [row.application_id for row in listed.rows]
    first = listed.rows[0] if listed.rows else None
    return ResultsPage(
        rows=_result_rows(session, grant_round, listed.rows, Application.id.in_(shown)),
        listed=listed,
        funding_line=FundingLine(
            budget_pence=grant_round.budget_pence,
            committed_pence=grant_round.committed_pence,
            left_pence=left,
            last_within=(first.line_position or 0) if first else 0,
            last_within_reference=first.line_reference if first else None,
            within_total_pence=(first.line_total_pence or 0) if first else 0,
        ),
    )


def moderate(session: Session, application: Application, *, by: User, score: float, reason: str) -> ModeratedScore:
    """Record the panel meeting's moderated score; the reviews themselves are never changed."""
    points = application.round.score_points
    if not min(points) <= score <= max(points):
        raise DomainError(
            gettext("A moderated score must be between %(min)s and %(max)s", min=min(points), max=max(points))
        )
    if not reason.strip():
        raise DomainError(gettext("Give the reason for the moderated score"))
    if application.status not in PANEL_STATES:
        raise DomainError(gettext("Only applications the panel has scored can be moderated"))
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
