"""A group applies in Polish from a phone (390 px): it chooses Polski on the first page, answers one
question by voice, uses last year's bank statement again and checks its answers; every page is in
Polish and axe-core finds nothing on any.

The words to look for are the catalogue's own translations (``pl``), so the test follows the
journey by the names a Polish reader sees, whatever wording the translation settles on.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from flask_babel import force_locale, gettext
from sqlalchemy.orm import Session

from portal.models.applications import Application
from portal.services.files import conversions
from portal.storage import get_storage
from tests.access import World
from tests.browser.conftest import assert_accessible
from tests.fixtures.databases import reread
from tests.fixtures.media import MediaSamples
from tests.test_access_matrix import url_in

ANSWER = "Na naszej ulicy nie ma nic takiego. Sąsiedzi spotykają się tylko w sklepie."


def in_polish(app: Flask, english: str) -> str:
    """What a Polish reader sees for ``english``, from the catalogue."""
    with app.test_request_context(), force_locale("pl"):
        translated = str(gettext(english))
    assert translated != english, f"{english!r} has no Polish translation"
    return translated


def assert_in_polish(page: Any) -> None:
    assert page.locator("html").get_attribute("lang") == "pl"
    assert_accessible(page)


def test_a_group_applies_in_polish_with_a_spoken_answer(
    app: Flask, session: Session, live_server: str, role_pages: Any, world: World, media_samples: MediaSamples
) -> None:
    page = role_pages("applicant_a")
    page.goto(live_server + "/")
    with page.expect_navigation():
        page.get_by_role("button", name="Polski").click()
    assert_in_polish(page)

    page.get_by_role("link", name=in_polish(app, "Your applications")).first.click()
    assert_in_polish(page)

    section = live_server + url_in(app, "apply.section", {"application_id": world.draft_a_id, "section": "your-idea"})
    page.goto(section)
    assert_in_polish(page)
    # record.js takes its words from the page, so recording in the page is offered in Polish too.
    assert page.get_by_role("button", name=in_polish(app, "Record your answer")).first.is_visible()
    page.set_input_files("#local_need__recording", str(media_samples.tone))
    page.locator("#local_need__transcript").fill(ANSWER)
    with page.expect_navigation():
        page.get_by_role("button", name=in_polish(app, "Save and come back later")).click()
    assert_in_polish(page)
    assert page.locator(".error-summary").count() == 0

    with app.app_context():
        assert conversions.run_waiting(session, get_storage(), max_seconds=app.config["RECORDING_MAX_SECONDS"]) == 1
    page.goto(section)
    assert page.locator("audio.recording__player").count() == 2  # the world's recording and this one
    assert_in_polish(page)

    # Last year's bank statement is offered again, in Polish, and used with one press.
    page.goto(live_server + url_in(app, "apply.task_list", {"application_id": world.draft_a_id}))
    page.get_by_role("link", name=in_polish(app, "Documents and photos")).click()
    assert_in_polish(page)
    with page.expect_navigation():
        page.locator(".inset").get_by_role("button", name=re.compile(in_polish(app, "Use it again"))).click()
    assert_in_polish(page)
    assert page.locator(".inset").count() == 0
    assert page.get_by_role("link", name="last-years-statement.pdf", exact=True).count() == 1

    page.goto(live_server + url_in(app, "apply.check_answers", {"application_id": world.draft_a_id}))
    assert page.get_by_text(ANSWER).is_visible()
    assert_in_polish(page)

    reread(session)
    application = session.get(Application, world.draft_a_id)
    assert application is not None
    assert application.language == "pl"  # so officers' and panellists' pages mark the answers as Polish
