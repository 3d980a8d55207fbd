"""Who may use which page: an explicit role-by-endpoint matrix (DESIGN §5).

``test_every_route_is_in_the_matrix`` fails for any route that is added
without a line here, so nobody adds a page without deciding who may use it.
Each line is then checked for real, for every method the route accepts.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask, url_for
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from portal.access import RULES, Rule
from portal.models.applications import ApplicationStatus
from portal.models.users import Role
from tests.conftest import CsrfClient
from tests.factories import make_application, make_organisation, make_round, make_user

ROLES = ("anonymous", "applicant_a", "applicant_b", "panellist", "officer", "admin")

OK = "ok"  # the page works for them (any status below 400)
SIGN_IN = "sign in"  # sent to the sign-in page
FORBIDDEN = "403"  # signed in, wrong role
NOT_FOUND = "404"  # someone else's object: its existence is not revealed


def everyone() -> dict[str, str]:
    return dict.fromkeys(ROLES, OK)


def signed_in() -> dict[str, str]:
    return {**everyone(), "anonymous": SIGN_IN}


def only(*roles: str) -> dict[str, str]:
    return {role: OK if role in roles else FORBIDDEN for role in ROLES} | {"anonymous": SIGN_IN}


@dataclass(frozen=True)
class World:
    """One of each kind of person, and objects that belong to some of them."""

    people: dict[str, Any]
    round_slug: str
    application_a_id: int


# endpoint -> (URL arguments from the world, expectation per role)
MATRIX: dict[str, tuple[Callable[[World], dict[str, Any]], dict[str, str]]] = {
    "main.index": (lambda w: {}, everyone()),
    "main.round_detail": (lambda w: {"slug": w.round_slug}, everyone()),
    "main.accessibility": (lambda w: {}, everyone()),
    "main.privacy": (lambda w: {}, everyone()),
    "main.healthz": (lambda w: {}, everyone()),
    "static": (lambda w: {"filename": "css/portal.css"}, everyone()),
    "auth.start": (lambda w: {}, everyone()),
    "auth.check_email": (lambda w: {}, everyone()),
    "auth.code": (lambda w: {}, everyone()),
    "auth.link": (lambda w: {"handle": "nohandle", "token": "notoken"}, everyone()),
    "auth.staff": (lambda w: {}, everyone()),
    "auth.totp": (lambda w: {}, everyone()),
    "auth.totp_setup": (lambda w: {}, everyone()),
    "auth.sign_out": (lambda w: {}, everyone()),
    "apply.dashboard": (lambda w: {}, signed_in()),
    "panel.home": (lambda w: {}, only("panellist")),
    "officer.home": (lambda w: {}, only("officer")),
    "admin.users": (lambda w: {}, only("admin")),
    "admin.new_user": (lambda w: {}, only("admin")),
    "admin.edit_user": (lambda w: {"user_id": w.people["applicant_a"].id}, only("admin")),
}

# Object-level checks: the right role, but an object that is not theirs or
# does not exist. (endpoint, role, URL arguments)
OBJECT_CHECKS: list[tuple[str, str, Callable[[World], dict[str, Any]]]] = [
    ("admin.edit_user", "admin", lambda w: {"user_id": 999_999}),
    ("main.round_detail", "anonymous", lambda w: {"slug": "no-such-round"}),
]


@pytest.fixture
def world(session: Session) -> World:
    people: dict[str, Any] = {
        "applicant_a": make_user(session, email="a@example.org"),
        "applicant_b": make_user(session, email="b@example.org"),
        "panellist": make_user(session, email="panel@example.org", roles=(Role.PANELLIST,)),
        "officer": make_user(session, email="officer@example.org", roles=(Role.OFFICER,)),
        "admin": make_user(session, email="admin@example.org", roles=(Role.ADMIN,)),
    }
    grant_round = make_round(session)
    group_a = make_organisation(session, members=(people["applicant_a"],))
    make_organisation(session, members=(people["applicant_b"],))
    application = make_application(
        session, grant_round=grant_round, organisation=group_a, status=ApplicationStatus.SUBMITTED
    )
    session.commit()
    return World(people=people, round_slug=grant_round.slug, application_a_id=application.id)


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
    if response.status_code in (301, 302, 303) and location.startswith("/sign-in") and endpoint.split(".")[0] != "auth":
        return SIGN_IN
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
    if role != "anonymous":
        sign_in_as(client, world.people[role])
    return client


@pytest.mark.parametrize("role", ROLES)
def test_matrix(app: Flask, sign_in_as: Any, world: World, role: str) -> None:
    methods = rules_by_endpoint(app)
    failures = []
    for endpoint, (arguments, expected) in MATRIX.items():
        url = url_in(app, endpoint, arguments(world))
        for method in sorted(methods[endpoint]):
            # A fresh client each time: sign-out and sign-in pages change the session.
            response = client_for(app, sign_in_as, world, role).open(url, method=method, data={})
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
        arguments, expected = MATRIX[endpoint]
        role = next(r for r in ROLES if expected[r] == OK)
        url = url_in(app, endpoint, arguments(world))
        response = client_for(app, sign_in_as, world, role).post(url, data={}, csrf=False)
        assert response.status_code == 400, f"POST {url} as {role} without a token: {response.status_code}"
