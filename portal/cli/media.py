"""``flask --app portal media …``: the worker that prepares spoken or filmed answers.

``work --loop`` converts each accepted recording to one playable format (run it
beside ``outbox send --loop``; ``make run`` starts it with the other workers).
"""

from __future__ import annotations

import logging

import click
from flask import current_app
from flask.cli import AppGroup

from portal.cli.outbox import _stop_on_signals
from portal.extensions import db
from portal.services.files import conversions
from portal.storage import get_storage

log = logging.getLogger(__name__)

group = AppGroup("media", help="Spoken or filmed answers: convert accepted recordings to a playable format.")


@group.command("work")
@click.option("--loop", is_flag=True, help="Keep converting new recordings until stopped (SIGTERM or Ctrl-C).")
@click.option(
    "--interval",
    type=click.FloatRange(min=0.1),
    default=5.0,
    show_default=True,
    help="Seconds between looks for new recordings with --loop.",
)
def work_command(loop: bool, interval: float) -> None:
    """Convert the recordings waiting now, or continually with --loop."""
    if not loop:
        ran = _one_pass()
        click.echo(f"Converted {ran} recording{'' if ran == 1 else 's'}.")
        return
    with _stop_on_signals() as stopping:
        click.echo(f"Looking for recordings to prepare every {interval:g} s; stop with Ctrl-C or SIGTERM.")
        while not stopping.is_set():
            try:
                ran = _one_pass()
            except Exception:
                log.exception("Recording conversion pass failed; trying again in %g s", interval)
            else:
                if ran:
                    click.echo(f"Converted {ran} recording{'' if ran == 1 else 's'}.")
            stopping.wait(interval)
        click.echo("Stopped.")


def _one_pass() -> int:
    try:
        return conversions.run_waiting(
            db.session, get_storage(), max_seconds=current_app.config["RECORDING_MAX_SECONDS"]
        )
    finally:
        db.remove()
