from __future__ import annotations

import pytest
from argon2 import PasswordHasher, extract_parameters
from flask import Flask

from portal.services.people import passwords
from portal.services.people.passwords import hash_password, needs_rehash, password_problem, verify_password


def test_hash_and_verify() -> None:
    hashed = hash_password("a long and unusual passphrase")

    assert hashed.startswith("$argon2id$")
    assert verify_password(hashed, "a long and unusual passphrase")
    assert not verify_password(hashed, "a long and unusual passphrasE")
    assert not needs_rehash(hashed)


def test_no_hash_or_a_broken_hash_never_verifies() -> None:
    assert not verify_password(None, "anything at all")
    assert not verify_password("not-a-hash", "anything at all")


def test_hashes_made_with_weaker_parameters_need_rehashing() -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1).hash("a long and unusual passphrase")

    assert verify_password(weak, "a long and unusual passphrase")
    assert needs_rehash(weak)


def test_hashes_cost_what_the_configuration_says_and_older_ones_still_verify(app: Flask) -> None:
    made_at_default_cost = hash_password("a long and unusual passphrase")  # no app: today's cost
    with app.app_context():
        cheap = hash_password("a long and unusual passphrase")

        parameters = extract_parameters(cheap)
        assert (parameters.time_cost, parameters.memory_cost, parameters.parallelism) == (
            app.config["ARGON2_TIME_COST"],
            app.config["ARGON2_MEMORY_KIB"],
            app.config["ARGON2_PARALLELISM"],
        )
        assert verify_password(made_at_default_cost, "a long and unusual passphrase")
        assert needs_rehash(made_at_default_cost)
        assert not needs_rehash(cheap)
        assert not verify_password(None, "a long and unusual passphrase")


@pytest.mark.parametrize(
    ("password", "expected"),
    [
        ("short", "Your password must be at least 8 characters long"),
        ("x" * 129, "Your password must be 128 characters or fewer"),
        ("password", "Choose a password that is harder to guess: this one is too common"),
        ("PASSWORD", "Choose a password that is harder to guess: this one is too common"),
        ("Password123!", "Choose a password that is harder to guess: this one is too common"),
        ("iloveyou", "Choose a password that is harder to guess: this one is too common"),
        ("football2024", "Choose a password that is harder to guess: this one is too common"),
        ("qwertyuiop", "Choose a password that is harder to guess: this one is too common"),
        ("anchoroffer", "Choose a password that is harder to guess: this one is too common"),
        ("AnchorOffer2025!", "Choose a password that is harder to guess: this one is too common"),
        ("sam.officer", "Your password must not be your email address"),
        ("sam.officer99", "Your password must not be your email address"),
    ],
)
def test_password_problem_refuses_weak_passwords(password: str, expected: str) -> None:
    assert password_problem(password, email="Sam.Officer@example.org") == expected


@pytest.mark.parametrize("password", ["river otter lantern", "Tq9#mzL!vw", "x" * 128, "8 chars!"])
def test_password_problem_accepts_reasonable_passwords(password: str) -> None:
    assert password_problem(password, email="sam.officer@example.org") is None


def test_the_common_password_list_is_large_lower_case_and_loaded_once() -> None:
    words = passwords.common_passwords()

    assert len(words) >= 500
    assert all(word == word.lower().strip() and word for word in words)
    assert {"123456", "password", "qwerty", "iloveyou", "football"} <= words
    assert passwords.common_passwords() is words
