"""Commands."""

from flask.cli import AppGroup

group = AppGroup("demo")
