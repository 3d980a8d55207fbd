"""Settings, read only from the environment (DESIGN §9).

Development needs no variables at all: SQLite and file storage live in the
instance folder. Every number must lie in a sensible range, everywhere.
Production refuses to start without the settings that keep people's data
safe; ``create_app`` then prints one line saying what is wrong, with no
traceback, and exits with status 4 (``APP_LOAD_ERROR``).
"""

from __future__ import annotations

import base64
import binascii
import itertools
import math
import os
import re
import secrets
import shlex
import sys
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import urlsplit


class ConfigError(RuntimeError):
    """The environment does not describe a safe, working portal."""


TRUTHY = {"1", "true", "yes", "on"}
# gunicorn's status for "the application could not be loaded": on it, gunicorn's
# master stops instead of starting workers again and again.
APP_LOAD_ERROR = 4
# The range of every numeric setting: (lowest, highest).
RANGES = {
    "MAX_UPLOAD_MB": (1, 100),
    "RECORDING_MAX_MB": (1, 1024),
    "RECORDING_MAX_SECONDS": (10, 60 * 60),
    "REFERENCE_DATA_MAX_MB": (1, 4096),
    "RETENTION_MONTHS": (1, 120),
    "SESSION_IDLE_MINUTES": (1, 24 * 60),
    "SESSION_ABSOLUTE_HOURS": (1, 7 * 24),
    "TRUSTED_PROXIES": (0, 5),
    # The port the portal is served on, for PORTAL_BASE_URL's development default.
    "PORT": (1, 65535),
    # Low floors so tests can hash cheaply; production is held to ARGON2_MINIMUM.
    "ARGON2_TIME_COST": (1, 20),
    "ARGON2_MEMORY_KIB": (8, 4 * 1024 * 1024),
    "ARGON2_PARALLELISM": (1, 16),
}
# Seconds to wait for Redis (rate-limit counts) before counting in memory instead.
RATE_LIMIT_STORAGE_TIMEOUTS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}

# Today's password hashing cost: argon2-cffi's defaults (RFC 9106's low-memory
# profile). Changing them makes every stored hash be replaced at its next sign-in.
ARGON2_DEFAULTS = {"ARGON2_TIME_COST": 3, "ARGON2_MEMORY_KIB": 64 * 1024, "ARGON2_PARALLELISM": 4}
# The least production accepts: OWASP's floor for argon2id (19 MiB, two passes).
# Below it a stolen database of hashes is cheap to guess through.
ARGON2_MINIMUM = {"ARGON2_TIME_COST": 2, "ARGON2_MEMORY_KIB": 19 * 1024, "ARGON2_PARALLELISM": 1}
# An estimate from the secret's own characters; a random 32-character hex key
# (128 real bits) scores 92 or more, a repeated character 0.
MIN_SECRET_BITS = 80
PLACEHOLDERS = re.compile(r"change.?me|replace|example|password|secret", re.IGNORECASE)
HOW_TO_MAKE_A_KEY = """make one with `python -c "import secrets; print(secrets.token_urlsafe(48))"`"""


