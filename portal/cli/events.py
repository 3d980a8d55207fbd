"""``flask --app portal events remind``: reminders the day before peer-learning events (run it daily, or hourly)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from portal.extensions import db
from portal.infra.database import writing
from portal.models.base import utcnow
from portal.services.events import reminders

group = AppGroup("events", help="Peer-learning events.")


@group.command("remind")
def remind() -> None:
    """Email (or text) people booked for events starting today or tomorrow (each reminder goes once)."""
    with writing():
        sent = reminders.send_event_reminders(db.session, utcnow())
        db.session.commit()
    click.echo(f"Queued {sent} event reminder email{'s' if sent != 1 else ''}.")
