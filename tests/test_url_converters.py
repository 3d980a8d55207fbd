"""Every variable of every route, with values at and beyond what the database holds.

Each route is requested, with each of its methods, by someone the access
matrix lets in (so the request reaches the lookup), with every id at the
largest id, just past it, past 64 bits, in other scripts' digits, and with
hostile text in every text variable. Nothing answers 500, and an id the
database cannot hold is simply not found. ``HANDLED`` names the converters
this test knows how to attack; ``tests/property_coverage.py`` (run by
``make lint``) fails when a route uses any other.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session
from werkzeug.routing import AnyConverter, BaseConverter, PathConverter, Rule, UnicodeConverter

from portal.routing import MAX_ID, DatabaseIdConverter
from tests.access import OK, ROLES, World
from tests.access.world import build_world
from tests.test_access_matrix import MATRIX, client_for

# What each kind of variable is attacked with; a route using another converter fails the lint check.
HANDLED: dict[type[BaseConverter], str] = {
    DatabaseIdConverter: "ids at, beyond and far beyond MAX_ID, and digits of other scripts",
    UnicodeConverter: "hostile text: line breaks, controls, right-to-left overrides, emoji, 200 characters",
    AnyConverter: "a value that is none of the choices",
    PathConverter: "hostile text as a file path",
}
BEYOND = [str(MAX_ID + 1), str(2**63), "9" * 20, "1" + "0" * 40, "0" * 20 + str(MAX_ID + 1), "١٢", "²"]
WITHIN = [str(MAX_ID), "0" * 20 + str(MAX_ID)]
HOSTILE_TEXT = ["a\r\nb", "..%2F..%2Fetc", "photo\u202egpj.exe", "👩\u200d👩\u200d👧" * 40, "\x1b\x7f\t", "x" * 2000]
TYPED = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), min_size=1, max_size=200)


def converters(app: Flask) -> set[type[BaseConverter]]:
    return {type(converter) for rule in app.url_map.iter_rules() for converter in rule._converters.values()}


def test_every_converter_in_use_is_attacked(app: Flask) -> None:
    assert converters(app) <= set(HANDLED)


def routes(app: Flask, kind: type[BaseConverter]) -> list[Rule]:
    return sorted(
        (rule for rule in app.url_map.iter_rules() if kind in {type(c) for c in rule._converters.values()}),
        key=lambda rule: rule.rule,
    )


def fill(rule: Rule, *, number: str = "1", text: str = "x", choice: str | None = None) -> str:
    """``rule``'s path with every id ``number``, every text ``text`` and every choice ``choice`` (else a valid one)."""

    def value(match: re.Match[str]) -> str:
        converter = rule._converters[match.group("name")]
        if isinstance(converter, DatabaseIdConverter):
            return quote(number)
        if isinstance(converter, AnyConverter):
            return quote(choice, safe="") if choice is not None else sorted(converter.items)[0]
        return quote(text, safe="")

    # <any('a', 'b'):part> and <int:id> alike: the converter (and its arguments) before the name.
    return re.sub(r"<(?:[^<>]*:)?(?P<name>[a-z_]+)>", value, rule.rule)


def allowed_role(endpoint: str) -> str:
    """Someone the access matrix lets use ``endpoint``, so a request reaches its lookups."""
    if endpoint == "static":
        return "anonymous"
    expected = MATRIX[endpoint][1]
    return next((role for role in ROLES if expected[role] == OK), "officer")


@pytest.fixture
def clients(app: Flask, session: Session, sign_in_as: Any) -> dict[str, FlaskClient]:
    world: World = build_world(session)
    return {role: client_for(app, sign_in_as, world, role) for role in ROLES}


def requests(app: Flask, rule: Rule, path: str, clients: dict[str, FlaskClient]) -> Iterator[tuple[str, int]]:
    client = clients[allowed_role(rule.endpoint)]
    for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
        response = client.open(path, method=method)
        response.close()
        yield method, response.status_code


def test_ids_beyond_the_database_are_not_found_on_every_route(app: Flask, clients: dict[str, FlaskClient]) -> None:
    problems = []
    for rule in routes(app, DatabaseIdConverter):
        for number in BEYOND + WITHIN:
            path = fill(rule, number=number)
            for method, status in requests(app, rule, path, clients):
                if status >= 500 or (number in BEYOND and status != 404):
                    problems.append(f"{method} {path}: {status}")
    assert problems == []


@settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_id_on_any_route_is_answered_without_a_500(
    app: Flask, clients: dict[str, FlaskClient], data: st.DataObject
) -> None:
    rule = data.draw(st.sampled_from(routes(app, DatabaseIdConverter)))
    number = data.draw(st.integers(min_value=10_000, max_value=10**40))
    for method, status in requests(app, rule, fill(rule, number=str(number)), clients):
        assert status < 500, f"{method} {rule.rule} with {number}: {status}"
        if number > MAX_ID:
            assert status == 404


@pytest.mark.parametrize("text", HOSTILE_TEXT)
def test_hostile_text_in_every_text_variable_is_answered_without_a_500(
    app: Flask, clients: dict[str, FlaskClient], text: str
) -> None:
    problems = []
    for kind in (UnicodeConverter, PathConverter, AnyConverter):
        for rule in routes(app, kind):
            path = fill(rule, text=text, choice=text if kind is AnyConverter else None)
            for method, status in requests(app, rule, path, clients):
                if status >= 500 or (kind is AnyConverter and status != 404):
                    problems.append(f"{method} {path[:80]}: {status}")
    assert problems == []


@settings(max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_text_in_any_text_variable_is_answered_without_a_500(
    app: Flask, clients: dict[str, FlaskClient], data: st.DataObject
) -> None:
    rule = data.draw(st.sampled_from(routes(app, UnicodeConverter) + routes(app, PathConverter)))
    text = data.draw(TYPED)
    for method, status in requests(app, rule, fill(rule, text=text), clients):
        assert status < 500, f"{method} {rule.rule} with {text!r}: {status}"
