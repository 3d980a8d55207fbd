"""``flask --app portal storage sweep``: files left behind by a failed commit are found and removed."""

from __future__ import annotations

import io
import os
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models.audit import AuditEntry
from portal.models.base import utcnow
from portal.services.files.sweep import sweep
from portal.storage import get_storage
from portal.storage.base import Storage
from tests.factories import make_application, make_evidence, make_organisation, make_resource, make_round, make_user
from tests.fixtures.databases import reread

OLD_ORPHAN = "evidence/2026/01/0123456789abcdef0123456789abcdef.pdf"
OLD_RESOURCE_ORPHAN = "resources/2026/01/00112233445566778899aabbccddeeff.pdf"
NEW_ORPHAN = "evidence/2026/01/fedcba9876543210fedcba9876543210.pdf"


def kept_evidence(session: Session, storage: Storage) -> tuple[str, str, str]:
    member = make_user(session)
    resource = make_resource(session, storage, added_by=member)
    draft = make_application(session, grant_round=make_round(session), organisation=make_organisation(session))
    item = make_evidence(session, storage, application_id=draft.id, uploaded_by=member)
    item.thumbnail_key = item.storage_key.rsplit(".", 1)[0] + ".thumb.jpg"
    storage.put(item.thumbnail_key, io.BytesIO(b"thumbnail"), "image/jpeg")
    session.commit()
    assert resource.storage_key is not None
    return item.storage_key, item.thumbnail_key, resource.storage_key


def test_sweep_lists_then_deletes_only_old_files_with_no_record(app: Flask, session: Session) -> None:
    storage = get_storage()
    kept = kept_evidence(session, storage)
    for key in (OLD_ORPHAN, OLD_RESOURCE_ORPHAN, NEW_ORPHAN):
        storage.put(key, io.BytesIO(b"%PDF-1.4 left behind"), "application/pdf")
    root = Path(app.config["STORAGE_URL"].removeprefix("file://"))
    two_days_ago = (utcnow() - timedelta(days=2)).timestamp()
    for key in (OLD_ORPHAN, OLD_RESOURCE_ORPHAN, *kept):
        os.utime(root / key, (two_days_ago, two_days_ago))
    runner = app.test_cli_runner()

    listed = runner.invoke(args=["storage", "sweep"])

    assert listed.exit_code == 0, listed.output
    assert OLD_ORPHAN in listed.output
    assert OLD_RESOURCE_ORPHAN in listed.output
    assert "Found 2 orphan files; run with --apply to delete." in listed.output
    assert "Left 1 newer file alone" in listed.output
    assert storage.exists(OLD_ORPHAN)

    applied = runner.invoke(args=["storage", "sweep", "--apply"])

    assert applied.exit_code == 0, applied.output
    assert "Deleted 2 orphan files." in applied.output
    assert not storage.exists(OLD_ORPHAN)
    assert not storage.exists(OLD_RESOURCE_ORPHAN)
    assert storage.exists(NEW_ORPHAN)
    assert all(storage.exists(key) for key in kept)
    reread(session)
    assert session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()[-1] == "orphan files removed"


@pytest.mark.s3
def test_sweep_works_on_s3(app: Flask, session: Session, s3_storage: Storage) -> None:
    kept = kept_evidence(session, s3_storage)
    s3_storage.put(OLD_ORPHAN, io.BytesIO(b"%PDF-1.4 left behind"), "application/pdf")

    # S3 sets its own times: sweep as if two days had passed.
    report = sweep(session, s3_storage, now=utcnow() + timedelta(days=2), apply=True)

    assert report.orphans == [OLD_ORPHAN]
    assert not s3_storage.exists(OLD_ORPHAN)
    assert all(s3_storage.exists(key) for key in kept)
    # Nothing is older than a day yet: nothing is touched.
    s3_storage.put(NEW_ORPHAN, io.BytesIO(b"%PDF-1.4 left behind"), "application/pdf")
    assert sweep(session, s3_storage, now=utcnow(), apply=True).kept_young == 1
    assert s3_storage.exists(NEW_ORPHAN)
