"""Where a round's money is, in parts that add up to the budget, in total and by neighbourhood.

The budget is split into: approvals waiting for a second officer, offers
waiting for the group, accepted grants (paid is part of these, said
separately), money already paid on grants later cancelled, and what is left.
Read with a fixed number of grouped queries, however many awards there are.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.models.applications import Application
from portal.models.awards import Award, AwardStatus, Decision, Payment
from portal.models.funding import Neighbourhood, Round
from portal.models.organisations import Organisation
from portal.services.awards.decisions import is_pending_approval

OUTSIDE = "Outside the round's neighbourhoods"


@dataclass
class Money:
    waiting: int = 0  # approved, waiting for a second officer
    offered: int = 0  # offered, not yet accepted
    accepted: int = 0  # accepted or further along (live)
    paid: int = 0  # paid on live awards: part of accepted
    cancelled_paid: int = 0  # paid before the award was cancelled: spent, so still held
    awards: int = 0


@dataclass(frozen=True)
class BudgetView:
    budget: int
    committed: int
    left: int
    total: Money
    by_neighbourhood: dict[str, Money]

    @property
    def unexplained(self) -> int:
        """Committed money that no approval or award accounts for (0 unless something went wrong)."""
        t = self.total
        return self.committed - (t.waiting + t.offered + t.accepted + t.cancelled_paid)


@dataclass(frozen=True)
class BudgetLine:
    label: str
    pence: int
    # False for a figure inside the line before it (paid is part of accepted), so not added again.
    adds_to_budget: bool = True


def budget_lines(view: BudgetView) -> list[BudgetLine]:
    """The parts the budget is split into, in order; those that add to it add up to exactly the budget."""
    t = view.total
    lines = [
        BudgetLine("Waiting for a second officer", t.waiting),
        BudgetLine("Offered, waiting for the group", t.offered),
        BudgetLine("Accepted", t.accepted),
        BudgetLine("Of the accepted, paid", t.paid, adds_to_budget=False),
    ]
    if t.cancelled_paid:
        lines.append(BudgetLine("Spent on grants later cancelled", t.cancelled_paid))
    if view.unexplained:
        lines.append(BudgetLine("Held with no approval or award to show for it", view.unexplained))
    lines.append(BudgetLine("Left to award", view.left))
    return lines


def budget_view(session: Session, grant_round: Round) -> BudgetView:
    live_accepted = (AwardStatus.ACCEPTED, AwardStatus.PAID, AwardStatus.REPORT_DUE, AwardStatus.CLOSED)
    rows = session.execute(
        select(Neighbourhood.name, Award.status, func.count(Award.id), func.coalesce(func.sum(Award.amount_pence), 0))
        .join(Application, Application.id == Award.application_id)
        .join(Organisation, Organisation.id == Application.organisation_id)
        .outerjoin(Neighbourhood, Neighbourhood.id == Organisation.neighbourhood_id)
        .where(Award.round_id == grant_round.id)
        .group_by(Neighbourhood.name, Award.status)
    ).all()
    paid_rows = session.execute(
        select(Neighbourhood.name, Award.status, func.coalesce(func.sum(Payment.amount_pence), 0))
        .join(Award, Award.id == Payment.award_id)
        .join(Application, Application.id == Award.application_id)
        .join(Organisation, Organisation.id == Application.organisation_id)
        .outerjoin(Neighbourhood, Neighbourhood.id == Organisation.neighbourhood_id)
        .where(Award.round_id == grant_round.id, Payment.paid_at.is_not(None))
        .group_by(Neighbourhood.name, Award.status)
    ).all()
    waiting_rows = session.execute(
        select(Neighbourhood.name, func.coalesce(func.sum(Decision.amount_pence), 0))
        .join(Application, Application.id == Decision.application_id)
        .join(Organisation, Organisation.id == Application.organisation_id)
        .outerjoin(Neighbourhood, Neighbourhood.id == Organisation.neighbourhood_id)
        .where(Application.round_id == grant_round.id, is_pending_approval())
        .group_by(Neighbourhood.name)
    ).all()
    places: dict[str, Money] = defaultdict(Money)
    for name, status, count, amount in rows:
        money = places[name or OUTSIDE]
        if status is AwardStatus.OFFERED:
            money.offered += int(amount)
        elif status in live_accepted:
            money.accepted += int(amount)
        if status is not AwardStatus.CANCELLED:
            money.awards += int(count)
    for name, status, amount in paid_rows:
        if status is AwardStatus.CANCELLED:
            places[name or OUTSIDE].cancelled_paid += int(amount)
        else:
            places[name or OUTSIDE].paid += int(amount)
    for name, waiting in waiting_rows:
        places[name or OUTSIDE].waiting += int(waiting or 0)  # coalesced, so never None
    total = Money(
        waiting=sum(m.waiting for m in places.values()),
        offered=sum(m.offered for m in places.values()),
        accepted=sum(m.accepted for m in places.values()),
        paid=sum(m.paid for m in places.values()),
        cancelled_paid=sum(m.cancelled_paid for m in places.values()),
        awards=sum(m.awards for m in places.values()),
    )
    return BudgetView(
        budget=grant_round.budget_pence,
        committed=grant_round.committed_pence,
        left=grant_round.budget_left_pence(),
        total=total,
        by_neighbourhood=dict(sorted(places.items())),
    )
