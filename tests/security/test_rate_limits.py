"""Uploads and exports are limited per account and per address (sign-in limits: tests/auth/test_rate_limits.py)."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal import create_app
from portal.config import load_config
from portal.infra.rate_limits import (
    EXPORTS_PER_ACCOUNT,
    EXPORTS_PER_IP,
    RECORDINGS_PER_ACCOUNT,
    UPLOADS_PER_ACCOUNT,
    UPLOADS_PER_IP,
)
from portal.models.applications import ApplicationStatus, Evidence
from portal.models.awards import AwardStatus
from portal.models.users import Role, User
from tests.apply.filling import GOOD_ANSWERS
from tests.conftest import CsrfClient
from tests.factories import (
    make_application,
    make_award,
    make_event,
    make_info_request,
    make_organisation,
    make_report,
    make_round,
    make_user,
)
from tests.fixtures.databases import reread
from tests.fixtures.media import MediaSamples
from tests.fixtures.pages import page_text
from tests.storage.sample_files import make_jpeg, make_pdf


@pytest.fixture
def config_overrides() -> dict[str, Any]:
    return {"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://"}


def allowed(limit: str) -> int:
    return int(limit.split()[0])


def from_ip(address: str) -> dict[str, Any]:
    return {"environ_base": {"REMOTE_ADDR": address}}


def signed_in_client(app: Flask, sign_in_as: Any, person: User) -> FlaskClient:
    app.test_client_class = CsrfClient
    client = app.test_client()
    sign_in_as(client, person)
    return client


def applicants_with_drafts(session: Session, count: int) -> list[tuple[User, int]]:
    grant_round = make_round(session)
    people = []
    for number in range(count):
        person = make_user(session, email=f"member{number}@example.org")
        group = make_organisation(session, members=(person,))
        draft = make_application(session, grant_round=grant_round, organisation=group)
        people.append((person, draft.id))
    session.commit()
    return people


def post_upload(client: FlaskClient, draft_id: int, address: str) -> int:
    # No file: the page says "Choose a file", but the attempt still counts.
    response = client.post(f"/applications/{draft_id}/evidence", data={"kind": "photo"}, **from_ip(address))
    return int(response.status_code)


def test_uploads_are_limited_per_account(app: Flask, session: Session, sign_in_as: Any) -> None:
    (person, draft_id), (other, other_draft_id) = applicants_with_drafts(session, 2)
    client = signed_in_client(app, sign_in_as, person)
    statuses = {post_upload(client, draft_id, f"10.1.0.{n}") for n in range(allowed(UPLOADS_PER_ACCOUNT))}
    assert 429 not in statuses

    limited = client.post(f"/applications/{draft_id}/evidence", data={"kind": "photo"}, **from_ip("10.1.1.1"))

    assert limited.status_code == 429
    assert "Too many attempts" in page_text(limited)
    # Someone else on the same address carries on; the limited person can still read their pages.
    assert post_upload(signed_in_client(app, sign_in_as, other), other_draft_id, "10.1.1.1") != 429
    assert client.get(f"/applications/{draft_id}/evidence", **from_ip("10.1.1.1")).status_code == 200


def test_uploads_are_limited_per_address(app: Flask, session: Session, sign_in_as: Any) -> None:
    total = allowed(UPLOADS_PER_IP)
    each = allowed(UPLOADS_PER_ACCOUNT) - 1
    people = applicants_with_drafts(session, total // each + 2)
    spent = 0
    for person, draft_id in people[:-1]:
        client = signed_in_client(app, sign_in_as, person)
        for _ in range(min(each, total - spent)):
            assert post_upload(client, draft_id, "198.51.100.5") != 429
            spent += 1
    person, draft_id = people[-1]
    fresh = signed_in_client(app, sign_in_as, person)

    assert post_upload(fresh, draft_id, "198.51.100.5") == 429
    assert post_upload(fresh, draft_id, "198.51.100.6") != 429


def test_exports_are_limited_per_account_and_per_address(app: Flask, session: Session, sign_in_as: Any) -> None:
    grant_round = make_round(session)
    officers = [make_user(session, email=f"officer{n}@example.org", roles=(Role.OFFICER,)) for n in range(4)]
    session.commit()
    export = f"/officer/rounds/{grant_round.id}/applications.csv"
    per_account, per_ip = allowed(EXPORTS_PER_ACCOUNT), allowed(EXPORTS_PER_IP)
    first = signed_in_client(app, sign_in_as, officers[0])
    for _ in range(per_account):
        assert first.get(export, **from_ip("203.0.113.1")).status_code == 200
    # The limit is shared by every export, so switching to another one does not help.
    assert first.get("/officer/audit.csv", **from_ip("203.0.113.2")).status_code == 429

    spent = per_account
    for officer in officers[1:-1]:
        client = signed_in_client(app, sign_in_as, officer)
        for _ in range(min(per_account, per_ip - spent)):
            assert client.get(export, **from_ip("203.0.113.1")).status_code == 200
            spent += 1
    assert spent == per_ip
    last = signed_in_client(app, sign_in_as, officers[-1])
    assert last.get(export, **from_ip("203.0.113.1")).status_code == 429
    assert last.get(export, **from_ip("203.0.113.9")).status_code == 200


def test_every_export_shares_the_limit(app: Flask, session: Session, sign_in_as: Any) -> None:
    grant_round = make_round(session)
    event = make_event(session)
    officer = make_user(session, email="exporter@example.org", roles=(Role.OFFICER,))
    session.commit()
    exports = [
        f"/officer/rounds/{grant_round.id}/{name}"
        for name in ("open-data/360giving.json", "open-data/360giving.csv", "awards.csv", "payments.csv")
    ] + [f"/officer/events/{event.id}/register.csv"]
    client = signed_in_client(app, sign_in_as, officer)
    for _ in range(allowed(EXPORTS_PER_ACCOUNT)):
        assert client.get(f"/officer/rounds/{grant_round.id}/applications.csv").status_code == 200
    assert {url: client.get(url).status_code for url in exports} == dict.fromkeys(exports, 429)


def test_the_counts_can_live_in_redis(tmp_path: Any) -> None:
    settings = load_config(str(tmp_path), env={"RATELIMIT_STORAGE_URI": "redis://cache.internal:6379/2"})
    app = create_app({**settings, "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}"})
    from portal.extensions import limiter

    with app.app_context():
        assert app.config["RATELIMIT_STORAGE_URI"] == "redis://cache.internal:6379/2"
        assert type(limiter.storage).__name__ == "RedisStorage"


def test_a_report_photo_counts_as_an_upload_and_going_over_keeps_the_text(
    app: Flask, session: Session, sign_in_as: Any
) -> None:
    [(person, draft_id)] = applicants_with_drafts(session, 1)
    funded = make_application(
        session,
        grant_round=make_round(session),
        organisation=make_organisation(session, members=(person,)),
        status=ApplicationStatus.APPROVED,
    )
    award = make_award(session, application=funded, status=AwardStatus.ACCEPTED)
    report = make_report(session, award=award)
    session.commit()
    client = signed_in_client(app, sign_in_as, person)
    for number in range(allowed(UPLOADS_PER_ACCOUNT)):
        assert post_upload(client, draft_id, f"10.2.0.{number}") != 429
    url = f"/awards/{award.id}/report"

    # Saving text alone is not an upload, so it is never limited.
    assert client.post(url, data={"what_happened": "Walks.", "action": "save"}).status_code == 302
    over = client.post(
        url,
        data={"what_happened": "Twelve walks.", "action": "save", "photo": (io.BytesIO(make_jpeg()), "walk.jpg")},
        content_type="multipart/form-data",
    )

    assert over.status_code == 200
    assert "Your photo was not added: you have uploaded a lot of files in a short while." in page_text(over)
    session.refresh(report)
    assert report.answers["what_happened"] == "Twelve walks."


def test_answers_to_officers_questions_share_the_upload_limit_and_keep_the_answer(
    app: Flask, session: Session, sign_in_as: Any
) -> None:
    [(person, draft_id)] = applicants_with_drafts(session, 1)
    asked = make_application(
        session,
        grant_round=make_round(session),
        organisation=make_organisation(session, members=(person,)),
        status=ApplicationStatus.MORE_INFO,
    )
    question = make_info_request(session, application=asked)
    session.commit()
    client = signed_in_client(app, sign_in_as, person)
    for number in range(allowed(UPLOADS_PER_ACCOUNT)):
        assert post_upload(client, draft_id, f"10.3.0.{number}") != 429
    url = f"/applications/{asked.id}/questions/{question.id}"

    over = client.post(
        url,
        data={"answer": "Our statement is attached.", "files": (io.BytesIO(make_pdf()), "statement.pdf")},
        content_type="multipart/form-data",
    )

    assert over.status_code == 429
    assert "Your answer has not been sent: you have uploaded a lot of files" in page_text(over)
    assert "Our statement is attached." in over.get_data(as_text=True)
    reread(session)
    assert question.answer is None
    assert session.scalar(select(func.count(Evidence.id))) == 0
    # An answer in words alone uploads nothing, so it is never held back.
    assert client.post(url, data={"answer": "We will post it."}).status_code == 302
    reread(session)
    assert question.answer == "We will post it."


def test_saving_typed_answers_is_never_limited_by_a_shared_connection(
    app: Flask, session: Session, sign_in_as: Any
) -> None:
    # Groups finishing in a community centre share one address: their saves must all go through.
    people = applicants_with_drafts(session, 2)
    clients = [(signed_in_client(app, sign_in_as, person), draft_id) for person, draft_id in people]
    for number in range(allowed(UPLOADS_PER_IP) // 2 + 1):
        for client, draft_id in clients:
            response = client.post(
                f"/applications/{draft_id}/your-idea",
                data={**GOOD_ANSWERS["idea"], "revision": str(number), "action": "later"},
                **from_ip("10.7.0.1"),
            )
            assert response.status_code != 429


def test_recordings_are_counted_when_sent_and_refused_in_words_past_the_limit(
    app: Flask, session: Session, sign_in_as: Any, media_samples: MediaSamples
) -> None:
    ((person, draft_id),) = applicants_with_drafts(session, 1)
    client = signed_in_client(app, sign_in_as, person)

    def send(transcript: str) -> Any:
        page = client.get(f"/applications/{draft_id}/your-idea").get_data(as_text=True)
        found = re.search(r'name="revision"[^>]*value="(\d+)"', page)
        assert found is not None
        data = {**GOOD_ANSWERS["idea"], "activities": "", "revision": found.group(1), "action": "later"}
        data |= {"activities__recording": (media_samples.text.open("rb"), "answer.mp3")}
        data |= {"activities__transcript": transcript}
        return client.post(f"/applications/{draft_id}/your-idea", data=data)

    for _ in range(allowed(RECORDINGS_PER_ACCOUNT)):
        refused_by_content = send("First words")
        assert "limit" not in page_text(refused_by_content).lower()
        assert "a lot of recordings" not in page_text(refused_by_content)

    limited = send("My words")
    assert limited.status_code == 200
    assert "You have sent a lot of recordings in the last few minutes" in page_text(limited)
    assert "My words" in limited.get_data(as_text=True)  # nothing typed is lost
    assert session.scalar(select(func.count()).select_from(Evidence)) == 0
