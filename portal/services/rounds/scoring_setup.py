"""A round's scoring scale and criteria.

A round scores every criterion from ``scale_low`` to ``scale_high`` (0 to 3,
1 to 5, 1 to 10 …), and each criterion describes every point of that scale.
Neither the scale nor the criteria may change once panel members have started
scoring (``scoring_started``, the one place that rule lives).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.errors import DomainError
from portal.infra.i18n import gettext
from portal.models.audit import AuditAction
from portal.models.funding import Criterion, Round
from portal.models.panels import Score
from portal.models.users import User
from portal.services import audit

LOWEST_POINT = 0
HIGHEST_POINT = 10
MAX_CRITERIA = 6


@dataclass
class CriterionSettings:
    title: str
    guidance: str = ""
    weight: int = 1
    descriptors: dict[str, str] = field(default_factory=dict)
    comment_required: bool = False


def points(low: int, high: int) -> list[str]:
    """The points of a scale, as the keys of a criterion's descriptors."""
    return [str(point) for point in range(low, high + 1)]


def scoring_started(session: Session, grant_round: Round) -> bool:
    """Whether any panel member has scored any of the round's criteria."""
    criterion_ids = [c.id for c in grant_round.criteria if c.id is not None]
    if not criterion_ids:
        return False
    return bool(session.scalar(select(func.count(Score.id)).where(Score.criterion_id.in_(criterion_ids))))


def check_scale(low: int | None, high: int | None) -> dict[str, str]:
    problems: dict[str, str] = {}
    if low is None or not LOWEST_POINT <= low < HIGHEST_POINT:
        problems["scale_low"] = gettext(
            "Enter the lowest point as a whole number from %(low)s to %(high)s",
            low=LOWEST_POINT,
            high=HIGHEST_POINT - 1,
        )
    if high is None or not LOWEST_POINT < high <= HIGHEST_POINT:
        problems["scale_high"] = gettext(
            "Enter the highest point as a whole number from %(low)s to %(high)s",
            low=LOWEST_POINT + 1,
            high=HIGHEST_POINT,
        )
    elif low is not None and "scale_low" not in problems and high <= low:
        problems["scale_high"] = gettext("The highest point must be above the lowest")
    return problems


def check_criteria(low: int, high: int, criteria: list[CriterionSettings]) -> dict[str, str]:
    """Problem name (``criteria`` or ``criterion-N``) → what to fix."""
    problems: dict[str, str] = {}
    if not criteria:
        problems["criteria"] = gettext("Add at least one scoring criterion")
    if len(criteria) > MAX_CRITERIA:
        problems["criteria"] = gettext("A round can have up to %(limit)s criteria", limit=MAX_CRITERIA)
    for index, criterion in enumerate(criteria):
        if not 1 <= criterion.weight <= 10:
            problems[f"criterion-{index}"] = gettext(
                "The weight of %(criterion)s must be 1 to 10", criterion=criterion.title
            )
        elif any(not criterion.descriptors.get(point, "").strip() for point in points(low, high)):
            problems[f"criterion-{index}"] = gettext(
                "Describe every score point (%(low)s to %(high)s) for %(criterion)s",
                low=low,
                high=high,
                criterion=criterion.title,
            )
    return problems


def _as_settings(grant_round: Round) -> list[tuple[str, str, int, dict[str, str], bool]]:
    return [(c.title, c.guidance, c.weight, dict(c.descriptors), c.comment_required) for c in grant_round.criteria]


def save_scoring(
    session: Session,
    grant_round: Round,
    *,
    by: User,
    low: int | None,
    high: int | None,
    criteria: list[CriterionSettings],
) -> None:
    """Set the round's scale and criteria together (each criterion describes every point of the scale)."""
    problems = check_scale(low, high)
    if problems:
        raise DomainError(next(iter(problems.values())), field=next(iter(problems)))
    if low is None or high is None:  # check_scale has refused this already; said again for the type checker
        raise DomainError(gettext("Enter the scale's lowest and highest points"), field="scale_low")
    problems = check_criteria(low, high, criteria)
    if problems:
        raise DomainError(next(iter(problems.values())), field=next(iter(problems)))
    wanted = [
        (c.title, c.guidance, c.weight, {p: c.descriptors[p].strip() for p in points(low, high)}, c.comment_required)
        for c in criteria
    ]
    if (low, high) == (grant_round.scale_low, grant_round.scale_high) and wanted == _as_settings(grant_round):
        return
    if scoring_started(session, grant_round):
        raise DomainError(
            gettext("Panel members have started scoring, so the scale and criteria can no longer change."),
            field="criteria",
        )
    grant_round.scale_low, grant_round.scale_high = low, high
    grant_round.criteria.clear()
    session.flush()
    grant_round.criteria.extend(
        Criterion(position=index, title=title, guidance=guidance, weight=weight, descriptors=words, comment_required=c)
        for index, (title, guidance, weight, words, c) in enumerate(wanted, start=1)
    )
    session.flush()
    audit.record(
        session,
        by,
        AuditAction.ROUND_SCORING_CHANGED,
        grant_round,
        f"Scale {low} to {high}; criteria: " + ", ".join(c.title for c in criteria),
    )
