"""Settings, read only from the environment (DESIGN §9).

Development needs no variables at all: SQLite and file storage live in the
instance folder. Production refuses to start without the settings that keep
people's data safe, and says in one line what is missing.
"""

from __future__ import annotations

import base64
import binascii
import os
import secrets
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any


class ConfigError(RuntimeError):
    """The environment does not describe a safe, working portal."""


TRUTHY = {"1", "true", "yes", "on"}


def _bool(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in TRUTHY


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "")
    if raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}.") from exc


def load_config(instance_path: str, env: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Build the Flask config mapping from environment variables."""
    env = os.environ if env is None else env
    portal_env = env.get("PORTAL_ENV", "development").strip().lower()
    if portal_env not in {"development", "production"}:
        raise ConfigError(f"PORTAL_ENV must be 'development' or 'production', not {portal_env!r}.")
    production = portal_env == "production"
    instance = Path(instance_path)

    secret_key = env.get("SECRET_KEY", "")
    if not secret_key and not production:
        # A fresh random key per process: development sessions simply end on restart.
        secret_key = secrets.token_hex(32)

    database_url = env.get("DATABASE_URL", "") or ("" if production else f"sqlite:///{instance / 'portal.sqlite3'}")
    storage_url = env.get("STORAGE_URL", "") or f"file://{instance / 'uploads'}"
    secure_cookies = _bool(env.get("SESSION_COOKIE_SECURE"), default=production)

    config: dict[str, Any] = {
        "PORTAL_ENV": portal_env,
        "PRODUCTION": production,
        "SECRET_KEY": secret_key,
        "DATABASE_URL": database_url,
        "STORAGE_URL": storage_url,
        "S3_ENDPOINT_URL": env.get("S3_ENDPOINT_URL") or None,
        "MAIL_URL": env.get("MAIL_URL", "") or "console",
        "MAIL_FROM": env.get("MAIL_FROM", "") or "Anchor Offer grants <grants@localhost>",
        # Where people write to the programme team (accessibility, privacy).
        "PROGRAMME_EMAIL": env.get("PROGRAMME_EMAIL", "") or None,
        "MAX_UPLOAD_MB": _int(env, "MAX_UPLOAD_MB", 20),
        # Declined, ineligible and withdrawn applications are anonymised this long after they end.
        "RETENTION_MONTHS": _int(env, "RETENTION_MONTHS", 24),
        "PORTAL_BASE_URL": (env.get("PORTAL_BASE_URL", "") or "http://127.0.0.1:5000").rstrip("/"),
        "GRANT_ID_PREFIX": env.get("GRANT_ID_PREFIX", "") or "anchoroffer",
        # Who the 360Giving file names as funder and publisher (an org-id such as GB-CHC-1234567).
        "FUNDER_ORG_ID": env.get("FUNDER_ORG_ID", "") or f"360G-{env.get('GRANT_ID_PREFIX', '') or 'anchoroffer'}",
        "PUBLISHER_NAME": env.get("PUBLISHER_NAME", "") or "Anchor Offer grants",
        "REQUIRE_TOTP": _bool(env.get("REQUIRE_TOTP"), default=production),
        "SESSION_IDLE_MINUTES": _int(env, "SESSION_IDLE_MINUTES", 30),
        "SESSION_ABSOLUTE_HOURS": _int(env, "SESSION_ABSOLUTE_HOURS", 12),
        # How many reverse proxies (load balancer, nginx) stand in front of the
        # portal: their X-Forwarded-For/-Proto are trusted, so rate limits see
        # the person's address rather than the proxy's.
        "TRUSTED_PROXIES": _int(env, "TRUSTED_PROXIES", 0),
        # Fernet keys for bank details at rest, comma-separated: the first
        # encrypts, every one decrypts (so a key can be rotated).
        "BANK_DETAILS_KEYS": [key.strip() for key in env.get("BANK_DETAILS_KEYS", "").split(",") if key.strip()],
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI", "") or "memory://",
        "RATELIMIT_ENABLED": _bool(env.get("RATELIMIT_ENABLED"), default=True),
        # Flask and extension settings derived from the above.
        "SESSION_COOKIE_NAME": "__Host-session" if secure_cookies else "session",
        "SESSION_COOKIE_SECURE": secure_cookies,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_DURATION": timedelta(seconds=0),
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=_int(env, "SESSION_ABSOLUTE_HOURS", 12)),
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
        "WTF_CSRF_SSL_STRICT": secure_cookies,
    }
    if config["RETENTION_MONTHS"] < 1:
        raise ConfigError("RETENTION_MONTHS must be at least 1.")
    # The request body may carry one upload plus the form around it.
    config["MAX_CONTENT_LENGTH"] = (config["MAX_UPLOAD_MB"] + 1) * 1024 * 1024
    if production:
        check_production(config)
    return config


def check_production(config: Mapping[str, Any]) -> None:
    """Refuse settings that would be unsafe with real people's data."""
    missing = [name for name in ("SECRET_KEY", "DATABASE_URL") if not config.get(name)]
    if missing:
        raise ConfigError(f"Production needs {' and '.join(missing)} set in the environment.")
    if len(config["SECRET_KEY"]) < 32:
        raise ConfigError("SECRET_KEY must be at least 32 characters in production.")
    if not config["SESSION_COOKIE_SECURE"]:
        raise ConfigError("Production needs secure cookies: unset SESSION_COOKIE_SECURE or set it to 1.")
    if not config["PORTAL_BASE_URL"].startswith("https://"):
        raise ConfigError("PORTAL_BASE_URL must be an https:// address in production.")
    if not config["BANK_DETAILS_KEYS"] or not all(_is_fernet_key(key) for key in config["BANK_DETAILS_KEYS"]):
        raise ConfigError(
            "Production needs BANK_DETAILS_KEYS: one or more keys made with "
            '`python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"`.'
        )


def _is_fernet_key(key: str) -> bool:
    try:
        return len(base64.urlsafe_b64decode(key.encode())) == 32
    except (ValueError, binascii.Error):
        return False
