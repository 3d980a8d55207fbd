"""The end-of-grant report in a browser: a photo chosen and a save pressed, with the progress script running,
adds the photo and keeps the words typed; removing a photo keeps them too."""

from __future__ import annotations

from typing import Any

from flask import Flask

from tests.access import World
from tests.browser.conftest import Extra, assert_accessible
from tests.storage.sample_files import make_jpeg
from tests.test_access_matrix import url_in


def test_saving_the_report_adds_the_chosen_photo_and_keeps_the_text(
    app: Flask, live_server: str, role_pages: Any, world: World, extra: Extra
) -> None:
    page = role_pages("applicant_a")
    page.goto(live_server + url_in(app, "apply.report", {"award_id": extra.accepted_award_id}))
    page.get_by_label("What happened?").fill("Twelve walks round the lakes.")
    page.set_input_files("#photo", files=[{"name": "walk.jpg", "mimeType": "image/jpeg", "buffer": make_jpeg()}])

    # The script sends the form in the background, with the button pressed, and shows the page the server answers.
    page.get_by_role("button", name="Save and come back later").click()
    page.wait_for_selector("text=Your report is saved")
    assert page.get_by_role("link", name="walk.jpg").is_visible()
    assert page.get_by_label("What happened?").input_value() == "Twelve walks round the lakes."
    assert_accessible(page)

    page.get_by_label("What did your group learn?").fill("Start in spring.")
    with page.expect_navigation():
        page.get_by_role("button", name="Remove walk.jpg").click()
    page.wait_for_selector("text=The photo is removed and your report is saved.")
    assert page.get_by_role("link", name="walk.jpg").count() == 0
    assert page.get_by_label("What did your group learn?").input_value() == "Start in spring."
