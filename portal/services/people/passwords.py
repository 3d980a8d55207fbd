"""Staff passwords: argon2id hashes and the rules a new password must meet.

The rules follow NCSC and NIST advice: a minimum length, no composition
rules, and a refusal of passwords that are common or easy to guess from the
person's email address.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context

from portal.config import ARGON2_DEFAULTS
from portal.infra.i18n import gettext

MIN_LENGTH = 8
MAX_LENGTH = 128
COMMON_PASSWORDS_FILE = Path(__file__).resolve().parents[2] / "auth" / "common_passwords.txt"
SERVICE_WORDS = frozenset({"anchoroffer", "anchor offer", "anchor-offer", "anchor_offer"})

_TRAILING_DIGITS_OR_SYMBOLS = re.compile(r"[\d\W_]+$")


@cache
def _hasher_with(time_cost: int, memory_kib: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism)


def _hasher() -> PasswordHasher:
    """argon2id at the configured cost (config.py: strong in production, cheap under
    test); outside an app, as in a one-off script, at the default cost."""
    settings = current_app.config if has_app_context() else ARGON2_DEFAULTS
    return _hasher_with(
        settings.get("ARGON2_TIME_COST", ARGON2_DEFAULTS["ARGON2_TIME_COST"]),
        settings.get("ARGON2_MEMORY_KIB", ARGON2_DEFAULTS["ARGON2_MEMORY_KIB"]),
        settings.get("ARGON2_PARALLELISM", ARGON2_DEFAULTS["ARGON2_PARALLELISM"]),
    )


@cache
def _dummy_hash(hasher: PasswordHasher) -> str:
    """Verified against when the email address is unknown, so the answer takes as
    long as for a real account and timing does not reveal which addresses exist.
    Made with the same hasher, so it costs what a real account's hash costs."""
    return hasher.hash("not a real password, used to spend the same time")


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches ``password_hash`` (False when there is no hash).
    A hash verifies at the cost it was made with, so hashes made under older
    settings still verify."""
    hasher = _hasher()
    try:
        return hasher.verify(password_hash or _dummy_hash(hasher), password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Whether the hash was made with other parameters than today's and should be replaced."""
    try:
        return _hasher().check_needs_rehash(password_hash)
    except InvalidHashError:
        return True


@cache
def common_passwords() -> frozenset[str]:
    """The list of common passwords, read once."""
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip())


def password_problem(password: str, *, email: str | None = None) -> str | None:
    """What is wrong with ``password`` as a new password, in plain English, or None."""
    if len(password) < MIN_LENGTH:
        return gettext("Your password must be at least %(length)s characters long", length=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return gettext("Your password must be %(length)s characters or fewer", length=MAX_LENGTH)
    lowered = password.strip().lower()
    base = _TRAILING_DIGITS_OR_SYMBOLS.sub("", lowered)
    local_part = (email or "").strip().lower().partition("@")[0]
    if local_part and local_part in {lowered, base}:
        return gettext("Your password must not be your email address")
    guessable = common_passwords() | SERVICE_WORDS
    if lowered in guessable or base in guessable:
        return gettext("Choose a password that is harder to guess: this one is too common")
    return None
