"""``flask --app portal refdata …``: import deprivation and postcode reference data.

``import-imd`` and ``import-postcodes`` import a file at once; ``work --loop``
is the worker that imports the files officers upload in the browser (run it
beside ``outbox send --loop``; ``make run`` starts both).
"""

from __future__ import annotations

import logging
from pathlib import Path

import click
from flask.cli import AppGroup

from portal.cli.outbox import _stop_on_signals
from portal.extensions import db
from portal.infra.database import writing
from portal.services.opendata import refdata
from portal.services.places import reference_imports
from portal.storage import get_storage

log = logging.getLogger(__name__)

group = AppGroup("refdata", help="Reference data: deprivation by LSOA, postcode to LSOA.")

FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


@group.command("import-imd")
@click.argument("path", type=FILE)
def import_imd(path: Path) -> None:
    """Load an English Indices of Deprivation File 1 (IoD2019 or IoD2025, CSV), replacing the old data."""
    with writing(), path.open(encoding="utf-8-sig", newline="") as stream:
        try:
            result = refdata.import_imd(db.session, stream, source=path.name)
        except refdata.ReferenceDataError as error:
            db.session.rollback()
            raise click.ClickException(f"{path.name} was not imported.\n{error.message}") from None
        db.session.commit()
    click.echo(f"Imported IoD{result.edition} deprivation for {result.rows:,} LSOAs (replacing {result.replaced:,}).")


@group.command("import-postcodes")
@click.argument("path", type=FILE)
@click.option("--lsoa-column", help="The LSOA column to use (default: the one matching the deprivation data).")
def import_postcodes(path: Path, lsoa_column: str | None) -> None:
    """Load a postcode to LSOA lookup (ONS postcode directory CSV), keeping the programme's districts."""
    with writing(), path.open(encoding="utf-8-sig", newline="") as stream:
        try:
            result = refdata.import_postcodes(
                db.session, stream, lsoa_column=lsoa_column, source=path.name, progress=_echo_progress
            )
        except refdata.ReferenceDataError as error:
            db.session.rollback()
            raise click.ClickException(f"{path.name} was not imported.\n{error.message}") from None
        db.session.commit()
    click.echo(f"Imported {result.rows:,} postcodes in the programme's districts (replacing {result.replaced:,}).")


def _echo_progress(line: int) -> None:
    # The ONS directory has millions of lines: say now and then how far it has got.
    if line % 500_000 == 0:
        click.echo(f"… {line:,} lines read")


@group.command("work")
@click.option("--loop", is_flag=True, help="Keep importing uploaded files until stopped (SIGTERM or Ctrl-C).")
@click.option(
    "--interval",
    type=click.FloatRange(min=0.1),
    default=5.0,
    show_default=True,
    help="Seconds between looks for new uploads with --loop.",
)
def work_command(loop: bool, interval: float) -> None:
    """Import the reference-data files uploaded in the browser: those waiting now, or continually with --loop."""
    if not loop:
        ran = _one_pass()
        click.echo(f"Ran {ran} import{'' if ran == 1 else 's'}.")
        return
    with _stop_on_signals() as stopping:
        click.echo(f"Looking for uploaded reference data every {interval:g} s; stop with Ctrl-C or SIGTERM.")
        while not stopping.is_set():
            try:
                ran = _one_pass()
            except Exception:
                log.exception("Reference data pass failed; trying again in %g s", interval)
            else:
                if ran:
                    click.echo(f"Ran {ran} reference data import{'' if ran == 1 else 's'}.")
            stopping.wait(interval)
        click.echo("Stopped.")


def _one_pass() -> int:
    # Not writing(): on SQLite that would hold the write lock while a long file
    # is read. Reading writes nothing but the progress; the data is written at the end.
    try:
        return reference_imports.run_waiting(db.session, get_storage())
    finally:
        db.remove()
