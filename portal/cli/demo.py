"""``flask --app portal demo load``: invented data to explore the portal with."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from portal.extensions import db
from portal.infra.database import writing
from portal.storage import get_storage

group = AppGroup("demo", help="Demonstration data.")


@group.command("load")
def load() -> None:
    """Create the demo fund, round, groups and people (safe to run again)."""
    from portal.demo import programme as demo

    if current_app.config["PRODUCTION"]:
        raise click.ClickException("The demo data is for development only; it is never loaded in production.")
    with writing():
        lines = demo.load(db.session, storage=get_storage())
        db.session.commit()
    base = current_app.config["PORTAL_BASE_URL"]
    click.echo(f"Demo data is ready. Open {base} and sign in as one of these (all addresses are invented):")
    for who, how in lines:
        click.echo(f"  {who}\n      {how}")
