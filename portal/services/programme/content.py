"""The version of what officers and admins edit for everyone, and the one rule that changes it.

Whenever a flush adds, changes or removes a round (or its questions,
criteria, documents, decline reasons, funders), a fund, a funder, a
neighbourhood or the programme's settings, ``ContentVersion.token`` gets a
new random value in the same transaction. That holds for every session in
every process on every host, whichever service made the change, so a page
that read the token before can tell by reading it again whether anything it
showed has changed (``portal.main.conditional`` builds the public pages'
ETags from it), and a cache of it in a process is right for as long as the
token it was filled under is the one in the database. The token rides along
with queries a page makes anyway (the signed-in session's lookup, the public
pages' state), so checking costs no round trip of its own. Money moving in a round (``Round.committed_pence``, kept by
awards) is not an edit of the round and leaves the token alone.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from flask import g, has_app_context
from sqlalchemy import event, func, inspect, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, UOWTransaction, sessionmaker

from portal.models.base import utcnow
from portal.models.content import VERSION_ID, ContentVersion
from portal.models.funders import Funder, RoundFunder
from portal.models.funding import Criterion, DeclineReason, Fund, Neighbourhood, NeighbourhoodArea, Round
from portal.models.programme import ProgrammeSettings
from portal.models.questions import RoundDocument, RoundQuestion, RoundSection

# What officers and admins edit for everyone; the pages that show it trust the token.
EDITED_FOR_EVERYONE: tuple[type[Any], ...] = (
    Round,
    Criterion,
    DeclineReason,
    RoundSection,
    RoundQuestion,
    RoundDocument,
    RoundFunder,
    Fund,
    Funder,
    Neighbourhood,
    NeighbourhoodArea,
    ProgrammeSettings,
)
# Attributes that change without anyone editing what the pages show (money committed by awards).
NOT_AN_EDIT = {(Round, "committed_pence")}
_PENDING = "content_version_changes"
_KNOWN = "content_version"


def _edited(instance: object) -> bool:
    state = inspect(instance)
    kind = type(instance)
    return any(attribute.history.has_changes() for attribute in state.attrs if (kind, attribute.key) not in NOT_AN_EDIT)


def edits_for_everyone(session: Session) -> bool:
    """Whether the session's pending changes include an edit of what everyone sees."""
    if any(isinstance(instance, EDITED_FOR_EVERYONE) for instance in (*session.new, *session.deleted)):
        return True
    return any(isinstance(instance, EDITED_FOR_EVERYONE) and _edited(instance) for instance in session.dirty)


def new_version(session: Session, at: datetime | None = None) -> str:
    """Give the content a new version in the session's transaction (made if the row is missing); return it."""
    token = secrets.token_hex(16)
    values = {"id": VERSION_ID, "token": token, "changed_at": at or utcnow()}
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(ContentVersion).values(values)
    statement = statement.on_conflict_do_update(
        index_elements=[ContentVersion.id], set_={"token": token, "changed_at": values["changed_at"]}
    )
    session.connection().execute(statement)
    return token


def current(session: Session) -> str | None:
    """The content's version now (None before anything was ever edited in a database emptied by hand)."""
    return session.scalar(select(ContentVersion.token).where(ContentVersion.id == VERSION_ID))


def version_column() -> Any:
    """The version as a column to add to a query a page already makes (no round trip of its own)."""
    return select(ContentVersion.token).where(ContentVersion.id == VERSION_ID).scalar_subquery()


def remember(version: str | None) -> None:
    """Keep the version a query of this request read (the session lookup, the public pages' state), so
    caches of what officers edit can be checked against it without a round trip of their own."""
    if has_app_context():
        setattr(g, _KNOWN, version)


def known() -> str | None:
    """The version this request read, if it read one and has made no edit since."""
    return g.get(_KNOWN) if has_app_context() else None


def next_change_columns(at: datetime) -> tuple[Any, Any]:
    """When the next round opens and when the next open one closes after ``at``: until then, what the
    public pages say about which rounds are open stays as it is."""
    opens = select(func.min(Round.opens_at)).where(Round.opens_at > at).scalar_subquery()
    closes = select(func.min(Round.closes_at)).where(Round.closes_at > at).scalar_subquery()
    return opens, closes


def _before_flush(session: Session, _context: UOWTransaction, _instances: object) -> None:
    if edits_for_everyone(session):
        session.info[_PENDING] = True


def _after_flush(session: Session, _context: UOWTransaction) -> None:
    if session.info.pop(_PENDING, False):
        new_version(session)
        # What this request read before is no longer what it sees: caches must read again.
        remember(None)


def watch(sessions: sessionmaker[Session]) -> None:
    """Keep the version for every session ``sessions`` makes from now on (called by the app factory with
    the portal's own; idempotent). Sessions made otherwise, as migrations make theirs on a schema that may
    not have the table yet, are left alone."""
    if not event.contains(sessions, "before_flush", _before_flush):
        event.listen(sessions, "before_flush", _before_flush)
        event.listen(sessions, "after_flush", _after_flush)
