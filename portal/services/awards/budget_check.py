"""The budget invariant, checked: a round's committed money is exactly what its approvals and awards hold.

``Round.committed_pence`` is kept in step by conditional updates as money is
reserved and released. What it should be can be worked out from the rows
themselves: approvals still waiting for a second officer, plus the amounts of
live awards, plus money already paid on awards later cancelled (that money has
left the bank, so it stays spent). ``check_rounds`` compares the two for every
round in a fixed number of grouped queries.

The budget page's running totals (``BudgetTotal``, kept by
``portal.services.awards.budget_totals``) are checked the same way:
``check_totals`` recomputes each round's figures by place from the same rows
and names every figure that differs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from portal.models.applications import Application
from portal.models.awards import Award, AwardStatus, BudgetTotal, Decision, Payment
from portal.models.funding import Round
from portal.services.awards import budget_totals
from portal.services.awards.decisions import is_pending_approval
from portal.workflow import LIVE_AWARD_STATES


@dataclass(frozen=True)
class RoundMoney:
    round_id: int
    title: str
    budget_pence: int
    committed_pence: int
    # What the approvals and awards add up to.
    should_be_pence: int

    @property
    def over_budget(self) -> bool:
        return max(self.committed_pence, self.should_be_pence) > self.budget_pence

    @property
    def adds_up(self) -> bool:
        return self.committed_pence == self.should_be_pence and not self.over_budget


def _sums(session: Session, round_ids: list[int] | None) -> dict[int, int]:
    """Round id → pending approvals + live awards + paid on cancelled awards, in three grouped queries."""
    pending = (
        select(Application.round_id, func.sum(Decision.amount_pence))
        .join(Application, Application.id == Decision.application_id)
        .where(is_pending_approval())
        .group_by(Application.round_id)
    )
    live = (
        select(Award.round_id, func.sum(Award.amount_pence))
        .where(Award.status.in_(LIVE_AWARD_STATES))
        .group_by(Award.round_id)
    )
    spent = (
        select(Award.round_id, func.sum(Payment.amount_pence))
        .join(Award, Award.id == Payment.award_id)
        .where(Award.status == AwardStatus.CANCELLED, Payment.paid_at.is_not(None))
        .group_by(Award.round_id)
    )
    if round_ids is not None:
        pending = pending.where(Application.round_id.in_(round_ids))
        live = live.where(Award.round_id.in_(round_ids))
        spent = spent.where(Award.round_id.in_(round_ids))
    totals: dict[int, int] = {}
    for statement in (pending, live, spent):
        for round_id, amount in session.execute(statement):
            totals[round_id] = totals.get(round_id, 0) + int(amount or 0)
    return totals


def committed_should_be(session: Session, grant_round: Round) -> int:
    """What ``grant_round.committed_pence`` must equal: waiting approvals + live awards + paid on cancelled ones."""
    return _sums(session, [grant_round.id]).get(grant_round.id, 0)


def round_money(session: Session) -> list[RoundMoney]:
    """Every round's committed money beside what its approvals and awards add up to."""
    totals = _sums(session, None)
    rounds = session.execute(
        select(Round.id, Round.title, Round.budget_pence, Round.committed_pence).order_by(Round.id)
    ).all()
    return [
        RoundMoney(round_id, title, budget, committed, totals.get(round_id, 0))
        for round_id, title, budget, committed in rounds
    ]


def check_rounds(session: Session) -> list[RoundMoney]:
    """The rounds whose committed money differs from what it holds, or is more than the budget."""
    return [money for money in round_money(session) if not money.adds_up]


