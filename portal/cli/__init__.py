"""``flask --app portal …`` commands, one module per group."""

from __future__ import annotations

from importlib import import_module

from flask import Flask

COMMAND_MODULES = (
    "database",
    "users",
    "outbox",
    "demo",
    "reports",
    "events",
    "reminders",
    "refdata",
    "media",
    "retention",
    "storage",
    "budget",
)


def register(app: Flask) -> None:
    for name in COMMAND_MODULES:
        module = import_module(f"portal.cli.{name}")
        app.cli.add_command(module.group)
