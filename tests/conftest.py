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
import os
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from cryptography.fernet import Fernet
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import text
from sqlalchemy.orm import Session

from portal import create_app
from portal.cli.database import alembic_config
from portal.database import make_engine, writing
from portal.extensions import db
from portal.models import Base
from portal.models.users import Role, SignInMethod, User
from tests.factories import make_user
from tests.fixtures.databases import scratch_postgres_database

pytest_plugins = ["tests.fixtures.s3"]

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "postgres_only: needs PostgreSQL (row locks, SKIP LOCKED)")
    config.addinivalue_line("markers", "browser: drives headless Chromium")
    config.addinivalue_line("markers", "s3: talks HTTP to a moto S3 server")


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


def empty_all_tables(url: str) -> None:
    engine = make_engine(url)
    tables = list(reversed(Base.metadata.sorted_tables))
    with writing(), engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(table.delete())
    engine.dispose()


# Made once per run: bank details in tests are encrypted like real ones.
TEST_BANK_KEY = Fernet.generate_key().decode()


CHEAP_ARGON2 = {"ARGON2_TIME_COST": 1, "ARGON2_MEMORY_KIB": 8, "ARGON2_PARALLELISM": 1}


@pytest.fixture
def config_overrides() -> dict[str, Any]:
    """Override in a test module to change settings for its app."""
    return {}


@pytest.fixture
def app(db_url: str, tmp_path: Path, config_overrides: dict[str, Any]) -> Iterator[Flask]:
    settings: dict[str, Any] = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-that-is-long-enough-000",
        "DATABASE_URL": db_url,
        "STORAGE_URL": f"file://{tmp_path / 'uploads'}",
        # Outside services point at addresses that fail loudly.
        "MAIL_URL": "smtp://127.0.0.1:9",
        "RATELIMIT_ENABLED": False,
        "BANK_DETAILS_KEYS": [TEST_BANK_KEY],
        # The cheapest argon2 allows: a strong hash costs about half a second,
        # which would dominate every test that signs in with a password.
        **CHEAP_ARGON2,
    }
    settings.update(config_overrides)
    app = create_app(settings)
    yield app
    db.session.remove()
    if db.engine is not None:
        db.engine.dispose()
    empty_all_tables(db_url)


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
    from portal.auth.sessions import SESSION_KEY, start_session

    def _sign_in(
        client: FlaskClient, user: User, signed_in_with: SignInMethod = SignInMethod.PASSWORD_AND_AUTHENTICATOR
    ) -> None:
        with app.test_request_context(), writing():
            token = start_session(db.session, db.session.merge(user), signed_in_with=signed_in_with)
            db.session.commit()
            db.session.remove()
        with client.session_transaction() as flask_session:
            flask_session.clear()
            flask_session[SESSION_KEY] = token
            flask_session["_permanent"] = True

    return _sign_in


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
