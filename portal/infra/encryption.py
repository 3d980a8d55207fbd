"""Encryption at rest with the keys in ``BANK_DETAILS_KEYS``.

One mechanism for every secret the portal must be able to read back: groups'
bank details, staff's authenticator (TOTP) secrets and the code and link of a
sign-in email until it is sent. The keys are Fernet keys (AES-128-CBC with
HMAC-SHA-256) from the environment: the first encrypts, every one of them
decrypts, so a new key can be put first, ``flask --app portal users
encrypt-secrets`` run to re-encrypt what is stored, and the old key removed.
In development, when no key is set, one is made once and kept in the
instance folder (production refuses to start without keys).
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app

DEV_KEY_FILE = "bank-details-development.key"


class CannotDecrypt(Exception):
    """The value was encrypted with a key that is no longer in ``BANK_DETAILS_KEYS`` (or is not ours)."""


def _keys() -> list[str]:
    keys = list(current_app.config.get("BANK_DETAILS_KEYS") or [])
    if keys:
        return keys
    if current_app.config.get("PRODUCTION"):  # pragma: no cover - production refuses to start without keys
        raise RuntimeError("BANK_DETAILS_KEYS is not set")
    path = Path(current_app.instance_path) / DEV_KEY_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as key_file:
            key_file.write(Fernet.generate_key().decode())
    return [path.read_text().strip()]


def _fernets() -> list[Fernet]:
    return [Fernet(key.encode()) for key in _keys()]


def encrypt(plain: bytes) -> bytes:
    """``plain`` encrypted with the first key."""
    return _fernets()[0].encrypt(plain)


def decrypt(token: bytes) -> bytes:
    """The plain bytes of ``token``, trying every key; ``CannotDecrypt`` if none fits."""
    try:
        return MultiFernet(_fernets()).decrypt(bytes(token))
    except InvalidToken as error:
        raise CannotDecrypt from error


def uses_first_key(token: bytes) -> bool:
    """Whether ``token`` was encrypted with the first key (so re-encrypting would change nothing)."""
    try:
        _fernets()[0].decrypt(bytes(token))
    except InvalidToken:
        return False
    return True
