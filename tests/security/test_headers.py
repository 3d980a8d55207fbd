"""Security headers and cookies, in development and as production sets them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from portal import create_app
from portal.models.users import SignInMethod
from tests.conftest import CsrfClient
from tests.factories import make_user
from tests.fixtures.apps import TEST_BANK_KEY

HTTPS = {"base_url": "https://grants.example.org"}


@pytest.fixture
def production_app(app: Flask, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Flask:
    """The portal configured from the environment exactly as production is (the ``app``
    fixture is kept so the database is emptied afterwards)."""
    environment = {
        "PORTAL_ENV": "production",
        "SECRET_KEY": "Vq3k9ZrT1xYb8LmN2pWd7sHc4gFj6aKe0uRo5tIy",
        "DATABASE_URL": db_url,
        "PORTAL_BASE_URL": "https://grants.example.org",
        "BANK_DETAILS_KEYS": TEST_BANK_KEY,
        "STORAGE_URL": f"file://{tmp_path / 'uploads'}",
        "MAIL_URL": "smtp://127.0.0.1:9",
        # Production refuses rate limits off; counts in memory are allowed for one worker when said.
        "RATELIMIT_STORAGE_URI": "memory://",
        "ALLOW_IN_MEMORY_RATE_LIMITS": "1",
    }
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    for name in (
        "SESSION_COOKIE_SECURE",
        "REQUIRE_TOTP",
        "TRUSTED_PROXIES",
        "RATELIMIT_ENABLED",
        "WEB_CONCURRENCY",
        "GUNICORN_CMD_ARGS",
    ):
        monkeypatch.delenv(name, raising=False)
    production = create_app({"TESTING": True})
    production.test_client_class = CsrfClient
    return production


def csp_directives(response: Any) -> dict[str, str]:
    policy = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.partition(" ")[2] for part in (p.strip() for p in policy.split(";")) if part}


def test_the_content_security_policy_allows_no_inline_script_style_or_framing(client: FlaskClient) -> None:
    directives = csp_directives(client.get("/sign-in"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'none'"
    assert directives["form-action"] == "'self'"
    assert not any("unsafe" in value or "*" in value for value in directives.values())


@pytest.mark.parametrize(
    ("path", "cache_control"),
    [
        # The landing page answers conditional requests: a browser may keep it, asking each time; no shared cache.
        ("/", "private, no-cache"),
        ("/sign-in", "no-store"),
        ("/no-such-page", "no-store"),
        ("/healthz", "no-store"),
    ],
)
def test_every_response_carries_the_headers(client: FlaskClient, path: str, cache_control: str) -> None:
    headers = client.get(path).headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"
    assert "Content-Security-Policy" in headers
    # Any page may hold personal data; nothing but static files and public pages asked for again is kept.
    assert headers["Cache-Control"] == cache_control


def test_hsts_only_in_production(client: FlaskClient, production_app: Flask) -> None:
    assert "Strict-Transport-Security" not in client.get("/").headers
    hsts = production_app.test_client().get("/", **HTTPS).headers["Strict-Transport-Security"]
    max_age = int(hsts.split(";")[0].removeprefix("max-age="))
    assert max_age >= 365 * 24 * 3600
    assert "includeSubDomains" in hsts


def test_production_cookies_are_host_only_secure_httponly_and_lax(production_app: Flask) -> None:
    response = production_app.test_client().get("/sign-in", **HTTPS)
    cookies = response.headers.getlist("Set-Cookie")
    assert len(cookies) == 1
    name_value, *attributes = (part.strip() for part in cookies[0].split(";"))
    assert name_value.startswith("__Host-session=")
    flags = {attribute.split("=")[0].lower(): attribute.partition("=")[2] for attribute in attributes}
    assert "secure" in flags
    assert "httponly" in flags
    assert flags["samesite"] == "Lax"
    # The __Host- prefix demands Path=/ and no Domain: the cookie is never shared with other hosts.
    assert flags["path"] == "/"
    assert "domain" not in flags


def test_signed_in_production_pages_are_not_stored(production_app: Flask, session: Session) -> None:
    from portal.auth.sessions import SESSION_KEY, start_session
    from portal.extensions import db
    from portal.infra.database import writing

    person = make_user(session, email="amina@example.org", name="Amina Okafor")
    session.commit()
    client = production_app.test_client()
    with production_app.test_request_context(**HTTPS), writing():
        token = start_session(db.session, db.session.merge(person), signed_in_with=SignInMethod.EMAIL)
        db.session.commit()
        db.session.remove()
    with client.session_transaction(**HTTPS) as flask_session:
        flask_session[SESSION_KEY] = token
        flask_session["_permanent"] = True

    response = client.get("/dashboard", **HTTPS)

    assert response.status_code == 200
    assert "Sign out" in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Strict-Transport-Security"]