def recompute_totals(
    session: Session, round_ids: Iterable[int] | None = None
) -> dict[tuple[int, int], budget_totals.Figures]:
    """What the totals should be, by (round id, place), worked out from the approvals, awards and payments.

    Three grouped queries, however many rounds and awards. Places whose figures are all zero are left out.
    """
    place = func.coalesce(Decision.neighbourhood_id, budget_totals.NO_NEIGHBOURHOOD)
    waiting = (
        select(Application.round_id, place, func.sum(Decision.amount_pence))
        .join(Application, Application.id == Decision.application_id)
        .where(is_pending_approval())
        .group_by(Application.round_id, place)
    )
    award_place = func.coalesce(Award.neighbourhood_id, budget_totals.NO_NEIGHBOURHOOD)
    awards = select(Award.round_id, award_place, Award.status, func.count(Award.id), func.sum(Award.amount_pence))
    awards = awards.group_by(Award.round_id, award_place, Award.status)
    cancelled = Award.status == AwardStatus.CANCELLED
    paid = (
        select(Award.round_id, award_place, cancelled, func.sum(Payment.amount_pence))
        .join(Award, Award.id == Payment.award_id)
        .where(Payment.paid_at.is_not(None))
        .group_by(Award.round_id, award_place, cancelled)
    )
    if round_ids is not None:
        chosen = list(round_ids)
        waiting = waiting.where(Application.round_id.in_(chosen))
        awards = awards.where(Award.round_id.in_(chosen))
        paid = paid.where(Award.round_id.in_(chosen))
    totals: dict[tuple[int, int], budget_totals.Figures] = {}

    def at(round_id: int, place_id: int) -> budget_totals.Figures:
        return totals.setdefault((int(round_id), int(place_id)), budget_totals.Figures())

    for round_id, place_id, amount in session.execute(waiting):
        at(round_id, place_id).waiting_pence += int(amount or 0)
    for round_id, place_id, status, count, amount in session.execute(awards):
        figures = at(round_id, place_id)
        if status is AwardStatus.OFFERED:
            figures.offered_pence += int(amount or 0)
        elif status in budget_totals.ACCEPTED_STATES:
            figures.accepted_pence += int(amount or 0)
        if status is not AwardStatus.CANCELLED:
            figures.awards += int(count)
    for round_id, place_id, was_cancelled, amount in session.execute(paid):
        figures = at(round_id, place_id)
        if was_cancelled:
            figures.cancelled_paid_pence += int(amount or 0)
        else:
            figures.paid_pence += int(amount or 0)
    return {key: figures for key, figures in totals.items() if not figures.is_empty()}


def rebuild_totals(session: Session, round_ids: Iterable[int]) -> None:
    """Set the rounds' totals to the recomputation, for rows written in bulk rather than by the operations
    (the benchmark's generated data). Nothing else may be moving the rounds' money meanwhile."""
    chosen = list(round_ids)
    session.execute(delete(BudgetTotal).where(BudgetTotal.round_id.in_(chosen)))
    for (round_id, place_id), figures in recompute_totals(session, chosen).items():
        session.add(
            BudgetTotal(
                round_id=round_id, place_id=place_id, **{n: getattr(figures, n) for n in budget_totals.FIGURE_NAMES}
            )
        )
    session.flush()


@dataclass(frozen=True)
class TotalsDifference:
    """One round's running totals in one place that differ from the recomputation."""

    round_id: int
    place_id: int
    figure: str
    kept: int
    should_be: int


def check_totals(session: Session) -> list[TotalsDifference]:
    """Every running total (``BudgetTotal``) that differs from the recomputation, in four queries."""
    kept = budget_totals.all_totals(session)
    should_be = recompute_totals(session)
    differences = []
    for round_id, place_id in sorted(kept.keys() | should_be.keys()):
        ours = kept.get((round_id, place_id), budget_totals.Figures())
        right = should_be.get((round_id, place_id), budget_totals.Figures())
        for name in budget_totals.FIGURE_NAMES:
            if getattr(ours, name) != getattr(right, name):
                differences.append(
                    TotalsDifference(round_id, place_id, name, getattr(ours, name), getattr(right, name))
                )
    return differences
