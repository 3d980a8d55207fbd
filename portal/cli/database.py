"""``flask --app portal db …``: Alembic migrations with the app's DATABASE_URL."""

from __future__ import annotations

from pathlib import Path

import click
from alembic import command
from alembic.config import Config
from flask import current_app
from flask.cli import AppGroup

group = AppGroup("db", help="Database migrations.")

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def alembic_config(database_url: str) -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    # ConfigParser interpolation: a literal % in a password must be doubled.
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def _config() -> Config:
    url = current_app.config["DATABASE_URL"]
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    return alembic_config(url)


@group.command("upgrade")
@click.argument("revision", default="head")
def upgrade(revision: str) -> None:
    """Bring the database schema up to REVISION (default: the newest)."""
    command.upgrade(_config(), revision)


@group.command("downgrade")
@click.argument("revision")
def downgrade(revision: str) -> None:
    """Take the database schema back to REVISION."""
    command.downgrade(_config(), revision)


@group.command("revision")
@click.option("-m", "--message", required=True, help="What the migration does.")
def revision(message: str) -> None:
    """Write a new migration from the difference between models and database."""
    command.revision(_config(), message=message, autogenerate=True)


@group.command("current")
def current() -> None:
    """Show the database's current revision."""
    command.current(_config())
