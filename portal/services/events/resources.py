"""Shared resources: slides, notes and links from events, and the library of templates and guides.

Files arrive through ``portal.services.files.uploads.receive_upload`` (checked by
content, hashed, size-limited) and are stored under a random key; they are
only ever downloaded as attachments (``portal.storage.download``).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from portal.errors import DomainError, StorageUnavailable
from portal.infra.i18n import gettext
from portal.models.audit import AuditAction
from portal.models.base import utcnow
from portal.models.events import Event, Resource, ResourceKind
from portal.models.users import User
from portal.services import audit
from portal.services.events import audience
from portal.services.files.uploads import ReceivedFile, new_storage_key
from portal.storage.base import Storage

log = logging.getLogger(__name__)

# What the dashboard calls new.
NEW_FOR = timedelta(days=30)


def _title(title: str) -> str:
    title = " ".join(title.split())[:200]
    if not title:
        raise DomainError(gettext("Enter a title for the resource"), field="title")
    return title


def add_file(
    session: Session,
    storage: Storage,
    received: ReceivedFile,
    *,
    by: User,
    title: str,
    summary: str = "",
    event: Event | None = None,
) -> Resource:
    """Store a checked upload and add it as a resource (of ``event``, or of the library)."""
    title = _title(title)
    key = "resources/" + new_storage_key(received.extension).removeprefix("evidence/")
    received.file.seek(0)
    storage.put(key, received.file, received.content_type)
    resource = Resource(
        event_id=event.id if event is not None else None,
        title=title,
        summary=summary.strip()[:2000],
        kind=ResourceKind.FILE,
        original_filename=received.filename,
        content_type=received.content_type,
        size_bytes=received.size,
        sha256=received.sha256,
        storage_key=key,
        added_by_id=by.id,
        added_at=utcnow(),
    )
    try:
        with session.begin_nested():
            session.add(resource)
            session.flush()
            audit.record(session, by, AuditAction.RESOURCE_ADDED, resource, f"{title}: {received.filename}")
            session.flush()
    except BaseException:
        try:
            storage.delete(key)
        except StorageUnavailable:
            log.exception("Could not remove stored object %s after its Resource row failed", key)
        raise
    return resource


def add_link(
    session: Session, *, by: User, title: str, url: str, summary: str = "", event: Event | None = None
) -> Resource:
    url = url.strip()
    if not url.startswith("https://") or len(url) > 500 or any(c.isspace() for c in url):
        raise DomainError(gettext("Enter a link that starts with https://"), field="link")
    resource = Resource(
        event_id=event.id if event is not None else None,
        title=_title(title),
        summary=summary.strip()[:2000],
        kind=ResourceKind.LINK,
        link_url=url,
        added_by_id=by.id,
        added_at=utcnow(),
    )
    session.add(resource)
    session.flush()
    audit.record(session, by, AuditAction.RESOURCE_ADDED, resource, f"{resource.title}: {url}")
    session.flush()
    return resource


def remove(session: Session, storage: Storage, resource: Resource, *, by: User) -> None:
    """Remove the row, then any stored file (if storage fails the request rolls back and both stay)."""
    key = resource.storage_key
    audit.record(session, by, AuditAction.RESOURCE_REMOVED, resource, resource.title)
    session.delete(resource)
    session.flush()
    if key:
        storage.delete(key)


def is_link(resource: Resource) -> bool:
    """A link is followed where it points; a file is downloaded through the portal, which checks who may."""
    return resource.kind is ResourceKind.LINK


def library(session: Session) -> list[Resource]:
    return list(session.scalars(select(Resource).where(Resource.event_id.is_(None)).order_by(Resource.title)))


def of_event(session: Session, event: Event) -> list[Resource]:
    return list(session.scalars(select(Resource).where(Resource.event_id == event.id).order_by(Resource.added_at)))


def recent(session: Session, event_ids: set[int], limit: int = 3) -> list[Resource]:
    """Library resources and those of ``event_ids`` added in the last 30 days, newest first (for the dashboard)."""
    return list(
        session.scalars(
            select(Resource)
            .where(
                Resource.added_at >= utcnow() - NEW_FOR,
                or_(Resource.event_id.is_(None), Resource.event_id.in_(event_ids)),
            )
            .order_by(Resource.added_at.desc(), Resource.id.desc())
            .limit(limit)
        )
    )


def may_download(session: Session, resource: Resource, *, by: User | None) -> bool:
    """A library file is for everyone; an event's file only for those who may see the event."""
    if resource.kind is not ResourceKind.FILE:
        return False
    return resource.event is None or audience.can_see(session, resource.event, by=by)
