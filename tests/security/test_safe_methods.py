"""GET never changes anything, and no page carries inline script or style.

Every route that answers GET is fetched as every role (the access-matrix
world); the whole database and the file storage are compared before and
after. Only the signed-in session's own activity time may move: that is how
idle sessions end (DESIGN §5).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.infra.database import WRITES_ON_GET
from portal.models import Base
from portal.models.audit import AuditEntry
from tests.access import ROLES, World
from tests.access.world import build_world
from tests.fixtures.databases import reread
from tests.test_access_matrix import MATRIX, client_for, rules_by_endpoint, url_in

# Columns a GET may change: when the session was last used (the idle timeout).
ACTIVITY_COLUMNS = {("user_sessions", "last_seen_at")}
READ_ACTIONS = {
    "applications exported",
    "audit log exported",
    "awards exported",
    "event register exported",
    "open data exported",
    "panel time exported",
    "payments exported",
}
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|<[^>]+\sstyle\s*=", re.IGNORECASE)


def snapshot(session: Session) -> dict[str, list[tuple[Any, ...]]]:
    reread(session)
    tables = {}
    for table in Base.metadata.sorted_tables:
        columns = [c for c in table.columns if (table.name, c.name) not in ACTIVITY_COLUMNS]
        rows = session.execute(select(*columns).order_by(*table.primary_key.columns)).all()
        tables[table.name] = [tuple(row) for row in rows]
    return tables


def audit_entries(session: Session) -> list[AuditEntry]:
    return list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def audit_count(session: Session) -> int:
    reread(session)
    return session.scalar(select(func.count(AuditEntry.id))) or 0


def stored_files(app: Flask) -> set[str]:
    root = Path(app.config["STORAGE_URL"].removeprefix("file://"))
    return {str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()}


def test_no_get_changes_state_and_no_page_has_inline_script(app: Flask, session: Session, sign_in_as: Any) -> None:
    world: World = build_world(session)
    clients = {role: client_for(app, sign_in_as, world, role) for role in ROLES}
    before, files_before = snapshot(session), stored_files(app)
    fetched, problems = 0, []
    for endpoint, methods in sorted(rules_by_endpoint(app).items()):
        if "GET" not in methods or endpoint == "auth.sign_out":
            continue
        arguments, *_ = MATRIX[endpoint]
        url = url_in(app, endpoint, arguments(world))
        recorded = audit_count(session)
        for role, client in clients.items():
            response = client.get(url)
            fetched += 1
            assert response.status_code < 500, f"GET {url} as {role}: {response.status_code}"
            if response.mimetype == "text/html":
                html = response.get_data(as_text=True)
                for name, pattern in (("script", INLINE_SCRIPT), ("handler", EVENT_HANDLER), ("style", INLINE_STYLE)):
                    if pattern.search(html):
                        problems.append(f"inline {name} on GET {url} as {role}")
            response.close()
        if audit_count(session) > recorded and not getattr(app.view_functions[endpoint], WRITES_ON_GET, False):
            # On SQLite it would fail with "database is locked" whenever another connection is writing.
            problems.append(f"GET {endpoint} writes to the audit log without @writes_on_get")
    assert fetched > 100
    assert problems == []
    after = snapshot(session)
    changed = {name for name in before if before[name] != after[name]}
    assert changed <= {"audit_entries"}, f"GET requests changed {changed}"
    # Reading personal data in bulk is itself recorded (who exported or downloaded what); nothing else is.
    assert after["audit_entries"][: len(before["audit_entries"])] == before["audit_entries"]
    new_actions = {entry.action for entry in audit_entries(session)[len(before["audit_entries"]) :]}
    assert new_actions == READ_ACTIONS
    assert stored_files(app) == files_before
