"""The budget invariant, checked: a round's committed money is exactly what its approvals and awards hold.

``Round.committed_pence`` is kept in step by conditional updates as money is
reserved and released. What it should be can be worked out from the rows
themselves: approvals still waiting for a second officer, plus the amounts of
live awards, plus money already paid on awards later cancelled (that money has
left the bank, so it stays spent). ``check_rounds`` compares the two for every
round in a fixed number of grouped queries.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.models.applications import Application
from portal.models.awards import Award, AwardStatus, Decision, Payment
from portal.models.funding import Round
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
