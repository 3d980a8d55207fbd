"""``flask --app portal storage sweep [--apply]``: remove files no record points to (run it daily)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from portal.extensions import db
from portal.infra.database import writing
from portal.models.base import utcnow
from portal.services.files.sweep import sweep
from portal.storage import get_storage

group = AppGroup("storage", help="File storage.")


@group.command("sweep")
@click.option("--apply", is_flag=True, help="Delete the orphans (without it, only list them).")
def sweep_command(apply: bool) -> None:
    """List stored files older than a day that no document or photo record names; delete them with --apply."""
    with writing():
        report = sweep(db.session, get_storage(), now=utcnow(), apply=apply)
        db.session.commit()
    for key in report.orphans:
        click.echo(key)
    if apply:
        click.echo(f"Deleted {_files(report.deleted)}.")
    else:
        click.echo(f"Found {_files(len(report.orphans))}; run with --apply to delete.")
    if report.kept_young:
        click.echo(f"Left {_files(report.kept_young, 'newer')} alone (less than a day old).")


def _files(count: int, kind: str = "orphan") -> str:
    return f"{count} {kind} file{'s' if count != 1 else ''}"
