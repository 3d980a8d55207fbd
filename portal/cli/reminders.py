"""``flask --app portal reminders drafts``: remind groups with an unsent draft that the round closes (run it hourly)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from portal.extensions import db
from portal.infra.database import writing
from portal.models.base import utcnow
from portal.services.applications.deadline_reminders import send_deadline_reminders

group = AppGroup("reminders", help="Reminders before deadlines.")


@group.command("drafts")
def drafts() -> None:
    """Remind groups whose application is not sent a week and a day before the round closes (each goes once)."""
    with writing():
        queued = send_deadline_reminders(db.session, utcnow())
        db.session.commit()
    click.echo(f"Queued {queued} draft reminder{'s' if queued != 1 else ''} (email or text).")
