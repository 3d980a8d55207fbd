"""Settings come from the environment; production refuses unsafe ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from portal import create_app
from portal.config import ConfigError, load_config

SAFE_PRODUCTION = {
    "PORTAL_ENV": "production",
    "SECRET_KEY": "x" * 40,
    "DATABASE_URL": "postgresql+psycopg://portal@db/portal",
    "PORTAL_BASE_URL": "https://grants.example.org",
    "BANK_DETAILS_KEYS": "8m3Mx2tcN5b0oVsO2b5fK1Zr3pXrQkGgE3n1sWb9yQY=",
}


def test_development_needs_no_settings(tmp_path: Path) -> None:
    config = load_config(str(tmp_path), env={})
    assert config["DATABASE_URL"] == f"sqlite:///{tmp_path}/portal.sqlite3"
    assert config["STORAGE_URL"] == f"file://{tmp_path}/uploads"
    assert config["MAIL_URL"] == "console"
    assert len(config["SECRET_KEY"]) >= 32
    assert config["SESSION_COOKIE_SECURE"] is False


def test_safe_production_settings_are_accepted(tmp_path: Path) -> None:
    config = load_config(str(tmp_path), env=SAFE_PRODUCTION)
    assert config["SESSION_COOKIE_NAME"] == "__Host-session"
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["REQUIRE_TOTP"] is True


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"SECRET_KEY": ""}, "Production needs SECRET_KEY set"),
        ({"BANK_DETAILS_KEYS": ""}, "Production needs BANK_DETAILS_KEYS"),
        ({"BANK_DETAILS_KEYS": "not-a-key"}, "Production needs BANK_DETAILS_KEYS"),
        ({"DATABASE_URL": ""}, "Production needs DATABASE_URL set"),
        ({"SECRET_KEY": "", "DATABASE_URL": ""}, "Production needs SECRET_KEY and DATABASE_URL"),
        ({"SECRET_KEY": "short"}, "at least 32 characters"),
        ({"SESSION_COOKIE_SECURE": "0"}, "secure cookies"),
        ({"PORTAL_BASE_URL": "http://grants.example.org"}, "https://"),
        ({"PORTAL_ENV": "staging"}, "PORTAL_ENV must be"),
        ({"MAX_UPLOAD_MB": "lots"}, "MAX_UPLOAD_MB must be a whole number"),
    ],
)
def test_unsafe_production_settings_are_refused_in_one_line(
    tmp_path: Path, change: dict[str, str], message: str
) -> None:
    with pytest.raises(ConfigError, match=message) as refused:
        load_config(str(tmp_path), env={**SAFE_PRODUCTION, **change})
    assert "\n" not in str(refused.value)


def test_behind_a_proxy_the_forwarded_address_is_used(db_url: str) -> None:
    app = create_app({"DATABASE_URL": db_url, "TRUSTED_PROXIES": 1, "TESTING": True})

    @app.get("/whoami")
    def whoami() -> str:
        from flask import request

        return request.remote_addr or ""

    response = app.test_client().get("/whoami", headers={"X-Forwarded-For": "203.0.113.9"})
    assert response.text == "203.0.113.9"
