"""Answering a long-text question by speaking or on video: the page, the checks, the wait, the player, who hears it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.models.applications import Application, ApplicationStatus, Evidence
from portal.models.media import MediaConversion
from portal.models.users import Role, User
from portal.services.applications import lifecycle
from portal.services.files import conversions, media
from portal.storage import get_storage
from portal.storage.base import Storage
from tests.apply.filling import GOOD_ANSWERS
from tests.conftest import another_browser
from tests.factories import (
    make_application,
    make_assignment,
    make_organisation,
    make_panel,
    make_recording,
    make_round,
    make_user,
)
from tests.fixtures.databases import reread
from tests.fixtures.media import SHORT_LIMIT_SECONDS, MediaSamples
from tests.fixtures.pages import error_summary_problems, page_text


@pytest.fixture
def config_overrides() -> dict[str, Any]:
    return {"RECORDING_MAX_SECONDS": SHORT_LIMIT_SECONDS, "RECORDING_MAX_MB": 5}


@pytest.fixture(params=["local", pytest.param("s3", marks=pytest.mark.s3)])
def storage(request: pytest.FixtureRequest, app: Flask) -> Storage:
    """The portal's storage: its own folder, or a bucket on the S3 test server."""
    if request.param == "s3":
        app.extensions["portal.storage"] = request.getfixturevalue("s3_storage")
    with app.app_context():
        return get_storage()


@pytest.fixture
def draft(session: Session, member: User) -> Application:
    group = make_organisation(session, name="Holywell Walkers", members=(member,))
    application = lifecycle.start_application(session, make_round(session, title="Spring grants"), group, by=member)
    session.commit()
    return application


def idea_page(application: Application) -> str:
    return f"/applications/{application.id}/your-idea"


def spoken_idea(path: Path | None, **extra: Any) -> dict[str, Any]:
    """The idea page as a group sends it, with "What will you do?" spoken instead of written."""
    data: dict[str, Any] = {**GOOD_ANSWERS["idea"], "activities": "", "revision": "0", "action": "continue"}
    if path is not None:
        data["activities__recording"] = (path.open("rb"), path.name)
    return data | extra


def stored_keys(storage: Storage) -> list[str]:
    return sorted(key for key, _ in storage.listing("evidence/"))


def recording_count(session: Session) -> int:
    reread(session)
    return session.scalar(select(func.count()).select_from(Evidence)) or 0


def test_each_long_question_offers_a_plain_file_control_for_sound_or_video(
    signed_in: FlaskClient, draft: Application
) -> None:
    response = signed_in.get(idea_page(draft))
    page = response.get_data(as_text=True)
    for name in ("activities", "local_need"):
        assert re.search(rf'<input[^>]*accept="audio/\*,video/\*"[^>]*name="{name}__recording"[^>]*type="file"', page)
        assert f'name="{name}__transcript"' in page
    assert "title__recording" not in page  # a short answer is written
    assert 'enctype="multipart/form-data"' in page
    assert "js/record.js" in page
    assert "microphone=(self)" in response.headers["Permissions-Policy"]
    assert "camera=(self)" in response.headers["Permissions-Policy"]


