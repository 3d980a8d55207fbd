"""Settings come from the environment; production refuses unsafe ones, in one line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from portal import create_app
from portal.config import APP_LOAD_ERROR, ConfigError, load_config

ROOT = Path(__file__).resolve().parent.parent
SAFE_PRODUCTION = {
    "PORTAL_ENV": "production",
    "SECRET_KEY": "Vq3k9ZrT1xYb8LmN2pWd7sHc4gFj6aKe0uRo5tIy",
    "DATABASE_URL": "postgresql+psycopg://portal@db/portal",
    "PORTAL_BASE_URL": "https://grants.example.org",
    "BANK_DETAILS_KEYS": "8m3Mx2tcN5b0oVsO2b5fK1Zr3pXrQkGgE3n1sWb9yQY=",
    "MAIL_URL": "smtp://mailer:secret@smtp.example.org:587",
    "RATELIMIT_STORAGE_URI": "redis://cache.internal:6379/0",
}
IN_MEMORY_LIMITS = {"RATELIMIT_STORAGE_URI": "memory://", "ALLOW_IN_MEMORY_RATE_LIMITS": "1"}


def test_development_needs_no_settings(tmp_path: Path) -> None:
    config = load_config(str(tmp_path), env={})
    assert config["DATABASE_URL"] == f"sqlite:///{tmp_path}/portal.sqlite3"
    assert config["STORAGE_URL"] == f"file://{tmp_path}/uploads"
    assert config["MAIL_URL"] == "console"
    assert config["SMS_URL"] == "console"
    assert len(config["SECRET_KEY"]) >= 32
    assert config["SESSION_COOKIE_SECURE"] is False


def test_the_base_url_follows_the_port_in_development(tmp_path: Path) -> None:
    assert load_config(str(tmp_path), env={})["PORTAL_BASE_URL"] == "http://127.0.0.1:5000"
    assert load_config(str(tmp_path), env={"PORT": "5101"})["PORTAL_BASE_URL"] == "http://127.0.0.1:5101"
    # A base URL that is set wins over the port.
    chosen = {"PORT": "5101", "PORTAL_BASE_URL": "http://grants.localhost:8080/"}
    assert load_config(str(tmp_path), env=chosen)["PORTAL_BASE_URL"] == "http://grants.localhost:8080"


def test_a_port_that_is_not_a_port_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="PORT must be a whole number from 1 to 65535"):
        load_config(str(tmp_path), env={"PORT": "five thousand"})


def test_safe_production_settings_are_accepted(tmp_path: Path) -> None:
    config = load_config(str(tmp_path), env=SAFE_PRODUCTION, argv=["pytest"])
    assert config["SESSION_COOKIE_NAME"] == "__Host-session"
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["REQUIRE_TOTP"] is True
    assert config["SMS_URL"] == ""  # unset: no texts, and nobody is offered them
    texts = {**SAFE_PRODUCTION, "SMS_URL": "twilio://AC1:token@api.twilio.com?from=%2B447700900000"}
    assert load_config(str(tmp_path), env=texts, argv=["pytest"])["SMS_URL"].startswith("twilio://")


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
        # Sign-in codes must not end up in the log.
        ({"MAIL_URL": ""}, "Production needs MAIL_URL set to smtp://"),
        ({"MAIL_URL": "console"}, "console mail would print sign-in codes"),
        ({"MAIL_URL": "smtp://"}, "Production needs MAIL_URL"),
        ({"SMS_URL": "console"}, "SMS_URL=console is refused in production"),
        ({"SMS_URL": "https://api.twilio.com"}, "SMS_URL must be twilio://"),
        ({"SMS_URL": "twilio://AC1:token@api.twilio.com"}, "SMS_URL must be twilio://"),
        ({"REQUIRE_TOTP": "0"}, "use an authenticator: unset REQUIRE_TOTP"),
        ({"RATELIMIT_ENABLED": "0"}, "Production needs rate limits"),
        # Counts in each worker's memory: every worker would allow the whole limit again.
        ({"RATELIMIT_STORAGE_URI": ""}, "RATELIMIT_STORAGE_URI=redis://"),
        ({"RATELIMIT_STORAGE_URI": "memory://"}, "ALLOW_IN_MEMORY_RATE_LIMITS=1 allows memory://"),
        ({**IN_MEMORY_LIMITS, "WEB_CONCURRENCY": "3"}, "is for one gunicorn worker, but 3 are set"),
        ({**IN_MEMORY_LIMITS, "GUNICORN_CMD_ARGS": "--bind :8000 --workers=4"}, "but 4 are set"),
        ({**IN_MEMORY_LIMITS, "GUNICORN_CMD_ARGS": "-w 2"}, "but 2 are set"),
        ({**IN_MEMORY_LIMITS, "GUNICORN_CMD_ARGS": "--name 'portal -w 3"}, "but 3 are set"),
        ({"SECRET_KEY": "x" * 40}, "SECRET_KEY looks guessable"),
        ({"SECRET_KEY": "ab" * 20}, "SECRET_KEY looks guessable"),
        ({"SECRET_KEY": "0123456789abcdef" * 2}, "SECRET_KEY looks guessable"),
        ({"SECRET_KEY": "abcdefghijklmnopqrstuvwxyz0123456789"}, "SECRET_KEY looks guessable"),
        ({"SECRET_KEY": "please-change-me-before-going-live-7Hq2"}, "SECRET_KEY looks guessable"),
        ({"SECRET_KEY": "our-charity-secret-key-for-production-2026"}, "SECRET_KEY looks guessable"),
        ({"SECRET_KEY": "aaaaaaaaaaaaaaaaaaaabbbbbbbbbbbbbbbbbbbb1"}, "SECRET_KEY looks guessable"),
        # Cheap password hashes are for tests; a stolen table of them would be quick to guess through.
        ({"ARGON2_TIME_COST": "1"}, "ARGON2_TIME_COST too low for production"),
        ({"ARGON2_MEMORY_KIB": "8"}, "ARGON2_MEMORY_KIB too low for production"),
        ({"ARGON2_MEMORY_KIB": "1024", "ARGON2_TIME_COST": "1"}, "ARGON2_TIME_COST and ARGON2_MEMORY_KIB too low"),
    ],
)
def test_unsafe_production_settings_are_refused_in_one_line(
    tmp_path: Path, change: dict[str, str], message: str
) -> None:
    with pytest.raises(ConfigError, match=message) as refused:
        load_config(str(tmp_path), env={**SAFE_PRODUCTION, **change}, argv=["pytest"])
    assert "\n" not in str(refused.value)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("MAX_UPLOAD_MB", "-5"),
        ("MAX_UPLOAD_MB", "0"),
        ("MAX_UPLOAD_MB", "100000"),
        ("RETENTION_MONTHS", "0"),
        ("RETENTION_MONTHS", "9999"),
        ("SESSION_IDLE_MINUTES", "-1"),
        ("SESSION_IDLE_MINUTES", "0"),
        ("SESSION_ABSOLUTE_HOURS", "0"),
        ("SESSION_ABSOLUTE_HOURS", "100000"),
        ("TRUSTED_PROXIES", "-1"),
        ("TRUSTED_PROXIES", "99"),
        ("ARGON2_TIME_COST", "0"),
        ("ARGON2_MEMORY_KIB", "4"),
        ("ARGON2_PARALLELISM", "0"),
    ],
)
@pytest.mark.parametrize("environment", [{}, SAFE_PRODUCTION], ids=["development", "production"])
def test_every_number_must_be_in_its_range_everywhere(
    tmp_path: Path, environment: dict[str, str], name: str, value: str
) -> None:
    with pytest.raises(ConfigError, match=rf"^{name} must be a whole number from \d+ to \d+, not '{value}'\.$"):
        load_config(str(tmp_path), env={**environment, name: value}, argv=["pytest"])


def test_production_keeps_todays_password_hash_cost_and_may_raise_it(tmp_path: Path) -> None:
    config = load_config(str(tmp_path), env=SAFE_PRODUCTION, argv=["pytest"])
    assert (config["ARGON2_TIME_COST"], config["ARGON2_MEMORY_KIB"], config["ARGON2_PARALLELISM"]) == (3, 65536, 4)

    stronger = {"ARGON2_TIME_COST": "4", "ARGON2_MEMORY_KIB": "131072", "ARGON2_PARALLELISM": "2"}
    config = load_config(str(tmp_path), env={**SAFE_PRODUCTION, **stronger}, argv=["pytest"])
    assert (config["ARGON2_TIME_COST"], config["ARGON2_MEMORY_KIB"], config["ARGON2_PARALLELISM"]) == (4, 131072, 2)


@pytest.mark.parametrize(
    "secret",
    [
        "5f0c1b7e9a2d4c3f8e6b1a0d9c7e2f4a",  # secrets.token_hex(16): 128 bits
        "kX2_vQ9-ZbHn4RtWmYc7LpA3sFj8GdEu1oKiNx6TqBw",  # secrets.token_urlsafe(32)
        "wombat lantern quarry osprey velvet thimble",  # six words from a long list
    ],
)
def test_real_secrets_are_accepted(tmp_path: Path, secret: str) -> None:
    assert load_config(str(tmp_path), env={**SAFE_PRODUCTION, "SECRET_KEY": secret}, argv=["pytest"])


@pytest.mark.parametrize(
    "environment",
    [
        {**IN_MEMORY_LIMITS, "WEB_CONCURRENCY": "1"},
        {**IN_MEMORY_LIMITS, "GUNICORN_CMD_ARGS": "--workers 1"},
        {"WEB_CONCURRENCY": "8", "GUNICORN_CMD_ARGS": "-w 8"},  # the counts are shared in Redis
    ],
    ids=["memory-one-worker", "memory-workers-1", "redis-eight-workers"],
)
def test_in_memory_rate_limits_are_allowed_for_one_worker_when_said(
    tmp_path: Path, environment: dict[str, str]
) -> None:
    config = load_config(str(tmp_path), env={**SAFE_PRODUCTION, **environment}, argv=["gunicorn", "wsgi:app"])
    assert config["RATELIMIT_ENABLED"] is True


def test_a_gunicorn_worker_counts_the_workers_on_its_own_command_line(tmp_path: Path) -> None:
    environment = {**SAFE_PRODUCTION, **IN_MEMORY_LIMITS}
    argv = ["/srv/portal/.venv/bin/gunicorn", "--bind", "127.0.0.1:8000", "-w", "4", "wsgi:app"]
    with pytest.raises(ConfigError, match="but 4 are set"):
        load_config(str(tmp_path), env=environment, argv=argv)
    assert load_config(str(tmp_path), env=environment, argv=["/srv/portal/.venv/bin/gunicorn", "-w1", "wsgi:app"])


def run(command: list[str], environment: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path), **environment}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'portal.sqlite3'}"
    env["STORAGE_URL"] = f"file://{tmp_path / 'uploads'}"
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False)


def flask(*arguments: str) -> list[str]:
    return [str(Path(sys.executable).with_name("flask")), "--app", "portal", *arguments]


def gunicorn_check(*arguments: str) -> list[str]:
    # --check-config loads wsgi:app as a worker would, then exits instead of serving.
    return [str(Path(sys.executable).with_name("gunicorn")), "--check-config", "--no-control-socket", *arguments]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"MAX_UPLOAD_MB": "-5"}, "MAX_UPLOAD_MB must be a whole number from 1 to 100, not '-5'."),
        ({"MAIL_URL": "console"}, "Production needs MAIL_URL set to smtp://"),
        ({"SECRET_KEY": "x" * 40}, "SECRET_KEY looks guessable"),
    ],
)
def test_the_flask_command_refuses_with_one_line_and_a_status(
    tmp_path: Path, change: dict[str, str], message: str
) -> None:
    refused = run(flask("routes"), {**SAFE_PRODUCTION, **change}, tmp_path)

    assert refused.returncode == APP_LOAD_ERROR
    assert refused.stderr.startswith(f"The portal will not start: {message}")
    assert refused.stderr.count("\n") == 1
    assert refused.stdout == ""


def test_gunicorn_refuses_in_memory_rate_limits_with_several_workers_in_one_line(tmp_path: Path) -> None:
    environment = {**SAFE_PRODUCTION, **IN_MEMORY_LIMITS}
    started = run(gunicorn_check("--workers", "1", "wsgi:app"), environment, tmp_path)
    assert started.returncode == 0, started.stderr  # the same settings load with one worker

    refused = run(gunicorn_check("--workers", "2", "wsgi:app"), environment, tmp_path)

    assert refused.returncode == APP_LOAD_ERROR
    assert "Traceback" not in refused.stderr
    assert refused.stderr.strip().splitlines() == [
        "The portal will not start: ALLOW_IN_MEMORY_RATE_LIMITS=1 is for one gunicorn worker, but 2 are set: "
        "use RATELIMIT_STORAGE_URI=redis://… or --workers 1."
    ]


def test_behind_a_proxy_the_forwarded_address_is_used(db_url: str) -> None:
    app = create_app({"DATABASE_URL": db_url, "TRUSTED_PROXIES": 1, "TESTING": True})

    @app.get("/whoami")
    def whoami() -> str:
        from flask import request

        return request.remote_addr or ""

    response = app.test_client().get("/whoami", headers={"X-Forwarded-For": "203.0.113.9"})
    assert response.text == "203.0.113.9"
