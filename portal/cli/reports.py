"""``flask --app portal reports remind``: end-of-grant report reminders (run it daily)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from portal.extensions import db
from portal.formatting import uk_time
from portal.infra.database import writing
from portal.models.base import utcnow
from portal.services.awards.reports import send_report_reminders

group = AppGroup("reports", help="End-of-grant reports.")


@group.command("remind")
def remind() -> None:
    """Email (or text) groups whose report is due within two weeks or is late (each reminder goes once)."""
    with writing():
        sent = send_report_reminders(db.session, uk_time(utcnow()).date())
        db.session.commit()
    click.echo(f"Queued {sent} reminder email{'s' if sent != 1 else ''}.")