def test_a_spoken_answer_counts_at_once_waits_to_be_prepared_then_plays(
    signed_in: FlaskClient, session: Session, draft: Application, storage: Storage, media_samples: MediaSamples
) -> None:
    transcript = "We will walk every Tuesday & have <tea> after."
    response = signed_in.post(idea_page(draft), data=spoken_idea(media_samples.tone, activities__transcript=transcript))
    assert response.status_code == 302, page_text(response)
    tasks = page_text(signed_in.get(response.headers["Location"]))
    assert "You have completed your idea" in tasks
    assert "Your idea Completed" in tasks
    reread(session)
    recording = session.scalars(select(Evidence)).one()
    assert stored_keys(storage) == [recording.storage_key]

    waiting = page_text(signed_in.get(idea_page(draft)))
    assert "Your recording is being prepared" in waiting
    check = signed_in.get(f"/applications/{draft.id}/check-your-answers").get_data(as_text=True)
    assert "Answered in a recording" in check
    assert "Your recording is being prepared" in check
    assert "We will walk every Tuesday &amp; have &lt;tea&gt; after." in check  # escaped

    assert conversions.run_waiting(session, storage, max_seconds=SHORT_LIMIT_SECONDS) == 1
    page = signed_in.get(idea_page(draft)).get_data(as_text=True)
    assert f'<audio class="recording__player" controls preload="metadata" src="/recordings/{recording.id}"' in page
    assert f'href="/recordings/{recording.id}" download' in page
    assert "being prepared" not in page

    played = signed_in.get(f"/recordings/{recording.id}")
    body = played.get_data()
    assert played.status_code == 200
    assert played.headers["Content-Type"] == "audio/mp4"
    assert played.headers["Content-Disposition"] == 'attachment; filename="spoken-answer.m4a"'
    assert played.headers["X-Content-Type-Options"] == "nosniff"
    assert played.headers["Accept-Ranges"] == "bytes"
    assert int(played.headers["Content-Length"]) == len(body)
    assert body[4:8] == b"ftyp"

    part = signed_in.get(f"/recordings/{recording.id}", headers={"Range": "bytes=100-199"})
    assert (part.status_code, part.headers["Content-Range"]) == (206, f"bytes 100-199/{len(body)}")
    assert part.get_data() == body[100:200]
    rest = signed_in.get(f"/recordings/{recording.id}", headers={"Range": "bytes=-50"})
    assert (rest.status_code, rest.get_data()) == (206, body[-50:])
    beyond = signed_in.get(f"/recordings/{recording.id}", headers={"Range": f"bytes={len(body) + 10}-"})
    assert (beyond.status_code, beyond.headers["Content-Range"]) == (416, f"bytes */{len(body)}")


def test_a_film_from_a_phone_is_accepted_and_played_as_video(
    signed_in: FlaskClient, session: Session, draft: Application, storage: Storage, media_samples: MediaSamples
) -> None:
    assert signed_in.post(idea_page(draft), data=spoken_idea(media_samples.film)).status_code == 302
    conversions.run_waiting(session, storage, max_seconds=SHORT_LIMIT_SECONDS)
    reread(session)
    recording = session.scalars(select(Evidence)).one()
    assert '<video class="recording__player"' in signed_in.get(idea_page(draft)).get_data(as_text=True)
    played = signed_in.get(f"/recordings/{recording.id}")
    assert (played.headers["Content-Type"], played.headers["Content-Disposition"]) == (
        "video/mp4",
        'attachment; filename="spoken-answer.mp4"',
    )


