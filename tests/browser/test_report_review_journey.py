"""An officer reads a sent report, sends it back with what to change, the group sends it again and the officer
accepts it: at phone and laptop widths, axe-core finding nothing on any page on the way."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import expect

from tests.access import World
from tests.browser.conftest import LAPTOP, PHONE, Extra, assert_accessible
from tests.test_access_matrix import url_in


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_an_officer_sends_a_report_back_then_accepts_it(
    app: Flask, live_server: str, role_pages: Any, world: World, extra: Extra, viewport: dict[str, int]
) -> None:
    officer, group = role_pages("officer"), role_pages("applicant_a")
    for page in (officer, group):
        page.set_viewport_size(viewport)

    officer.goto(live_server + url_in(app, "officer.award", {"award_id": extra.accepted_award_id}))
    officer.get_by_role("link", name="End-of-grant report").nth(1).click()
    expect(officer.locator("body")).to_contain_text("Twelve walks")
    assert officer.locator("table").get_by_text("Total").is_visible()
    assert_accessible(officer)

    # Sent empty, the request is refused at its field; then sent with words.
    officer.get_by_role("button", name="Send back for changes").click()
    expect(officer.locator(".error-summary")).to_contain_text("Tell the group what to change")
    assert_accessible(officer)
    officer.get_by_label(re.compile("What should the group change")).fill("Tell us how many sessions you ran.")
    officer.get_by_role("button", name="Send back for changes").click()
    expect(officer.locator("body")).to_contain_text("is back with the group")
    assert_accessible(officer)

    group.goto(live_server + url_in(app, "apply.award", {"award_id": extra.accepted_award_id}))
    group.get_by_role("link", name="End-of-grant report").nth(1).click()
    expect(group.locator("#what-to-change")).to_contain_text("Tell us how many sessions you ran.")
    assert_accessible(group)
    group.get_by_label("What happened?").fill("Twelve walks in ten sessions.")
    group.get_by_role("button", name="Save and check your report").click()
    assert_accessible(group)
    group.get_by_role("button", name="Send report").click()
    expect(group.locator("body")).to_contain_text("is sent")

    officer.reload()
    expect(officer.locator("body")).to_contain_text("Twelve walks in ten sessions.")
    officer.get_by_role("button", name="Accept the end-of-grant report").click()
    expect(officer.locator("body")).to_contain_text("The end-of-grant report is accepted.")
    assert officer.get_by_role("button", name="Send back for changes").count() == 0
    assert_accessible(officer)