def _bool(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in TRUTHY


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    """The whole number ``name`` gives, within its range in RANGES (a new numeric
    setting needs an entry there, or every start fails with KeyError)."""
    raw = env.get(name, "").strip()
    low, high = RANGES[name]
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a whole number from {low} to {high}, not {raw!r}.") from exc
    if not low <= value <= high:
        raise ConfigError(f"{name} must be a whole number from {low} to {high}, not {raw!r}.")
    return value


def refuse_to_start(error: ConfigError) -> NoReturn:
    """Say in one line why the portal will not start, and stop with APP_LOAD_ERROR."""
    sys.stderr.write(f"The portal will not start: {error}\n")
    sys.stderr.flush()
    raise SystemExit(APP_LOAD_ERROR)


def load_config(
    instance_path: str, env: Mapping[str, str] | None = None, argv: Sequence[str] | None = None
) -> dict[str, Any]:
    """Build the Flask config mapping from environment variables (and, to count
    gunicorn's workers, the command line ``argv``)."""
    env = os.environ if env is None else env
    argv = sys.argv if argv is None else argv
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
    # Links in emails start with this. Unset, it follows the port served on (``PORT=5101 make run``).
    base_url = env.get("PORTAL_BASE_URL", "") or f"http://127.0.0.1:{_int(env, 'PORT', 5000)}"

    config: dict[str, Any] = {
        "PORTAL_ENV": portal_env,
        "PRODUCTION": production,
        "SECRET_KEY": secret_key,
        "DATABASE_URL": database_url,
        "STORAGE_URL": storage_url,
        "S3_ENDPOINT_URL": env.get("S3_ENDPOINT_URL") or None,
        "MAIL_URL": env.get("MAIL_URL", "") or "console",
        "MAIL_FROM": env.get("MAIL_FROM", "") or "Anchor Offer grants <grants@localhost>",
        # Texts (sign-in codes and reminders for people who choose them): "console" prints them in
        # development; unset in production, nobody is offered texts (portal/infra/sms.py).
        "SMS_URL": env.get("SMS_URL", "").strip() or ("" if production else "console"),
        "MAX_UPLOAD_MB": _int(env, "MAX_UPLOAD_MB", 20),
        # A spoken or filmed answer: the largest file and the longest recording taken.
        "RECORDING_MAX_MB": _int(env, "RECORDING_MAX_MB", 100),
        "RECORDING_MAX_SECONDS": _int(env, "RECORDING_MAX_SECONDS", 300),
        # The largest reference-data file officers may upload (the ONS postcode directory is over 1 GB).
        "REFERENCE_DATA_MAX_MB": _int(env, "REFERENCE_DATA_MAX_MB", 2048),
        # Declined, ineligible and withdrawn applications are anonymised this long after they end.
        "RETENTION_MONTHS": _int(env, "RETENTION_MONTHS", 24),
        "PORTAL_BASE_URL": base_url.rstrip("/"),
        "REQUIRE_TOTP": _bool(env.get("REQUIRE_TOTP"), default=production),
        "SESSION_IDLE_MINUTES": _int(env, "SESSION_IDLE_MINUTES", 30),
        "SESSION_ABSOLUTE_HOURS": _int(env, "SESSION_ABSOLUTE_HOURS", 12),
        # How many reverse proxies (load balancer, nginx) stand in front of the
        # portal: their X-Forwarded-For/-Proto are trusted, so rate limits see
        # the person's address rather than the proxy's.
        "TRUSTED_PROXIES": _int(env, "TRUSTED_PROXIES", 0),
        # How hard a password hash is to compute (portal/services/people/passwords.py).
        **{name: _int(env, name, default) for name, default in ARGON2_DEFAULTS.items()},
        # Fernet keys for bank details at rest, comma-separated: the first
        # encrypts, every one decrypts (so a key can be rotated).
        "BANK_DETAILS_KEYS": [key.strip() for key in env.get("BANK_DETAILS_KEYS", "").split(",") if key.strip()],
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI", "") or "memory://",
        "RATELIMIT_ENABLED": _bool(env.get("RATELIMIT_ENABLED"), default=True),
        # If Redis stops answering, each process counts on its own in memory (every
        # limit still holds, per process) and goes back to Redis once it answers;
        # pages never wait long for it nor fail because of it (portal/infra/rate_limits.py).
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_STORAGE_OPTIONS": dict(RATE_LIMIT_STORAGE_TIMEOUTS),
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
    # The request body may carry one upload plus the form around it.
    config["MAX_CONTENT_LENGTH"] = (config["MAX_UPLOAD_MB"] + 1) * 1024 * 1024
    if production:
        check_production(config)
        check_rate_limit_storage(config, env, argv)
    return config


def check_production(config: Mapping[str, Any]) -> None:
    """Refuse settings that would be unsafe with real people's data."""
    missing = [name for name in ("SECRET_KEY", "DATABASE_URL") if not config.get(name)]
    if missing:
        raise ConfigError(f"Production needs {' and '.join(missing)} set in the environment.")
    if len(config["SECRET_KEY"]) < 32:
        raise ConfigError(f"SECRET_KEY must be at least 32 characters in production: {HOW_TO_MAKE_A_KEY}.")
    if guessable(config["SECRET_KEY"]):
        raise ConfigError(
            f"SECRET_KEY looks guessable (a placeholder, a pattern or too few characters): {HOW_TO_MAKE_A_KEY}."
        )
    mail = urlsplit(config["MAIL_URL"])
    if mail.scheme not in {"smtp", "smtps"} or not mail.hostname:
        raise ConfigError(
            "Production needs MAIL_URL set to smtp://… or smtps://…: console mail would print sign-in codes to the log."
        )
    if config["SMS_URL"] == "console":
        raise ConfigError(
            "SMS_URL=console is refused in production: it would print sign-in codes to the log. "
            "Set twilio://… or leave it unset (no texts)."
        )
    texts = urlsplit(config["SMS_URL"])
    if config["SMS_URL"] and (texts.scheme != "twilio" or not texts.hostname or "from=" not in texts.query):
        raise ConfigError("SMS_URL must be twilio://ACCOUNT_SID:AUTH_TOKEN@api.twilio.com?from=NUMBER, or unset.")
    if not config["REQUIRE_TOTP"]:
        raise ConfigError(
            "Production needs officers and admins to use an authenticator: unset REQUIRE_TOTP or set it to 1."
        )
    if not config["RATELIMIT_ENABLED"]:
        raise ConfigError("Production needs rate limits: unset RATELIMIT_ENABLED or set it to 1.")
    if not config["SESSION_COOKIE_SECURE"]:
        raise ConfigError("Production needs secure cookies: unset SESSION_COOKIE_SECURE or set it to 1.")
    if not config["PORTAL_BASE_URL"].startswith("https://"):
        raise ConfigError("PORTAL_BASE_URL must be an https:// address in production.")
    if not config["BANK_DETAILS_KEYS"] or not all(_is_fernet_key(key) for key in config["BANK_DETAILS_KEYS"]):
        raise ConfigError(
            "Production needs BANK_DETAILS_KEYS: one or more keys made with "
            '`python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"`.'
        )
    weaker = [name for name, least in ARGON2_MINIMUM.items() if config[name] < least]
    if weaker:
        floor = ", ".join(f"{name}={least}" for name, least in ARGON2_MINIMUM.items())
        raise ConfigError(
            f"{' and '.join(weaker)} too low for production: password hashes must cost at least {floor} "
            "(unset them to keep the defaults)."
        )


def check_rate_limit_storage(config: Mapping[str, Any], env: Mapping[str, str], argv: Sequence[str]) -> None:
    """Counts kept in one process's memory are counted again by every other process,
    so each gunicorn worker would let through its own full allowance."""
    if not config["RATELIMIT_STORAGE_URI"].startswith("memory://"):
        return
    if not _bool(env.get("ALLOW_IN_MEMORY_RATE_LIMITS"), default=False):
        raise ConfigError(
            "Production needs RATELIMIT_STORAGE_URI=redis://… so every worker shares one count "
            "(for one gunicorn worker on one server, ALLOW_IN_MEMORY_RATE_LIMITS=1 allows memory://)."
        )
    workers = declared_workers(env, argv)
    if workers > 1:
        raise ConfigError(
            f"ALLOW_IN_MEMORY_RATE_LIMITS=1 is for one gunicorn worker, but {workers} are set: "
            "use RATELIMIT_STORAGE_URI=redis://… or --workers 1."
        )


def declared_workers(env: Mapping[str, str], argv: Sequence[str]) -> int:
    """The most gunicorn workers the environment or its command line asks for (1 if none is said).

    gunicorn reads ``WEB_CONCURRENCY`` and ``GUNICORN_CMD_ARGS``; a worker
    process keeps gunicorn's own command line as ``sys.argv``.
    """
    found = [1]
    if env.get("WEB_CONCURRENCY", "").strip().isdigit():
        found.append(int(env["WEB_CONCURRENCY"]))
    try:
        arguments = shlex.split(env.get("GUNICORN_CMD_ARGS", ""))
    except ValueError:  # an unclosed quote: gunicorn will say so itself
        arguments = env.get("GUNICORN_CMD_ARGS", "").split()
    if argv and Path(argv[0]).name.startswith("gunicorn"):
        arguments += list(argv[1:])
    for index, argument in enumerate(arguments):
        value = None
        if argument in {"-w", "--workers"} and index + 1 < len(arguments):
            value = arguments[index + 1]
        elif argument.startswith("--workers="):
            value = argument.partition("=")[2]
        elif argument.startswith("-w") and argument[2:].isdigit():
            value = argument[2:]
        if value is not None and value.isdigit():
            found.append(int(value))
    return max(found)


def guessable(secret: str) -> bool:
    """True for a secret no random generator would make: a placeholder word, one
    short unit repeated, mostly neighbouring characters (abc, 987), or too little
    variety to hold MIN_SECRET_BITS."""
    if PLACEHOLDERS.search(secret):
        return True
    if (secret + secret).find(secret, 1) < len(secret):  # "abcabcabc…"
        return True
    steps = sum(abs(ord(b) - ord(a)) == 1 for a, b in itertools.pairwise(secret))
    if steps * 2 > len(secret):
        return True
    counts = Counter(secret)
    bits = -sum(count * math.log2(count / len(secret)) for count in counts.values())
    return bits < MIN_SECRET_BITS


def _is_fernet_key(key: str) -> bool:
    try:
        return len(base64.urlsafe_b64decode(key.encode())) == 32
    except (ValueError, binascii.Error):
        return False