@pytest.mark.parametrize(
    ("sample", "message"),
    [
        ("program", media.NOT_A_RECORDING),
        ("archive", media.NOT_A_RECORDING),
        ("text", media.NOT_A_RECORDING),
        ("silent_film", media.NO_SOUND),
        ("long_tone", media.too_long_message(SHORT_LIMIT_SECONDS)),
    ],
)
def test_disguised_files_are_refused_in_words_storing_nothing_and_losing_no_words(
    signed_in: FlaskClient,
    session: Session,
    draft: Application,
    storage: Storage,
    media_samples: MediaSamples,
    sample: str,
    message: str,
) -> None:
    response = signed_in.post(
        idea_page(draft), data=spoken_idea(getattr(media_samples, sample), activities__transcript="My words")
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert str(message) in page_text(response)
    assert error_summary_problems(page) == []
    assert 'href="#activities__recording"' in page
    assert "My words" in page  # the transcript typed is still in its box
    assert recording_count(session) == 0
    assert session.scalar(select(func.count()).select_from(MediaConversion)) == 0
    assert stored_keys(storage) == []
    saved = session.get(Application, draft.id)
    assert saved is not None
    assert saved.answers["idea"]["title"] == GOOD_ANSWERS["idea"]["title"]  # the other answers are saved


def test_a_new_recording_replaces_the_old_and_removing_it_leaves_the_question_to_answer(
    signed_in: FlaskClient, session: Session, draft: Application, storage: Storage, media_samples: MediaSamples
) -> None:
    signed_in.post(idea_page(draft), data=spoken_idea(media_samples.tone))
    reread(session)
    first_id = session.scalars(select(Evidence.id)).one()
    signed_in.post(idea_page(draft), data=spoken_idea(media_samples.phone_audio, revision="1"))
    reread(session)
    second = session.scalars(select(Evidence)).one()
    assert second.id != first_id
    assert stored_keys(storage) == [second.storage_key]

    response = signed_in.post(idea_page(draft), data=spoken_idea(None, revision="2", activities__remove_recording="y"))
    assert response.status_code == 200
    assert "Tell us what you will do" in page_text(response)
    assert recording_count(session) == 0
    assert stored_keys(storage) == []


@pytest.fixture
def heard(session: Session) -> tuple[Application, Evidence, dict[str, User]]:
    """A recorded answer of an application with a panel: its group's member, another group's, the assigned
    panellist, one not assigned, and an officer."""
    people = {
        "member": make_user(session, email="member@example.org"),
        "other_group": make_user(session, email="other@example.org"),
        "assigned": make_user(session, email="assigned@example.org", roles=(Role.PANELLIST,)),
        "unassigned": make_user(session, email="unassigned@example.org", roles=(Role.PANELLIST,)),
        "officer": make_user(session, email="officer2@example.org", roles=(Role.OFFICER,)),
    }
    grant_round = make_round(session)
    group = make_organisation(session, name="Secret Walkers", members=(people["member"],))
    make_organisation(session, members=(people["other_group"],))
    application = make_application(
        session, grant_round=grant_round, organisation=group, status=ApplicationStatus.WITH_PANEL
    )
    application.answers = {"idea": {"title": "Walks", "activities": ""}}
    recording = make_recording(session, get_storage(), application=application, transcript="Weekly walks, said aloud")
    panel = make_panel(
        session, grant_round=grant_round, members=[people["assigned"], people["unassigned"]], onboarded=True
    )
    make_assignment(session, application=application, panellist=people["assigned"], panel=panel)
    session.commit()
    return application, recording, people


@pytest.mark.parametrize(
    ("who", "status"),
    [("member", 200), ("assigned", 200), ("officer", 200), ("other_group", 404), ("unassigned", 404)],
)
def test_the_group_officers_and_the_assigned_panellists_hear_it_and_no_one_else(
    app: Flask, sign_in_as: Any, heard: tuple[Application, Evidence, dict[str, User]], who: str, status: int
) -> None:
    _, recording, people = heard
    browser = another_browser(app)
    sign_in_as(browser, people[who])
    assert browser.get(f"/recordings/{recording.id}").status_code == status


def test_officers_and_the_panel_read_the_answer_with_its_player_and_transcript(
    app: Flask, sign_in_as: Any, heard: tuple[Application, Evidence, dict[str, User]]
) -> None:
    application, recording, people = heard
    officer = another_browser(app)
    sign_in_as(officer, people["officer"])
    page = officer.get(f"/officer/applications/{application.id}").get_data(as_text=True)
    assert f'src="/recordings/{recording.id}"' in page
    assert "Weekly walks, said aloud" in page
    panellist = another_browser(app)
    sign_in_as(panellist, people["assigned"])
    panellist.post(f"/panel/applications/{application.id}/conflict", data={"answer": "no"})
    page = panellist.get(f"/panel/applications/{application.id}").get_data(as_text=True)
    assert f'src="/recordings/{recording.id}"' in page
    assert "Answered in a recording" in page
    assert "answer.m4a" not in page  # never the group's file name


def test_a_recording_not_yet_prepared_is_not_served(
    app: Flask, signed_in: FlaskClient, session: Session, draft: Application
) -> None:
    waiting = make_recording(session, get_storage(), application=draft, ready=False)
    session.commit()
    assert signed_in.get(f"/recordings/{waiting.id}").status_code == 404
