"""A round's scoring scale and criteria: bounds checked, every point described, locked once scoring starts."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.errors import DomainError
from portal.models.applications import ApplicationStatus
from portal.models.audit import AuditAction, AuditEntry
from portal.models.panels import Recommendation, Score
from portal.models.users import Role, User
from portal.services.panels import scoring
from portal.services.panels.results import moderate
from portal.services.panels.scoring import CriterionAnswer
from portal.services.rounds.scoring_setup import CriterionSettings, check_scale, save_scoring
from tests.factories import make_application, make_assignment, make_organisation, make_panel, make_round, make_user


def criterion(title: str, low: int, high: int, **changes: object) -> CriterionSettings:
    return CriterionSettings(
        title=title,
        descriptors={str(p): f"{title} {p}" for p in range(low, high + 1)},
        **changes,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(
    ("low", "high", "problem"),
    [
        (None, 5, "Enter the lowest point"),
        (1, None, "Enter the highest point"),
        (-1, 5, "Enter the lowest point"),
        (1, 11, "Enter the highest point"),
        (3, 3, "must be above the lowest"),
        (5, 1, "must be above the lowest"),
    ],
)
def test_scale_bounds_are_checked(low: int | None, high: int | None, problem: str) -> None:
    assert problem in " ".join(check_scale(low, high).values())


@pytest.mark.parametrize(("low", "high"), [(0, 3), (1, 5), (1, 10)])
def test_a_round_chooses_its_scale(session: Session, officer: User, low: int, high: int) -> None:
    grant_round = make_round(session)
    save_scoring(session, grant_round, by=officer, low=low, high=high, criteria=[criterion("Need", low, high)])
    assert (grant_round.scale_low, grant_round.scale_high) == (low, high)
    assert grant_round.criteria[0].score_points == list(range(low, high + 1))
    assert (
        session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == AuditAction.ROUND_SCORING_CHANGED))
        == 1
    )


def test_every_point_needs_its_descriptor(session: Session, officer: User) -> None:
    grant_round = make_round(session)
    short = criterion("Need", 1, 5)
    with pytest.raises(DomainError, match=r"Describe every score point \(0 to 3\) for Need"):
        save_scoring(session, grant_round, by=officer, low=0, high=3, criteria=[short])
    with pytest.raises(DomainError, match="at least one scoring criterion"):
        save_scoring(session, grant_round, by=officer, low=0, high=3, criteria=[])
    with pytest.raises(DomainError, match="weight of Need must be 1 to 10"):
        save_scoring(session, grant_round, by=officer, low=0, high=3, criteria=[criterion("Need", 0, 3, weight=11)])
    assert (grant_round.scale_low, grant_round.scale_high) == (1, 5)


def scored_round(session: Session, officer: User) -> tuple[object, object, User]:
    grant_round = make_round(session, reviews_per_application=1)
    save_scoring(session, grant_round, by=officer, low=0, high=3, criteria=[criterion("Need", 0, 3)])
    panellist = make_user(session, roles=(Role.PANELLIST,))
    panel = make_panel(session, grant_round=grant_round, members=[panellist], onboarded=True)
    application = make_application(
        session, grant_round=grant_round, organisation=make_organisation(session), status=ApplicationStatus.WITH_PANEL
    )
    assignment = make_assignment(session, application=application, panellist=panellist, panel=panel)
    return grant_round, assignment, panellist


def test_scoring_outside_the_scale_is_refused(session: Session, officer: User) -> None:
    grant_round, assignment, panellist = scored_round(session, officer)
    need = grant_round.criteria[0]  # type: ignore[attr-defined]
    for outside in (4, 5, -1):
        with pytest.raises(DomainError):
            scoring.submit_review(
                session,
                assignment,  # type: ignore[arg-type]
                {need.id: CriterionAnswer(outside, "")},
                by=panellist,
                recommendation=Recommendation.FUND,
                comment="",
            )
    assert scoring.submit_review(
        session,
        assignment,  # type: ignore[arg-type]
        {need.id: CriterionAnswer(0, "")},
        by=panellist,
        recommendation=Recommendation.FUND,
        comment="",
    )
    assert [score.value for score in session.scalars(select(Score))] == [0]
    with pytest.raises(DomainError, match="between 0 and 3"):
        moderate(session, assignment.application, by=officer, score=4, reason="Too high")  # type: ignore[attr-defined]


def test_scale_and_criteria_locked_once_scoring_started(session: Session, officer: User) -> None:
    grant_round, assignment, panellist = scored_round(session, officer)
    need = grant_round.criteria[0]  # type: ignore[attr-defined]
    scoring.save_draft(
        session,
        assignment,  # type: ignore[arg-type]
        {need.id: CriterionAnswer(2, "")},
        by=panellist,
        recommendation=None,
        comment="",
    )
    with pytest.raises(DomainError, match="started scoring"):
        save_scoring(session, grant_round, by=officer, low=1, high=5, criteria=[criterion("Need", 1, 5)])  # type: ignore[arg-type]
    # Saving what it already has is not a change.
    save_scoring(session, grant_round, by=officer, low=0, high=3, criteria=[criterion("Need", 0, 3)])  # type: ignore[arg-type]
