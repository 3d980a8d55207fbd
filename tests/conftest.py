"""Shared fixtures.

The test database is built once per run by the Alembic migrations (never by
``create_all``) and emptied after every test. It is SQLite in a temporary
folder unless ``TEST_DATABASE_URL`` names another (CI sets PostgreSQL).
Tests marked ``postgres_only`` are deselected on SQLite runs, never skipped.
In CI (``CI=true``) any skipped test fails the run: a skipped PostgreSQL, S3
or browser test would hide exactly what CI is there to prove.
"""

from __future__ import annotations

import contextvars
import functools
import os
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy.orm import Session

from portal.cli.database import alembic_config
from portal.extensions import db
from portal.models.users import Role, User
from tests.factories import make_user
from tests.fixtures.apps import close_test_app, make_test_app, sign_in
from tests.fixtures.databases import scratch_postgres_database

pytest_plugins = ["tests.fixtures.s3", "tests.fixtures.redis", "tests.fixtures.sms", "tests.fixtures.media"]

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "postgres_only: needs PostgreSQL (row locks, SKIP LOCKED)")
    config.addinivalue_line("markers", "browser: drives headless Chromium")
    config.addinivalue_line("markers", "s3: talks HTTP to a moto S3 server")
    config.addinivalue_line("markers", "redis: talks to a redis-server started by the tests")


def on_postgres() -> bool:
    return (os.environ.get("TEST_DATABASE_URL") or "").startswith("postgresql")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if on_postgres():
        return
    deselected = [item for item in items if item.get_closest_marker("postgres_only")]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if not item.get_closest_marker("postgres_only")]


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if not IN_CI:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped:
        reporter.write_line(f"CI: {len(skipped)} test(s) skipped; in CI every test must run.", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(scope="session")
def db_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database at the newest migration, shared by the whole run."""
    configured = os.environ.get("TEST_DATABASE_URL", "")
    with ExitStack() as stack:
        if configured.startswith("postgresql"):
            url = stack.enter_context(scratch_postgres_database(configured))
        else:
            url = configured or f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
        command.upgrade(alembic_config(url), "head")
        yield url


@pytest.fixture
def config_overrides() -> dict[str, Any]:
    """Override in a test module to change settings for its app."""
    return {}


@pytest.fixture
def app(db_url: str, tmp_path: Path, config_overrides: dict[str, Any]) -> Iterator[Flask]:
    app = make_test_app(db_url, tmp_path, config_overrides)
    yield app
    close_test_app(db_url)


class CsrfClient(FlaskClient):
    """A test client that sends a valid CSRF token with every form, as a browser
    that had loaded the page would. Pass ``csrf=False`` to leave it out.

    Each request runs in an empty ``contextvars`` context, so it gets an app
    context (and ``g``) of its own even while the test holds one open, just
    as in production: nothing cached for one request (the signed-in person,
    the CSRF token) can leak into the next.
    """

    def open(self, *args: Any, csrf: bool = True, **kwargs: Any) -> Any:
        method = kwargs.get("method", "GET").upper()
        if csrf and method not in {"GET", "HEAD", "OPTIONS"}:
            data = kwargs.get("data")
            if data is None or isinstance(data, dict):
                data = dict(data or {})
                data.setdefault("csrf_token", self.csrf_token())
                kwargs["data"] = data
        return contextvars.Context().run(super().open, *args, **kwargs)

    def csrf_token(self) -> str:
        app = self.application
        with self.session_transaction() as flask_session:
            raw = flask_session.setdefault("csrf_token", os.urandom(20).hex())
        serializer = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="wtf-csrf-token")
        return str(serializer.dumps(raw))


def another_browser(app: Flask) -> FlaskClient:
    """A client of its own, with no cookies, as a second browser or an attacker's would be."""
    app.test_client_class = CsrfClient
    return app.test_client()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    app.test_client_class = CsrfClient
    return app.test_client()


@pytest.fixture
def session(app: Flask) -> Iterator[Session]:
    """The portal's session inside an app context, for setting up and checking
    data. Requests made by ``client`` get sessions of their own, so: commit
    what a request must see, and call ``tests.fixtures.databases.reread(session)`` before reading what
    a request wrote.
    """
    with app.app_context():
        yield db.session
        db.session.rollback()


@pytest.fixture
def sign_in_as(app: Flask) -> Any:
    """``sign_in_as(client, user)`` gives ``client`` a signed-in session, by default
    as strong as any (password and authenticator code); ``sign_in_as(client, user,
    SignInMethod.EMAIL)`` one signed in by an emailed code."""
    return functools.partial(sign_in, app)


@pytest.fixture
def officer(session: Session) -> User:
    """An officer, saved so that requests see them."""
    person = make_user(session, name="Priya Officer", roles=(Role.OFFICER,))
    session.commit()
    return person


@pytest.fixture
def member(session: Session) -> User:
    """Someone with no role, to be made a group's member by the test's own fixtures."""
    person = make_user(session, name="Amina Yusuf", email="amina@example.org")
    session.commit()
    return person


@pytest.fixture
def signed_in_user(officer: User) -> User:
    """Whom ``signed_in`` signs in: the officer, unless a module or package overrides this."""
    return officer


@pytest.fixture
def signed_in(client: FlaskClient, signed_in_user: User, sign_in_as: Any) -> FlaskClient:
    """``client``, signed in as ``signed_in_user`` with the strongest sign-in."""
    sign_in_as(client, signed_in_user)
    return client
