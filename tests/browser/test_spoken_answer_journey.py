"""A group answers a question by voice from a phone (390 px): the recording chosen in the plain file control,
the wait while it is prepared, then the player, each page with axe-core finding nothing."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy.orm import Session

from portal.models.applications import Application
from portal.services.applications import spoken
from portal.services.files import conversions
from portal.storage import get_storage
from tests.access import World
from tests.browser.conftest import CHROMIUM, CHROMIUM_FLAGS, PHONE, assert_accessible
from tests.fixtures.apps import sign_in
from tests.fixtures.databases import reread
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


def test_recording_in_the_page_puts_the_recording_into_the_form(
    app: Flask, session: Session, live_server: str, browser: Any, world: World
) -> None:
    """Where the browser can record (here Chromium's stand-in microphone), "Record your answer" records in the
    page and the recording is sent with the form, as a chosen file would be (and checked the same way)."""
    recording_browser = browser.browser_type.launch(
        executable_path=str(CHROMIUM),
        args=[*CHROMIUM_FLAGS, "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"],
    )
    try:
        context = recording_browser.new_context(viewport=PHONE)
        client = app.test_client()
        sign_in(app, client, world.people["applicant_a"])
        cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
        assert cookie is not None
        context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server}])
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(
            live_server + url_in(app, "apply.section", {"application_id": world.draft_a_id, "section": "your-idea"})
        )
        record = page.locator("#local_need__recording ~ .recorder__controls button")
        record.click()
        page.wait_for_selector("text=Recording… Press Stop recording when you have finished.")
        page.wait_for_timeout(1500)  # speak for a moment (not a timed assertion: any length is accepted)
        page.get_by_role("button", name="Stop recording").click()
        page.wait_for_selector("text=Your recording is ready. Save the page to send it.")
        assert page.locator("#local_need__recording").evaluate("input => input.files.length") == 1
        assert_accessible(page)
        with page.expect_navigation():
            page.get_by_role("button", name="Save and come back later").click()
        page.wait_for_selector("text=Your answers to your idea are saved")
        context.close()
    finally:
        recording_browser.close()

    reread(session)
    saved = session.get(Application, world.draft_a_id)
    assert saved is not None
    kept = spoken.saved_spoken(saved, "idea", "local_need")
    assert kept is not None
    assert kept["filename"].startswith("recording.")
