"""Where a round's money is: offered, accepted, paid and left, in total and by neighbourhood.

Read with a fixed number of grouped queries, however many awards there are.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.models.applications import Application
from portal.models.awards import Award, AwardStatus, Payment
from portal.models.funding import Neighbourhood, Round
from portal.models.organisations import Organisation

OUTSIDE = "Outside the round's neighbourhoods"


@dataclass
class Money:
    offered: int = 0  # offered, not yet accepted
    accepted: int = 0  # accepted or further along (live)
    paid: int = 0
    awards: int = 0


@dataclass(frozen=True)
class BudgetView:
    budget: int
    committed: int
    left: int
    total: Money
    by_neighbourhood: dict[str, Money]


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
        select(Neighbourhood.name, func.coalesce(func.sum(Payment.amount_pence), 0))
        .join(Award, Award.id == Payment.award_id)
        .join(Application, Application.id == Award.application_id)
        .join(Organisation, Organisation.id == Application.organisation_id)
        .outerjoin(Neighbourhood, Neighbourhood.id == Organisation.neighbourhood_id)
        .where(Award.round_id == grant_round.id, Payment.paid_at.is_not(None))
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
    for name, amount in paid_rows:
        places[name or OUTSIDE].paid += int(amount)
    total = Money(
        offered=sum(m.offered for m in places.values()),
        accepted=sum(m.accepted for m in places.values()),
        paid=sum(m.paid for m in places.values()),
        awards=sum(m.awards for m in places.values()),
    )
    return BudgetView(
        budget=grant_round.budget_pence,
        committed=grant_round.committed_pence,
        left=grant_round.budget_left_pence(),
        total=total,
        by_neighbourhood=dict(sorted(places.items())),
    )
