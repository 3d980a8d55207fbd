"""Keyset pagination for the officers' and admins' lists: "Next 50" continues after the last row shown.

A page is read as "the next ``per_page`` rows after this row's sort key" (or before it, going back), so
the database reads the page from an index in the list's order however deep it is, where ``OFFSET``
would read and throw away every row before the page. The sort key always ends with the id, so rows
that tie on everything else still have one order and none is shown twice or skipped.

The key travels in the link as one opaque token (``?after=…`` or ``?before=…``), with how many rows
come before the page, only so the page can say "Showing 51 to 100" without counting the list. A token that
does not decode (an old or edited link) shows the first page rather than an error; so does the old
``?page=N``, which the lists no longer read.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Select, and_, literal, or_, tuple_
from sqlalchemy.orm import QueryableAttribute

T = TypeVar("T")
AnySelect = Select[*tuple[Any, ...]]
KeyValue = int | str | datetime
_MAX_TOKEN = 600


@dataclass(frozen=True)
class Key(Generic[T]):
    """One column of a list's order: the expression sorted on, which way, and how to read it from a row."""

    column: ColumnElement[Any] | QueryableAttribute[Any]
    read: Callable[[T], KeyValue]
    descending: bool = False


@dataclass(frozen=True)
class Cursor:
    """Where a page starts: after (or, going back, before) the row with ``values``, ``shown`` rows in."""

    values: tuple[KeyValue, ...]
    backwards: bool
    shown: int


@dataclass(frozen=True)
class Page(Generic[T]):
    rows: Sequence[T]
    first: int  # the number of the first row shown, from 1 (0 when the page is empty)
    next_token: str | None
    previous_token: str | None
    per_page: int

    @property
    def last(self) -> int:
        return self.first + len(self.rows) - 1 if self.rows else 0


def encode(cursor: Cursor) -> str:
    values = [{"d": v.isoformat()} if isinstance(v, datetime) else v for v in cursor.values]
    raw = json.dumps(["b" if cursor.backwards else "a", cursor.shown, values], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode(token: str | None, width: int) -> Cursor | None:
    """The cursor in ``token``, or None when it is missing or not one this list made (``width`` keys)."""
    if not token or len(token) > _MAX_TOKEN:
        return None
    try:
        direction, shown, raw = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        values = tuple(_value(v) for v in raw)
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        return None
    if direction not in ("a", "b") or not isinstance(shown, int) or shown < 0 or len(values) != width:
        return None
    return Cursor(values=values, backwards=direction == "b", shown=shown)


def _value(raw: object) -> KeyValue:
    if isinstance(raw, dict) and isinstance(raw.get("d"), str):
        return datetime.fromisoformat(raw["d"])
    if isinstance(raw, bool) or not isinstance(raw, int | str):
        raise ValueError("not a key value")
    if isinstance(raw, int) and abs(raw) > 2**62:
        raise ValueError("out of range")
    return raw


def beyond(keys: Sequence[Key[Any]], values: Sequence[KeyValue], *, backwards: bool) -> ColumnElement[bool]:
    """Rows after ``values`` in the keys' order (before them when ``backwards``).

    When every key runs the same way this is one row-value comparison, which PostgreSQL reads as a
    range of a matching index; otherwise it is spelled out column by column.
    """
    later = [key.descending == backwards for key in keys]  # True: "after" means greater
    # Each value is bound with its column's type, so a time compares as the column stores it.
    bound = [literal(value, type_=key.column.type) for key, value in zip(keys, values, strict=True)]
    if all(later) or not any(later):
        left, right = tuple_(*(k.column for k in keys)), tuple_(*bound)
        return left > right if later[0] else left < right
    options = []
    for i, key in enumerate(keys):
        equal = [keys[j].column == bound[j] for j in range(i)]
        step = key.column > bound[i] if later[i] else key.column < bound[i]
        options.append(and_(*equal, step))
    return or_(*options)


def page(
    statement: AnySelect,
    keys: Sequence[Key[T]],
    args: Mapping[str, str],
    fetch: Callable[[AnySelect], Sequence[T]],
    *,
    per_page: int,
) -> Page[T]:
    """The page of ``statement`` (not yet ordered) that ``args`` (``after`` or ``before``) asks for, in
    ``keys`` order: one query of ``per_page + 1`` rows, the extra one telling whether more follow."""
    cursor = decode(args.get("before"), len(keys)) or decode(args.get("after"), len(keys))
    backwards = cursor is not None and cursor.backwards
    order = [k.column.desc() if k.descending != backwards else k.column.asc() for k in keys]
    ordered = statement.order_by(None).order_by(*order).limit(per_page + 1)
    found = list(fetch(ordered.where(beyond(keys, cursor.values, backwards=backwards)) if cursor else ordered))
    if cursor is not None and not found:
        # The rows the link pointed past have gone (or it was edited): show the first page instead.
        return page(statement, keys, {}, fetch, per_page=per_page)
    more = len(found) > per_page
    rows = found[:per_page]
    if backwards:
        rows.reverse()
        # Going back past the first row lands on the first page, whatever the link counted.
        first = max(2, cursor.shown - len(rows) + 1) if cursor and more else 1
        has_next, has_previous = True, more
    else:
        first = (cursor.shown if cursor else 0) + 1
        has_next, has_previous = more, cursor is not None
    if not rows:
        return Page(rows=rows, first=0, next_token=None, previous_token=None, per_page=per_page)

    def at(row: T) -> tuple[KeyValue, ...]:
        return tuple(key.read(row) for key in keys)

    return Page(
        rows=rows,
        first=first,
        next_token=encode(Cursor(at(rows[-1]), False, first + len(rows) - 1)) if has_next else None,
        previous_token=encode(Cursor(at(rows[0]), True, first - 1)) if has_previous else None,
        per_page=per_page,
    )
