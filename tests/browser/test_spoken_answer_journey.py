"""A group answers a question by voice from a phone (390 px): the recording chosen in the plain file control,
the wait while it is prepared, then the player, each page with axe-core finding nothing."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy.orm import Session

from portal.services.files import conversions
from portal.storage import get_storage
from tests.access import World
from tests.browser.conftest import assert_accessible
from tests.fixtures.media import MediaSamples
from tests.test_access_matrix import url_in


def test_a_group_sends_a_spoken_answer_from_a_phone(
    app: Flask, session: Session, live_server: str, role_pages: Any, world: World, media_samples: MediaSamples
) -> None:
    page = role_pages("applicant_a")
    section = live_server + url_in(app, "apply.section", {"application_id": world.draft_a_id, "section": "your-idea"})
    page.goto(section)
    # "What will you do?" is already answered in a recording (the world's): it plays in the page.
    assert page.locator("audio.recording__player").count() == 1
    assert page.get_by_role("button", name="Record your answer").count() == 2  # the script offers recording
    assert_accessible(page)

    page.set_input_files("#local_need__recording", str(media_samples.tone))
    page.locator("#local_need__transcript").fill("There is nothing like it in our street.")
    with page.expect_navigation():
        page.get_by_role("button", name="Save and come back later").click()
    page.wait_for_selector("text=Your answers to your idea are saved")

    page.goto(section)
    assert page.get_by_text("Your recording is being prepared").is_visible()
    assert page.locator("#local_need__transcript").input_value() == "There is nothing like it in our street."
    assert_accessible(page)

    with app.app_context():
        assert conversions.run_waiting(session, get_storage(), max_seconds=app.config["RECORDING_MAX_SECONDS"]) == 1
    page.goto(section)
    assert page.locator("audio.recording__player").count() == 2
    assert page.get_by_text("Your recording is being prepared").count() == 0
    duration = (
        page.locator("audio.recording__player")
        .nth(1)
        .evaluate(
            "audio => new Promise(done => audio.readyState >= 1 ? done(audio.duration)"
            " : audio.addEventListener('loadedmetadata', () => done(audio.duration)))"
        )
    )
    assert 1.5 < duration < 2.5  # the browser plays what the portal prepared
    assert_accessible(page)

    page.goto(live_server + url_in(app, "apply.check_answers", {"application_id": world.draft_a_id}))
    assert page.get_by_text("There is nothing like it in our street.").is_visible()
    assert_accessible(page)
