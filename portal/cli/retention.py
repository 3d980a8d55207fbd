"""``flask --app portal retention run [--apply]``: anonymise what is past its retention period."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from portal.extensions import db
from portal.infra.database import writing
from portal.services.people import retention
from portal.storage import get_storage

group = AppGroup("retention", help="Keep personal data no longer than RETENTION_MONTHS.")


@group.command("run")
@click.option("--apply", "apply_changes", is_flag=True, help="Anonymise them; without it, only list them.")
def run(apply_changes: bool) -> None:
    """List declined, ineligible and withdrawn applications past the retention period (and old sent emails)."""
    months = current_app.config["RETENTION_MONTHS"]
    with writing():
        session = db.session
        due = retention.due_applications(session, months=months)
        emails = retention.old_email_count(session, months=months)
        if not due and not emails:
            click.echo(f"Nothing is older than {months} months; nothing to do.")
            return
        verb = "Anonymising" if apply_changes else "Would anonymise"
        for application in due:
            ended = retention.ended_at(application).date().isoformat()
            name = application.reference or f"draft {application.id}"
            click.echo(f"{verb} {name} ({application.status.value}, ended {ended})")
            if apply_changes:
                files = retention.anonymise_application(session, get_storage(), application, months=months)
                session.commit()
                if files:
                    click.echo(f"  {files} file(s) deleted from storage")
        if emails:
            verb = "Deleting" if apply_changes else "Would delete"
            click.echo(f"{verb} {emails} sent email(s) older than {months} months")
            if apply_changes:
                retention.delete_old_emails(session, months=months)
                session.commit()
    if not apply_changes:
        click.echo("Dry run: nothing was changed. Run again with --apply to do it.")
