"""Numbers taken from addresses and forms, kept within what the database can hold.

Every id column is a 32-bit ``integer`` on PostgreSQL, and SQLite cannot bind
a Python int beyond 64 bits, so an id of twenty digits would fail deep in the
driver with a 500. The ``int`` converter of every route is replaced by one that
accepts only ASCII digits up to ``MAX_ID``: anything else is simply not found.
Ids and page numbers read from query strings and forms go through ``parse_id``
for the same reason (``"²".isdigit()`` is true, yet ``int("²")`` fails).
"""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from werkzeug.routing import IntegerConverter, Map

MAX_ID = 2**31 - 1  # PostgreSQL's integer
_DIGITS = re.compile(r"[0-9]{1,10}")


def at_most(limit: int) -> str:
    """A regular expression for the decimal numbers from 0 to ``limit`` (leading zeros allowed)."""
    digits = str(limit)
    choices = [f"[0-9]{{1,{len(digits) - 1}}}"] if len(digits) > 1 else []
    for place, digit in enumerate(digits):
        lowest = 1 if place == 0 and len(digits) > 1 else 0
        if int(digit) > lowest:
            rest = len(digits) - place - 1
            choices.append(digits[:place] + f"[{lowest}-{int(digit) - 1}]" + (f"[0-9]{{{rest}}}" if rest else ""))
    choices.append(digits)
    return "0*(?:" + "|".join(choices) + ")"


class DatabaseIdConverter(IntegerConverter):
    """``<int:…>`` for ids: ASCII digits from 0 to ``MAX_ID``, else the route does not match.

    The limit is in the pattern, not only checked after matching: Werkzeug
    compares methods before it converts, so a POST to ``/x/<too big>`` that
    also has a GET rule would answer 405 instead of 404.
    """

    regex = at_most(MAX_ID)

    # Werkzeug passes a rule's arguments (``<int(max=9):n>``) by these names.
    def __init__(self, map: Map, fixed_digits: int = 0, min: int | None = 0, max: int | None = MAX_ID) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max)


def parse_id(raw: Any) -> int | None:
    """A positive whole number that fits an id column, from a query string or form; None otherwise."""
    text = raw.strip() if isinstance(raw, str) else ""
    if not _DIGITS.fullmatch(text):
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


def init_app(app: Flask) -> None:
    # Before any blueprint is registered: each rule finds its converter when it is added.
    app.url_map.converters["int"] = DatabaseIdConverter
