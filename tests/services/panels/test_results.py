"""Panel results: the arithmetic (also with generated data) and the round's ranked table."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.errors import DomainError
from portal.models.applications import Application, ApplicationStatus
from portal.models.audit import AuditEntry
from portal.models.panels import Review, Score
from portal.models.users import Role
from portal.services.panels import ranking, results
from portal.services.panels.results import ResultRow, panel_mean, rank, spreads, weighted_mean, with_funding_line
from tests.factories import make_application, make_neighbourhood, make_organisation, make_round, make_user

CRITERIA = [1, 2, 3]
scores_strategy = st.fixed_dictionaries({c: st.integers(min_value=1, max_value=5) for c in CRITERIA})
weights_strategy = st.fixed_dictionaries({c: st.integers(min_value=1, max_value=5) for c in CRITERIA})


@given(st.lists(scores_strategy, min_size=1, max_size=8), weights_strategy)
def test_means_stay_within_the_scores_range(reviews: list[dict[int, int]], weights: dict[int, int]) -> None:
    mean = panel_mean(reviews, weights)
    assert mean is not None
    lowest = min(min(review.values()) for review in reviews)
    highest = max(max(review.values()) for review in reviews)
    assert lowest - 1e-9 <= mean <= highest + 1e-9


@given(scores_strategy, weights_strategy)
def test_equal_scores_give_that_score(review: dict[int, int], weights: dict[int, int]) -> None:
    same = dict.fromkeys(review, 4)
    assert weighted_mean(same, weights) == pytest.approx(4)


def row(reference: str, mean: float | None, amount: int = 100_000, moderated: float | None = None) -> ResultRow:
    return ResultRow(
        application_id=int(reference[-2:]),
        reference=reference,
        title="",
        group_name="",
        neighbourhood="",
        amount_requested_pence=amount,
        reviews_done=3,
        reviews_needed=3,
        mean=mean,
        moderated=moderated,
        moderation_reason=None,
    )


@given(st.lists(st.one_of(st.none(), st.floats(min_value=1, max_value=5)), min_size=1, max_size=12), st.randoms())
def test_ranking_is_stable_whatever_the_order(means: list[float | None], shuffler: object) -> None:
    rows = [row(f"AO-2026-{index:04d}", mean) for index, mean in enumerate(means)]
    shuffled = list(rows)
    shuffler.shuffle(shuffled)  # type: ignore[attr-defined]
    assert rank(shuffled) == rank(rows)
    ranked = rank(rows)
    scored = [r.final for r in ranked if r.final is not None]
    assert scored == sorted(scored, reverse=True)
    assert all(r.final is None for r in ranked[len(scored) :])


def test_moderation_outranks_the_panel_mean_and_the_funding_line_falls_in_order() -> None:
    rows = rank(
        [
            row("AO-2026-0001", 4.0, 300_000),
            row("AO-2026-0002", 3.0, 300_000, moderated=4.5),
            row("AO-2026-0003", 2.0, 300_000),
        ]
    )
    assert [r.reference for r in rows] == ["AO-2026-0002", "AO-2026-0001", "AO-2026-0003"]
    lined = with_funding_line(rows, 600_000)
    assert [r.running_total_pence for r in lined] == [300_000, 600_000, 900_000]
    assert [r.within_budget for r in lined] == [True, True, False]


def test_spreads() -> None:
    assert spreads([{1: 2, 2: 5}, {1: 4, 2: 5}, {1: 3, 2: 4}]) == {1: 2, 2: 1}


def review(session: Session, application: Application, values: list[int], *, submitted: bool = True) -> None:
    panellist = make_user(session, roles=(Role.PANELLIST,))
    item = Review(application_id=application.id, panellist_id=panellist.id, submitted=submitted)
    item.scores = [Score(criterion_id=c.id, value=v) for c, v in zip(application.round.criteria, values, strict=True)]
    session.add(item)
    session.flush()


def test_round_results_rank_flag_and_filter(session: Session) -> None:
    north, south = make_neighbourhood(session, name="North"), make_neighbourhood(session, name="South")
    criteria = [
        {"title": "Need", "weight": 3, "descriptors": {str(p): f"{p}" for p in range(1, 6)}},
        {"title": "Plan", "weight": 1, "descriptors": {str(p): f"{p}" for p in range(1, 6)}},
    ]
    grant_round = make_round(
        session, criteria=criteria, reviews_per_application=2, budget_pence=150_000, neighbourhoods=[north, south]
    )

    def application(reference: str, place: object, amount: int) -> Application:
        group = make_organisation(session)
        group.neighbourhood = place  # type: ignore[assignment]
        item = make_application(
            session, grant_round=grant_round, organisation=group, status=ApplicationStatus.WITH_PANEL
        )
        item.reference, item.amount_requested_pence = reference, amount
        return item

    strong, split, lonely = (
        application("AO-2026-0001", north, 100_000),
        application("AO-2026-0002", south, 100_000),
        application("AO-2026-0003", north, 50_000),
    )
    review(session, strong, [5, 4])
    review(session, strong, [4, 4])
    review(session, split, [5, 5])
    review(session, split, [2, 5])
    review(session, lonely, [3, 3])
    review(session, lonely, [1, 1], submitted=False)  # a draft does not count

    rows = results.round_results(session, grant_round)

    assert [r.reference for r in rows] == ["AO-2026-0001", "AO-2026-0002", "AO-2026-0003"]
    assert rows[0].mean == pytest.approx((19 / 4 + 16 / 4) / 2)
    assert rows[1].flags == ["Scores differ by 3 points on Need"]
    assert rows[1].spread == 3
    assert rows[2].flags == ["1 of 2 reviews missing"]
    assert [r.within_budget for r in rows] == [True, False, False]
    assert [r.reference for r in results.round_results(session, grant_round, neighbourhood_id=north.id)] == [
        "AO-2026-0001",
        "AO-2026-0003",
    ]


def test_moderation_keeps_the_reviews_and_is_audited(session: Session) -> None:
    criteria = [{"title": "Need", "weight": 1, "descriptors": {str(p): f"{p}" for p in range(1, 6)}}]
    grant_round = make_round(session, criteria=criteria, reviews_per_application=1)
    application = make_application(
        session, grant_round=grant_round, organisation=make_organisation(session), status=ApplicationStatus.SCORED
    )
    review(session, application, [2])
    officer = make_user(session, roles=(Role.OFFICER,))

    with pytest.raises(DomainError, match="between 1 and 5"):
        results.moderate(session, application, by=officer, score=7, reason="Too high")
    with pytest.raises(DomainError, match="Give the reason"):
        results.moderate(session, application, by=officer, score=3, reason=" ")
    results.moderate(session, application, by=officer, score=3.5, reason="Discussed at the meeting")

    row = results.round_results(session, grant_round)[0]
    assert (row.mean, row.moderated, row.final) == (2.0, 3.5, 3.5)
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "score moderated")).one()
    assert "none → 3.50" in entry.summary


def test_the_database_ranks_as_the_plain_rule_does(session: Session) -> None:
    """Generated reviews, weights, moderations and amounts: the ranking the database computes gives the
    same means, order, flags and funding line as the pure functions above applied in Python."""
    chance = random.Random(21)
    criteria = [
        {"title": title, "weight": chance.randint(1, 4), "descriptors": {str(p): f"{p}" for p in range(1, 6)}}
        for title in ("Need", "Plan", "Reach")
    ]
    grant_round = make_round(session, criteria=criteria, reviews_per_application=2, budget_pence=1_000_000)
    officer = make_user(session, roles=(Role.OFFICER,))
    reviews_of: dict[int, list[dict[int, int]]] = {}
    moderated: dict[int, float] = {}
    for number in range(24):
        item = make_application(
            session,
            grant_round=grant_round,
            organisation=make_organisation(session),
            status=ApplicationStatus.SCORED,
            reference=f"AO-2026-{number:04d}",
            amount_requested_pence=chance.choice((50_000, 100_000, 150_000)),
        )
        reviews_of[item.id] = []
        for _ in range(chance.choice((0, 1, 2, 2, 3))):
            values = [chance.randint(1, 5) for _ in grant_round.criteria]
            # Some reviews repeat another's scores, so ties are ranked by reference.
            if reviews_of[item.id] and chance.random() < 0.3:
                values = list(reviews_of[item.id][0].values())
            review(session, item, values)
            reviews_of[item.id].append(dict(zip([c.id for c in grant_round.criteria], values, strict=True)))
        if chance.random() < 0.15:
            moderated[item.id] = chance.choice((2.5, 3.0, 4.75))
            results.moderate(session, item, by=officer, score=moderated[item.id], reason="Panel meeting")
    session.commit()

    weights = {c.id: c.weight for c in grant_round.criteria}
    found = results.round_results(session, grant_round)
    by_id = {row.application_id: row for row in found}
    for application_id, done in reviews_of.items():
        expected = panel_mean(done, weights)
        assert by_id[application_id].mean == (pytest.approx(expected) if expected is not None else None)
        assert by_id[application_id].moderated == moderated.get(application_id)
        gaps = spreads(done)
        assert by_id[application_id].spread == (max(gaps.values()) if gaps else None)
        assert bool(by_id[application_id].flags) == (
            len(done) < 2 or any(gap >= results.DISAGREEMENT_POINTS for gap in gaps.values())
        )
    # The list's "flagged by the panel" condition picks exactly the rows shown with flags.
    flagged = set(session.scalars(select(Application.id).where(ranking.flagged(grant_round))))
    assert flagged == {row.application_id for row in found if row.flags}
    # Order and funding line as the rule gives them (the rule's means, so ties compare exactly).
    plain = with_funding_line(
        rank([replace(row, mean=panel_mean(reviews_of[row.application_id], weights)) for row in found]), 1_000_000
    )
    assert [r.application_id for r in found] == [r.application_id for r in plain]
    assert [r.within_budget for r in found] == [r.within_budget for r in plain]
    assert [r.running_total_pence for r in found] == [r.running_total_pence for r in plain]
    assert [r.position for r in found] == list(range(1, 25))

    # Page by page, the same ranking, with the same funding line on every page.
    pages, args = [], {}
    while True:
        shown = results.results_page(session, grant_round, args)
        pages.append(shown)
        if not shown.listed.next_token:
            break
        args = {"after": shown.listed.next_token}
    assert [r.application_id for page in pages for r in page.rows] == [r.application_id for r in found]
    assert len(pages) == 1 or all(page.funding_line == pages[0].funding_line for page in pages)
    line = pages[0].funding_line
    last_within = [r for r in found if r.within_budget][-1] if found[0].within_budget else None
    assert line.last_within == (last_within.position if last_within else 0)
    assert line.left_pence == 1_000_000


def test_results_come_a_page_at_a_time_with_the_funding_line_on_each(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(results, "PER_PAGE", 2)
    criteria = [{"title": "Need", "weight": 1, "descriptors": {str(p): f"{p}" for p in range(1, 6)}}]
    grant_round = make_round(session, criteria=criteria, reviews_per_application=1, budget_pence=250_000)
    for number, score in enumerate((5, 4, 3, 2, 1)):
        item = make_application(
            session,
            grant_round=grant_round,
            organisation=make_organisation(session),
            status=ApplicationStatus.SCORED,
            reference=f"AO-2026-{number:04d}",
            amount_requested_pence=100_000,
        )
        review(session, item, [score])
    session.commit()

    first = results.results_page(session, grant_round, {})
    second = results.results_page(session, grant_round, {"after": first.listed.next_token or ""})
    third = results.results_page(session, grant_round, {"after": second.listed.next_token or ""})
    assert [[r.reference[-1] for r in page.rows] for page in (first, second, third)] == [["0", "1"], ["2", "3"], ["4"]]
    assert [r.position for r in second.rows] == [3, 4]
    assert [r.within_budget for r in second.rows] == [False, False]
    for page in (first, second, third):
        line = page.funding_line
        assert (line.budget_pence, line.left_pence, line.last_within) == (250_000, 250_000, 2)
        assert (line.last_within_reference, line.within_total_pence) == ("AO-2026-0001", 200_000)
    back = results.results_page(session, grant_round, {"before": second.listed.previous_token or ""})
    assert [r.position for r in back.rows] == [1, 2]
    assert third.listed.next_token is None
