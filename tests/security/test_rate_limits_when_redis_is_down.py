"""When Redis stops answering, pages are still served and every limit still holds, counted in memory.

Why counting in memory rather than turning limits off or refusing everyone:
``portal/infra/rate_limits.py``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import redis
from flask import Flask
from sqlalchemy.orm import Session

from portal.extensions import limiter
from portal.infra import rate_limits
from portal.infra.rate_limits import EMAILS_PER_ADDRESS_AND_IP, PASSWORDS_PER_ADDRESS
from portal.models.users import Role
from tests.auth.helpers import ask_for_code, page_text
from tests.conftest import another_browser
from tests.factories import make_user
from tests.fixtures.redis import RedisServer
from tests.security.test_rate_limits import allowed, from_ip

pytestmark = pytest.mark.redis

EMAIL = "amina@example.org"
OFFICER = "officer@example.org"
PASSWORD = "river otter lantern"


@pytest.fixture
def redis_that_stops(own_redis_server: RedisServer) -> Iterator[RedisServer]:
    yield own_redis_server
    # Flask-Limiter remembers for the whole process that its storage died, and the
    # in-memory counts live as long as the process: the next test starts afresh.
    limiter._storage_dead = False
    rate_limits._fallback_storage.reset()


@pytest.fixture
def config_overrides(redis_that_stops: RedisServer) -> dict[str, Any]:
    return {"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": redis_that_stops.url}


def test_pages_are_served_and_sign_in_emails_are_still_limited(app: Flask, redis_that_stops: RedisServer) -> None:
    browser = another_browser(app)
    assert ask_for_code(browser, EMAIL, **from_ip("203.0.113.8")).status_code == 302

    redis_that_stops.stop()

    assert browser.get("/").status_code == 200
    assert browser.get("/sign-in").status_code == 200
    # From now on this process counts on its own: the whole allowance again, then "wait".
    for _ in range(allowed(EMAILS_PER_ADDRESS_AND_IP)):
        assert ask_for_code(browser, EMAIL, **from_ip("203.0.113.8")).status_code == 302
    limited = ask_for_code(browser, EMAIL, **from_ip("203.0.113.8"))
    assert limited.status_code == 429
    assert "Too many attempts" in page_text(limited)


def try_password(app: Flask, password: str, address: str) -> int:
    response = another_browser(app).post(
        "/staff/sign-in", data={"email": OFFICER, "password": password}, **from_ip(address)
    )
    return int(response.status_code)


def test_the_per_address_password_limit_counts_in_memory_then_in_redis_again(
    app: Flask, redis_that_stops: RedisServer, session: Session
) -> None:
    make_user(session, email=OFFICER, roles=(Role.OFFICER,), password=PASSWORD)
    session.commit()
    redis_that_stops.stop()

    for number in range(allowed(PASSWORDS_PER_ADDRESS)):
        assert try_password(app, f"guess {number} guess", f"10.8.{number}.1") == 200
    # The right password alone signs this officer in (302) until the limit; past it, only with a code (200).
    assert try_password(app, PASSWORD, "192.0.2.10") == 200

    redis_that_stops.start()
    try_password(app, "a wrong guess", "10.8.99.1")

    assert redis.Redis.from_url(redis_that_stops.url).keys("*staff-passwords*")


def test_below_the_limit_the_password_alone_signs_in_while_redis_is_down(
    app: Flask, redis_that_stops: RedisServer, session: Session
) -> None:
    make_user(session, email=OFFICER, roles=(Role.OFFICER,), password=PASSWORD)
    session.commit()
    redis_that_stops.stop()

    assert try_password(app, PASSWORD, "192.0.2.10") == 302
