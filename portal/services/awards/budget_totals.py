"""A round's budget figures as running totals, moved by every operation that moves money.

``BudgetTotal`` holds, per round and place, the money waiting for a second
officer, offered, accepted (of which paid), paid on grants later cancelled, and
the number of awards. Each function here is one move, called by the operation
that makes it in the same transaction (so both happen or neither does):

- ``approval_waiting`` / ``approval_dropped``: an approval starts or stops
  waiting for a second officer (``decisions.approve``, ``decisions._remove_pending``);
- ``offer_made``: an award is offered (``decisions._make_offer``);
- ``offer_accepted``: the group accepts (``acceptance.accept_award``);
- ``payment_made``: an instalment is paid (``payments.record_payment``, which
  payment runs use too);
- ``award_cancelled``: a live award is cancelled (``payments.cancel_award``).

Later steps of an accepted award (paid, report due, closed) stay in "accepted",
so they move nothing.

Each move is one statement: ``INSERT … ON CONFLICT (round_id, place_id) DO
UPDATE SET x = x + excluded.x``. It adds to whatever the row holds when the
statement runs (the database holds the row until the transaction ends), so
officers moving money in one round at once never lose each other's moves, and
the first move in a place makes its row.

Where money counts: the neighbourhood recorded on the approval when it is made
(the group's neighbourhood then), copied to its award. A group that later moves
neighbourhood does not move its money; the recomputation
(``budget_check.recompute_totals``) reads the same recorded neighbourhood, so
the two cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import cast

from sqlalchemy import Table, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from portal.models.awards import Award, AwardStatus, BudgetTotal, Decision

# ``BudgetTotal.place_id`` for groups with no neighbourhood.
NO_NEIGHBOURHOOD = 0
ACCEPTED_STATES = frozenset({AwardStatus.ACCEPTED, AwardStatus.PAID, AwardStatus.REPORT_DUE, AwardStatus.CLOSED})


@dataclass
class Figures:
    """One place's figures (or a change to them), in pence except ``awards``."""

    waiting_pence: int = 0
    offered_pence: int = 0
    accepted_pence: int = 0
    paid_pence: int = 0
    cancelled_paid_pence: int = 0
    awards: int = 0

    def is_empty(self) -> bool:
        return not any(getattr(self, name) for name in FIGURE_NAMES)


FIGURE_NAMES = tuple(f.name for f in fields(Figures))


def place_of(neighbourhood_id: int | None) -> int:
    return neighbourhood_id if neighbourhood_id is not None else NO_NEIGHBOURHOOD


def _move(session: Session, round_id: int, neighbourhood_id: int | None, change: Figures) -> None:
    """Add ``change`` to the round's figures for the place, making its row if it has none yet."""
    changes = {name: getattr(change, name) for name in FIGURE_NAMES if getattr(change, name)}
    if not changes:
        return
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    table = cast(Table, BudgetTotal.__table__)  # a mapped class's FromClause is its Table
    statement = insert(table).values(
        round_id=round_id, place_id=place_of(neighbourhood_id), **{name: 0 for name in FIGURE_NAMES} | changes
    )
    session.execute(
        statement.on_conflict_do_update(
            index_elements=[table.c.round_id, table.c.place_id],
            set_={name: table.c[name] + statement.excluded[name] for name in changes},
        )
    )


def approval_waiting(session: Session, decision: Decision, *, round_id: int) -> None:
    """An approval now waits for a second officer, holding its amount."""
    assert decision.amount_pence is not None
    _move(session, round_id, decision.neighbourhood_id, Figures(waiting_pence=decision.amount_pence))


def approval_dropped(session: Session, decision: Decision, *, round_id: int) -> None:
    """A waiting approval was returned or removed; its amount no longer waits."""
    assert decision.amount_pence is not None
    _move(session, round_id, decision.neighbourhood_id, Figures(waiting_pence=-decision.amount_pence))


def offer_made(session: Session, award: Award, *, was_waiting: bool) -> None:
    """An award is offered; ``was_waiting``: its approval had been waiting for a second officer."""
    waited = award.amount_pence if was_waiting else 0
    change = Figures(waiting_pence=-waited, offered_pence=award.amount_pence, awards=1)
    _move(session, award.round_id, award.neighbourhood_id, change)


def offer_accepted(session: Session, award: Award) -> None:
    """The group accepted: the amount moves from offered to accepted."""
    change = Figures(offered_pence=-award.amount_pence, accepted_pence=award.amount_pence)
    _move(session, award.round_id, award.neighbourhood_id, change)


def payment_made(session: Session, award: Award, amount_pence: int) -> None:
    """An instalment of a live award was paid."""
    _move(session, award.round_id, award.neighbourhood_id, Figures(paid_pence=amount_pence))


def award_cancelled(session: Session, award: Award, *, was: AwardStatus, paid_pence: int) -> None:
    """A live award in state ``was`` is cancelled; what was paid on it stays spent."""
    held = "offered_pence" if was is AwardStatus.OFFERED else "accepted_pence"
    change = Figures(paid_pence=-paid_pence, cancelled_paid_pence=paid_pence, awards=-1)
    setattr(change, held, -award.amount_pence)
    _move(session, award.round_id, award.neighbourhood_id, change)


def all_totals(session: Session) -> dict[tuple[int, int], Figures]:
    """Every round's running totals by (round id, place), in one query."""
    rows = session.execute(
        select(BudgetTotal.round_id, BudgetTotal.place_id, *(getattr(BudgetTotal, name) for name in FIGURE_NAMES))
    ).all()
    return {(round_id, place_id): Figures(*values) for round_id, place_id, *values in rows}
