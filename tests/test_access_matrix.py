"""Who may use which page: an explicit role-by-endpoint matrix (DESIGN §5).

The lines live in ``tests/access/``, one module per journey.
``test_every_route_is_in_the_matrix`` fails for any route that is added
without a line there, so nobody adds a page without deciding who may use it.
Each line is then checked for real, for every method the route accepts.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask, url_for
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from portal.access import RULES, Rule
from portal.models.users import SignInMethod
from tests.access import (
    FORBIDDEN,
    MATRIX_ROLES,
    NOT_FOUND,
    OK,
    ROLES,
    SIGN_IN,
    STAFF_SIGN_IN,
    WEAK_OFFICER,
    World,
    collect,
)
from tests.access.world import build_world
from tests.conftest import CsrfClient

MATRIX, OBJECT_CHECKS = collect()


@pytest.fixture
def world(session: Session) -> World:
    return build_world(session)


def rules_by_endpoint(app: Flask) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        found.setdefault(rule.endpoint, set()).update((rule.methods or set()) - {"HEAD", "OPTIONS"})
    return found


def test_every_route_is_in_the_matrix(app: Flask) -> None:
    endpoints = set(rules_by_endpoint(app))
    assert endpoints - set(MATRIX) == set(), "add these routes to the access matrix"
    assert set(MATRIX) - endpoints == set(), "these matrix lines name routes that no longer exist"


def test_every_blueprint_declares_a_rule(app: Flask) -> None:
    assert set(app.blueprints) <= set(RULES)
    assert RULES["main"] is Rule.PUBLIC
    assert RULES["auth"] is Rule.PUBLIC


def test_paths_are_kebab_case_and_ids_are_typed(app: Flask) -> None:
    for rule in app.url_map.iter_rules():
        fixed_parts = re.sub(r"<[^>]+>", "", rule.rule)
        assert re.fullmatch(r"[a-z0-9/\-.]*", fixed_parts), f"{rule.rule} is not kebab-case"
        for variable in re.findall(r"<([^>]+)>", rule.rule):
            if variable.endswith("_id") and not variable.startswith("int:"):
                pytest.fail(f"{rule.rule}: ids must use <int:…>")


def outcome(response: Any, endpoint: str) -> str:
    location = response.headers.get("Location", "")
    redirected = response.status_code in (301, 302, 303) and endpoint.split(".")[0] != "auth"
    if redirected and location.startswith("/sign-in"):
        return SIGN_IN
    if redirected and location.startswith("/staff/sign-in"):
        return STAFF_SIGN_IN
    if response.status_code == 403:
        return FORBIDDEN
    if response.status_code == 404:
        return NOT_FOUND
    assert response.status_code < 500, f"{endpoint}: {response.status_code}"
    return OK if response.status_code < 400 else str(response.status_code)


def url_in(app: Flask, endpoint: str, arguments: dict[str, Any]) -> str:
    with app.test_request_context():
        return url_for(endpoint, **arguments)


def client_for(app: Flask, sign_in_as: Any, world: World, role: str) -> FlaskClient:
    app.test_client_class = CsrfClient
    client = app.test_client()
    if role == WEAK_OFFICER:
        sign_in_as(client, world.people["officer"], SignInMethod.EMAIL)
    elif role != "anonymous":
        sign_in_as(client, world.people[role])
    return client


@pytest.mark.parametrize("role", MATRIX_ROLES)
def test_matrix(app: Flask, sign_in_as: Any, world: World, role: str) -> None:
    methods = rules_by_endpoint(app)
    failures = []
    for endpoint, (arguments, expected, *form) in MATRIX.items():
        url = url_in(app, endpoint, arguments(world))
        for method in sorted(methods[endpoint]):
            # A fresh client each time: sign-out and sign-in pages change the session.
            data = (form[0](world) if callable(form[0]) else dict(form[0])) if form else {}
            response = client_for(app, sign_in_as, world, role).open(url, method=method, data=data)
            got = outcome(response, endpoint)
            response.close()
            if got != expected[role]:
                failures.append(f"{method} {url} as {role}: expected {expected[role]}, got {got}")
    assert failures == []


@pytest.mark.parametrize(("endpoint", "role", "arguments"), OBJECT_CHECKS)
def test_objects_of_others_are_not_found(
    app: Flask, sign_in_as: Any, world: World, endpoint: str, role: str, arguments: Callable[[World], dict[str, Any]]
) -> None:
    url = url_in(app, endpoint, arguments(world))
    assert client_for(app, sign_in_as, world, role).get(url).status_code == 404


def test_posts_without_a_csrf_token_are_refused(app: Flask, sign_in_as: Any, world: World) -> None:
    """No state-changing route accepts a form that did not come from the portal."""
    for endpoint, methods in rules_by_endpoint(app).items():
        if "POST" not in methods:
            continue
        arguments, expected, *_ = MATRIX[endpoint]
        # The token is checked before the page is found: a route only the group it names can use
        # (a confirmation link) is tried by a signed-in person it is not for.
        role = next((r for r in ROLES if expected[r] == OK), "applicant_b")
        url = url_in(app, endpoint, arguments(world))
        response = client_for(app, sign_in_as, world, role).post(url, data={}, csrf=False)
        assert response.status_code == 400, f"POST {url} as {role} without a token: {response.status_code}"
