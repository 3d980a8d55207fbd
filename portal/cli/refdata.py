"""``flask --app portal refdata …``: import deprivation and postcode reference data."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from portal.extensions import db
from portal.infra.database import writing
from portal.services.opendata import refdata

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
            raise click.ClickException(f"{path.name} was not imported. {error.message}") from None
        db.session.commit()
    click.echo(f"Imported IoD{result.edition} deprivation for {result.rows:,} LSOAs (replacing {result.replaced:,}).")


@group.command("import-postcodes")
@click.argument("path", type=FILE)
@click.option("--lsoa-column", help="The LSOA column to use (default: the one matching the deprivation data).")
def import_postcodes(path: Path, lsoa_column: str | None) -> None:
    """Load a postcode to LSOA lookup (ONS postcode directory CSV), keeping the programme's districts."""
    with writing(), path.open(encoding="utf-8-sig", newline="") as stream:
        try:
            result = refdata.import_postcodes(db.session, stream, lsoa_column=lsoa_column, source=path.name)
        except refdata.ReferenceDataError as error:
            db.session.rollback()
            raise click.ClickException(f"{path.name} was not imported. {error.message}") from None
        db.session.commit()
    click.echo(f"Imported {result.rows:,} postcodes in the programme's districts (replacing {result.replaced:,}).")
