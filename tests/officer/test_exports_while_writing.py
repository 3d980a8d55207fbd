"""Exports keep working while another process (the outbox worker, a cron job) is writing.

On SQLite a transaction that has read and then writes (an export records
itself in the audit log) fails at once with "database is locked" if another
connection committed in between, whatever the busy timeout. Each test holds a
write transaction open on a second connection, as the outbox worker does
while it marks messages sent, and lets it go a moment later.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import insert
from sqlalchemy.orm import Session

from portal.infra.database import WRITES_ON_GET, make_engine, writing
from portal.models.outbox import OutboxMessage
from tests.access import OK, World
from tests.access.world import build_world
from tests.test_access_matrix import MATRIX, client_for, url_in

HOLD_SECONDS = 0.4


@contextmanager
def another_writer(db_url: str) -> Iterator[None]:
    """A second connection holds a write transaction for a moment, then commits."""
    engine = make_engine(db_url)
    holding, finished = threading.Event(), threading.Event()

    def write() -> None:
        with writing(), engine.begin() as connection:
            connection.execute(insert(OutboxMessage).values(to="x@example.org", subject="Queued", body="."))
            holding.set()
            time.sleep(HOLD_SECONDS)
        finished.set()

    thread = threading.Thread(target=write)
    thread.start()
    try:
        assert holding.wait(5)
        yield
    finally:
        thread.join()
        engine.dispose()
    assert finished.is_set()


def exports(app: Flask) -> list[str]:
    return sorted(endpoint for endpoint, view in app.view_functions.items() if getattr(view, WRITES_ON_GET, False))


@pytest.fixture
def world(session: Session) -> World:
    return build_world(session)


def reader(expected: dict[str, str]) -> str:
    """Who may open the page: the officer where they may, else the first person the matrix lets in."""
    allowed = [role for role, outcome in expected.items() if outcome == OK]
    return "officer" if "officer" in allowed else allowed[0]


def test_every_export_waits_for_another_writer_rather_than_failing(
    app: Flask, world: World, sign_in_as: Any, db_url: str
) -> None:
    endpoints = exports(app)
    assert "officer.applications_csv" in endpoints
    for endpoint in endpoints:
        arguments, expected, *_form = MATRIX[endpoint]
        client = client_for(app, sign_in_as, world, reader(expected))
        url = url_in(app, endpoint, arguments(world))
        with another_writer(db_url):
            response = client.get(url)
            body = response.get_data(as_text=True)
        assert response.status_code == 200, f"{url}: {response.status_code}"
        assert body
