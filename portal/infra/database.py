"""The database engine and the request-scoped session.

Services receive ``db.session`` and never commit; the request commits once
when it succeeds and rolls back otherwise (see ``register_database``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from typing import Any, TypeVar, cast

from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy import CursorResult, Engine, Result, create_engine, event, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, scoped_session, sessionmaker

_immediate: ContextVar[bool] = ContextVar("sqlite_immediate", default=False)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
WRITES_ON_GET = "_portal_writes_on_get"
View = TypeVar("View", bound=Callable[..., Any])

log = logging.getLogger(__name__)


@contextmanager
def writing() -> Iterator[None]:
    """Mark code outside a request (CLI, workers, tests) as a writer.

    SQLite has no row locks: a transaction that reads and then writes must
    hold the write lock from its start, or two of them can interleave.
    """
    token = _immediate.set(True)
    try:
        yield
    finally:
        _immediate.reset(token)


def writes_on_get(view: View) -> View:
    """Mark a GET view that writes (an export recording itself in the audit log).

    On SQLite a transaction that has read cannot start writing once another
    connection (the outbox worker, say) has committed since: it fails at once
    with "database is locked", whatever the busy timeout. A marked view takes
    the write lock when its transaction begins, so it waits for the other
    writer instead. Put it directly under the route decorator.
    """
    setattr(view, WRITES_ON_GET, True)
    return view


def _view_writes() -> bool:
    view = current_app.view_functions.get(request.endpoint or "")
    return bool(getattr(view, WRITES_ON_GET, False))


def _wants_immediate() -> bool:
    if _immediate.get():
        return True
    return has_request_context() and (request.method not in SAFE_METHODS or _view_writes())


def rowcount(result: Result[Any]) -> int:
    """How many rows an UPDATE or DELETE matched.

    Session.execute() is typed to return a plain Result, but for an UPDATE or
    DELETE without RETURNING it is a CursorResult, which counts the rows.
    """
    return cast("CursorResult[Any]", result).rowcount


def reachable(session: Session) -> bool:
    """Whether the database answers a trivial query (the health check); a failure is logged and rolled back."""
    try:
        session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        log.warning("Health check: the database is unavailable", exc_info=True)
        with suppress(SQLAlchemyError):
            session.rollback()
        return False
    return True


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine with the settings the portal relies on for each backend."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            # pysqlite's own transaction handling would defer BEGIN until the
            # first write; we issue BEGIN ourselves (see _sqlite_begin).
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA busy_timeout = 30000")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(connection: Any) -> None:
            # Requests that change state (and code inside writing()) take the
            # write lock up front, so every read-check-write on SQLite is
            # serialised; reads stay concurrent under WAL.
            connection.exec_driver_sql("BEGIN IMMEDIATE" if _wants_immediate() else "BEGIN")

        return engine
    # pre_ping: a database restart between requests costs one reconnect, not an error.
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5, **kwargs)


def _scope() -> int:
    # One session per request, else per app context (a CLI command, a worker,
    # a test). A test's requests run inside its app context and must still
    # get sessions of their own, as they would in production.
    if has_request_context():
        return id(request._get_current_object())  # type: ignore[attr-defined]
    try:
        return id(g._get_current_object())
    except RuntimeError:
        return 0


class Database:
    """Holds the engine and a scoped session for one application."""

    def __init__(self) -> None:
        self.engine: Engine | None = None
        self.session_factory = sessionmaker(expire_on_commit=False)
        self.scoped: scoped_session[Session] = scoped_session(self.session_factory, scopefunc=_scope)
        # Callers use db.session as the Session it stands for: the scoped
        # proxy hands each method to the current scope's session. It stays the
        # proxy at run time, so a session captured early still follows the
        # scope (in_transaction() is one of the few methods it does not pass on).
        self.session: Session = cast(Session, self.scoped)

    def init_app(self, app: Flask) -> None:
        self.engine = make_engine(app.config["DATABASE_URL"])
        self.session_factory.configure(bind=self.engine)
        app.extensions["portal.db"] = self

        @app.teardown_request
        @app.teardown_appcontext
        def _remove_session(exc: BaseException | None) -> None:
            # remove() rolls back anything left uncommitted and returns the
            # connection to the pool.
            self.remove()

    def remove(self) -> None:
        """Close the current scope's session, rolling back anything uncommitted."""
        self.scoped.remove()

    @property
    def dialect(self) -> str:
        assert self.engine is not None
        return self.engine.dialect.name
