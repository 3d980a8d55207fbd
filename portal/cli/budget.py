"""``flask --app portal budget check``: every round's committed money adds up (run it daily, or after an incident)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from portal.extensions import db
from portal.formatting import pounds
from portal.services.awards.budget_check import round_money

group = AppGroup("budget", help="Round budgets.")


@group.command("check")
def check() -> None:
    """Check that each round's committed money equals its waiting approvals and awards, within its budget."""
    rounds = round_money(db.session)
    wrong = [money for money in rounds if not money.adds_up]
    for money in wrong:
        line = (
            f"Round {money.round_id} ({money.title}): committed {pounds(money.committed_pence)}, "
            f"but its approvals and awards add up to {pounds(money.should_be_pence)}"
        )
        if money.over_budget:
            line += f"; that is more than its budget of {pounds(money.budget_pence)}"
        click.echo(line, err=True)
    if wrong:
        raise click.exceptions.Exit(1)
    count = len(rounds)
    click.echo(f"All {count} round{'s' if count != 1 else ''} add up.")
