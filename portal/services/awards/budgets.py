"""Where a round's money is, in parts that add up to the budget, in total and by neighbourhood.

The budget is split into: approvals waiting for a second officer, offers
waiting for the group, accepted grants (paid is part of these, said
separately), money already paid on grants later cancelled, and what is left.
Read from the running totals that every award and payment keeps
(``portal.services.awards.budget_totals``), in one query however many awards
there are. A place is the neighbourhood recorded on each approval and award
when it was made (groups with none are "outside the round's neighbourhoods").
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.infra.i18n import _l, gettext
from portal.models.awards import BudgetTotal
from portal.models.funding import Neighbourhood, Round
from portal.services.awards import budget_totals

OUTSIDE = _l("Outside the round's neighbourhoods")


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
        BudgetLine(gettext("Waiting for a second officer"), t.waiting),
        BudgetLine(gettext("Offered, waiting for the group"), t.offered),
        BudgetLine(gettext("Accepted"), t.accepted),
        BudgetLine(gettext("Of the accepted, paid"), t.paid, adds_to_budget=False),
    ]
    if t.cancelled_paid:
        lines.append(BudgetLine(gettext("Spent on grants later cancelled"), t.cancelled_paid))
    if view.unexplained:
        lines.append(BudgetLine(gettext("Held with no approval or award to show for it"), view.unexplained))
    lines.append(BudgetLine(gettext("Left to award"), view.left))
    return lines


def budget_view(session: Session, grant_round: Round) -> BudgetView:
    """The round's money from its running totals (``budget_totals``): one query, however many awards."""
    rows = session.execute(
        select(Neighbourhood.name, *(getattr(BudgetTotal, name) for name in budget_totals.FIGURE_NAMES))
        .outerjoin(Neighbourhood, Neighbourhood.id == BudgetTotal.place_id)
        .where(BudgetTotal.round_id == grant_round.id)
    ).all()
    places: dict[str, Money] = defaultdict(Money)
    for name, waiting, offered, accepted, paid, cancelled_paid, awards in rows:
        if not any((waiting, offered, accepted, paid, cancelled_paid, awards)):
            continue  # everything once here has moved on: the place has nothing to show
        money = places[name or OUTSIDE]
        money.waiting += waiting
        money.offered += offered
        money.accepted += accepted
        money.paid += paid
        money.cancelled_paid += cancelled_paid
        money.awards += awards
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
