"""Finding and removing stored files that no record points to.

An upload is stored before its Evidence (or Resource) row is committed (DESIGN §6). If the
commit then fails (the database drops, the process is killed), the file stays
in storage with nothing pointing at it. The sweep lists such orphans and,
when asked, deletes them. Only files older than a day are touched, so an
upload whose request is still running is never taken for an orphan.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models.applications import Evidence
from portal.models.audit import AuditAction
from portal.models.events import Resource
from portal.services import audit
from portal.storage.base import Storage

MIN_AGE = timedelta(days=1)
# Every key the portal writes starts with one of these (services.uploads.new_storage_key,
# services.resources.add_file).
PREFIXES = ("evidence/", "resources/")


@dataclass
class SweepReport:
    orphans: list[str] = field(default_factory=list)
    deleted: int = 0
    kept_young: int = 0


def known_keys(session: Session) -> set[str]:
    keys: set[str] = set()
    for storage_key, thumbnail_key in session.execute(select(Evidence.storage_key, Evidence.thumbnail_key)):
        keys.add(storage_key)
        if thumbnail_key:
            keys.add(thumbnail_key)
    keys.update(session.scalars(select(Resource.storage_key).where(Resource.storage_key.is_not(None))))
    return keys


def sweep(session: Session, storage: Storage, *, now: datetime, apply: bool = False) -> SweepReport:
    """List (and with ``apply`` delete) files older than a day that no Evidence or Resource row names."""
    report = SweepReport()
    # Read the keys the database knows after listing storage: a file stored
    # and committed while we list is then never mistaken for an orphan.
    listed = [entry for prefix in PREFIXES for entry in storage.listing(prefix)]
    known = known_keys(session)
    for key, written in listed:
        if key in known:
            continue
        if now - written < MIN_AGE:
            report.kept_young += 1
            continue
        report.orphans.append(key)
    if apply:
        for key in report.orphans:
            storage.delete(key)
            report.deleted += 1
        if report.deleted:
            audit.record(
                session, None, AuditAction.ORPHAN_FILES_REMOVED, None, f"{report.deleted} files with no record"
            )
    return report
