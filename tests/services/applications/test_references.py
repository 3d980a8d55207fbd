from __future__ import annotations

import threading

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from portal.extensions import db
from portal.infra.database import writing
from portal.services.applications.references import next_reference


def test_references_count_up_per_year(session: Session) -> None:
    assert next_reference(session, 2026) == "AO-2026-0001"
    assert next_reference(session, 2026) == "AO-2026-0002"
    assert next_reference(session, 2027) == "AO-2027-0001"
    assert next_reference(session, 2026, prefix="XY") == "XY-2026-0001"


@pytest.mark.postgres_only
def test_simultaneous_submissions_get_different_numbers(app: Flask) -> None:
    issued: list[str] = []
    barrier = threading.Barrier(8)

    def take() -> None:
        with app.app_context(), writing():
            barrier.wait()
            issued.append(next_reference(db.session, 2026))
            db.session.commit()

    threads = [threading.Thread(target=take) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(issued) == [f"AO-2026-{n:04d}" for n in range(1, 9)]
