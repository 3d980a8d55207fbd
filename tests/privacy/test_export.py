"""A signed-in person downloads a copy of their own data."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models.audit import AuditEntry
from portal.storage.base import Storage
from tests.conftest import CsrfClient
from tests.fixtures.databases import reread
from tests.privacy.conftest import EMAIL, NAME, PHONE, Person


def signed_in(app: Flask, sign_in_as: Any, user: Any) -> FlaskClient:
    app.test_client_class = CsrfClient
    client = app.test_client()
    sign_in_as(client, user)
    return client


def download(client: FlaskClient) -> tuple[dict[str, Any], zipfile.ZipFile]:
    response = client.post("/account/your-data")
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=anchor-offer-your-data-")
    assert "no-store" in response.headers["Cache-Control"]
    archive = zipfile.ZipFile(io.BytesIO(response.get_data()))
    response.close()
    return json.loads(archive.read("data.json")), archive


@pytest.mark.s3
def test_the_zip_holds_their_data_and_their_files(
    app: Flask, session: Session, sign_in_as: Any, person: Person, storage: Storage
) -> None:
    data, archive = download(signed_in(app, sign_in_as, person.user))

    assert data["person"]["email"] == EMAIL
    assert data["person"]["name"] == NAME
    assert data["person"]["phone"] == PHONE
    assert data["person"]["roles"] == ["panellist"]
    assert "password_hash" not in data["person"]
    assert "totp_secret" not in data["person"]
    assert {m["organisation_id"] for m in data["memberships"]} == {
        person.own_organisation_id,
        person.shared_organisation_id,
    }
    assert {o["money_holders"] for o in data["organisations"]} >= {f"{NAME}, treasurer"}
    titles = {a["title"] for a in data["applications"]}
    assert "Walks for all" in titles
    walks = next(a for a in data["applications"] if a["title"] == "Walks for all")
    assert walks["answers"] == {"idea": {"summary": f"Led by {NAME}; call her on {PHONE}"}}
    assert [a["accepted_name"] for a in data["awards_accepted"]] == [NAME]
    assert [r["comment"] for r in data["reviews"]] == ["Strong local links."]
    assert [(t["minutes"], t["note"]) for t in data["time_entries"]] == [(90, f"Read by {NAME}")]
    assert [i["answer"] for i in data["info_requests_answered"]] == [f"Please ask {NAME}"]
    assert [(r["attendee_name"], r["access_needs"]) for r in data["event_registrations"]] == [
        (NAME, "Step-free access, please")
    ]
    assert any(entry["summary"] == f"Walks for all, by {EMAIL}" for entry in data["audit_entries_as_actor"])
    assert ("Firefox on Android", "email") in {(s["user_agent"], s["signed_in_with"]) for s in data["sign_in_sessions"]}
    # Only the emails sent to them, not the officer's.
    assert [m["subject"] for m in data["emails_sent_to_you"]] == ["Your sign-in code"]

    files = {f["id"]: f["file_in_this_zip"] for f in data["files_uploaded"]}
    assert set(files) == {person.own_file.id, person.shared_file.id}
    for evidence in (person.own_file, person.shared_file):
        with storage.open(evidence.storage_key) as stored:
            assert archive.read(files[evidence.id]) == stored.read()
    assert sorted(archive.namelist()) == sorted(["data.json", *files.values()])

    reread(session)
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "personal data exported"))
    assert entry is not None
    assert (entry.actor_id, entry.object_id) == (person.user.id, person.user.id)
    assert "2 file(s)" in entry.summary


def test_a_person_gets_only_their_own_data(app: Flask, sign_in_as: Any, person: Person) -> None:
    data, archive = download(signed_in(app, sign_in_as, person.helper))

    assert data["person"]["email"] == "helper.member@example.org"
    # They share one group, so they see its application, but nothing of the other person's own.
    assert {m["organisation_id"] for m in data["memberships"]} == {person.shared_organisation_id}
    assert "Walks for all" not in {a["title"] for a in data["applications"]}
    for section in ("reviews", "time_entries", "event_registrations", "awards_accepted", "files_uploaded"):
        assert data[section] == [], section
    assert data["emails_sent_to_you"] == []
    assert archive.namelist() == ["data.json"]
    raw = archive.read("data.json").decode()
    assert "Step-free access" not in raw
    assert f"Read by {NAME}" not in raw
    assert "Your sign-in code" not in raw


def test_the_route_ignores_any_attempt_to_name_another_person(app: Flask, sign_in_as: Any, person: Person) -> None:
    client = signed_in(app, sign_in_as, person.helper)
    response = client.post(f"/account/your-data?user_id={person.user.id}", data={"user_id": str(person.user.id)})
    data = json.loads(zipfile.ZipFile(io.BytesIO(response.get_data())).read("data.json"))
    response.close()
    assert data["person"]["id"] == person.helper.id


def test_the_page_explains_and_the_download_needs_a_csrf_token(app: Flask, sign_in_as: Any, person: Person) -> None:
    client = signed_in(app, sign_in_as, person.user)
    page = client.get("/account/your-data")
    assert page.status_code == 200
    assert "Download your data" in page.get_data(as_text=True)
    assert client.post("/account/your-data", csrf=False).status_code == 400


@pytest.fixture
def config_overrides() -> dict[str, Any]:
    return {"RATELIMIT_ENABLED": True}


def test_downloads_are_rate_limited_per_person(app: Flask, sign_in_as: Any, person: Person) -> None:
    client = signed_in(app, sign_in_as, person.user)
    statuses = []
    for _ in range(6):
        response = client.post("/account/your-data")
        statuses.append(response.status_code)
        response.close()
    assert statuses == [200] * 5 + [429]
    # Another person is not held back by the first one's downloads.
    response = signed_in(app, sign_in_as, person.helper).post("/account/your-data")
    assert response.status_code == 200
    response.close()


def test_a_file_in_the_zip_is_named_for_what_it_holds_not_what_it_was_called(session: Session) -> None:
    from portal.models.applications import Evidence, EvidenceKind
    from portal.services.people.your_data import _zip_name

    disguised = Evidence(
        id=7, original_filename="statement.bat", content_type="application/pdf", kind=EvidenceKind.OTHER
    )
    reversed_name = Evidence(
        id=8, original_filename="photo\u202egpj.exe", content_type="image/jpeg", kind=EvidenceKind.PHOTO
    )
    assert _zip_name(disguised) == "files/7-statement.pdf"
    assert _zip_name(reversed_name).endswith(".jpg")
