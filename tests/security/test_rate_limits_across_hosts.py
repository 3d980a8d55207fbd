"""Rate limits counted in Redis hold across every host: what is spent on one is refused on another.

Each "host" is an app created separately, with a storage connection of its
own, as a gunicorn worker on another machine would have. Flask-Limiter keeps
one limiter per process, and creating an app gives it a fresh storage, so the
second host is created only after the first has spent the allowance: what
it then sees can only have come through Redis (the same steps with
``memory://`` count from zero). bench/multihost.py shows the same with two
gunicorn instances behind nginx; Redis down: test_rate_limits_when_redis_is_down.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from portal.extensions import db
from portal.infra.rate_limits import (
    CODES_PER_ADDRESS,
    EMAILS_PER_ADDRESS_AND_IP,
    UPLOADS_PER_ACCOUNT,
)
from tests.auth.helpers import ask_for_code, page_text
from tests.conftest import another_browser
from tests.factories import make_user
from tests.fixtures.apps import close_test_app, make_test_app
from tests.security.test_rate_limits import allowed, applicants_with_drafts, from_ip, post_upload, signed_in_client

pytestmark = pytest.mark.redis

EMAIL = "amina@example.org"


def limits_in(storage_url: str) -> dict[str, Any]:
    return {"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": storage_url}


@pytest.fixture
def config_overrides(redis_url: str) -> dict[str, Any]:
    return limits_in(redis_url)


def another_host(db_url: str, tmp_path: Path, overrides: dict[str, Any]) -> Flask:
    """A second app on the same database and settings, as on another machine."""
    if db.engine is not None:
        db.engine.dispose()  # the first app's connections: only one app holds the database handle
    return make_test_app(db_url, tmp_path / "other-host", overrides)


def test_sign_in_emails_spent_on_one_host_are_refused_on_the_other(
    app: Flask, db_url: str, tmp_path: Path, config_overrides: dict[str, Any]
) -> None:
    on_a = another_browser(app)
    for _ in range(allowed(EMAILS_PER_ADDRESS_AND_IP)):
        assert ask_for_code(on_a, EMAIL, **from_ip("203.0.113.7")).status_code == 302

    host_b = another_host(db_url, tmp_path, config_overrides)
    refused = ask_for_code(another_browser(host_b), EMAIL, **from_ip("203.0.113.7"))

    assert refused.status_code == 429
    assert "Too many attempts" in page_text(refused)


@pytest.fixture
def first_host_in_memory(db_url: str, tmp_path: Path) -> Iterator[Flask]:
    app = make_test_app(db_url, tmp_path, limits_in("memory://"))
    yield app
    close_test_app(db_url)


def test_with_counts_in_memory_each_host_counts_from_zero(
    first_host_in_memory: Flask, db_url: str, tmp_path: Path
) -> None:
    """The control: the same steps with ``memory://`` let the second host through."""
    on_a = another_browser(first_host_in_memory)
    for _ in range(allowed(EMAILS_PER_ADDRESS_AND_IP)):
        assert ask_for_code(on_a, EMAIL, **from_ip("203.0.113.7")).status_code == 302
    assert ask_for_code(on_a, EMAIL, **from_ip("203.0.113.7")).status_code == 429

    host_b = another_host(db_url, tmp_path, limits_in("memory://"))

    assert ask_for_code(another_browser(host_b), EMAIL, **from_ip("203.0.113.7")).status_code == 302


def test_the_daily_code_limit_per_address_is_counted_across_hosts(
    app: Flask, session: Session, db_url: str, tmp_path: Path, config_overrides: dict[str, Any]
) -> None:
    make_user(session, email=EMAIL)
    session.commit()
    on_a = another_browser(app)
    for number in range(allowed(CODES_PER_ADDRESS)):
        assert ask_for_code(on_a, EMAIL, **from_ip(f"10.9.{number}.1")).status_code == 302

    host_b = another_host(db_url, tmp_path, config_overrides)
    person = another_browser(host_b)
    response = ask_for_code(person, EMAIL, **from_ip("192.0.2.10"))

    assert response.status_code == 302
    page = page_text(person.get(response.headers["Location"], **from_ip("192.0.2.10")))
    assert "There is no code this time" in page


def test_uploads_spent_on_one_host_are_refused_on_the_other(
    app: Flask, session: Session, sign_in_as: Any, db_url: str, tmp_path: Path, config_overrides: dict[str, Any]
) -> None:
    [(person, draft_id)] = applicants_with_drafts(session, 1)
    on_a = signed_in_client(app, sign_in_as, person)
    for number in range(allowed(UPLOADS_PER_ACCOUNT)):
        assert post_upload(on_a, draft_id, f"10.4.0.{number}") != 429

    host_b = another_host(db_url, tmp_path, config_overrides)
    on_b = signed_in_client(host_b, sign_in_as, person)

    assert post_upload(on_b, draft_id, "10.4.1.1") == 429
