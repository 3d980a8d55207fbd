"""``flask --app portal budget check``: every round's committed money adds up, and so do its running totals
(run it daily, or after an incident)."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from portal.extensions import db
from portal.formatting import pounds
from portal.models.funding import Neighbourhood
from portal.services.awards.budget_check import check_totals, round_money
from portal.services.awards.budget_totals import NO_NEIGHBOURHOOD

group = AppGroup("budget", help="Round budgets.")

FIGURE_WORDS = {
    "waiting_pence": "money waiting for a second officer",
    "offered_pence": "money offered",
    "accepted_pence": "money accepted",
    "paid_pence": "money paid",
    "cancelled_paid_pence": "money paid on cancelled grants",
    "awards": "awards",
}


def place_words(names: dict[int, str], place_id: int) -> str:
    if place_id == NO_NEIGHBOURHOOD:
        return "groups with no neighbourhood"
    return f"neighbourhood {names.get(place_id, place_id)}"


@group.command("check")
def check() -> None:
    """Check that each round's committed money equals its waiting approvals and awards, within its budget,
    and that the budget page's running totals equal the same figures worked out afresh."""
    rounds = round_money(db.session)
    wrong = [money for money in rounds if not money.adds_up]
    titles = {money.round_id: money.title for money in rounds}
    differences = check_totals(db.session)
    places = {difference.place_id for difference in differences}
    found = db.session.execute(select(Neighbourhood.id, Neighbourhood.name).where(Neighbourhood.id.in_(places)))
    names = {place_id: name for place_id, name in found}
    for money in wrong:
        line = (
            f"Round {money.round_id} ({money.title}): committed {pounds(money.committed_pence)}, "
            f"but its approvals and awards add up to {pounds(money.should_be_pence)}"
        )
        if money.over_budget:
            line += f"; that is more than its budget of {pounds(money.budget_pence)}"
        click.echo(line, err=True)
    for difference in differences:
        figure = FIGURE_WORDS[difference.figure]
        kept, should_be = (
            (str(difference.kept), str(difference.should_be))
            if difference.figure == "awards"
            else (pounds(difference.kept), pounds(difference.should_be))
        )
        click.echo(
            f"Round {difference.round_id} ({titles.get(difference.round_id, 'no such round')}), "
            f"{place_words(names, difference.place_id)}: the running total of {figure} is {kept}, "
            f"but its approvals, awards and payments add up to {should_be}",
            err=True,
        )
    if wrong or differences:
        raise click.exceptions.Exit(1)
    count = len(rounds)
    click.echo(f"All {count} round{'s' if count != 1 else ''} add up.")
