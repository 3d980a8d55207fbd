"""The team writes to a funded group; a member reads it from the grant's page and replies; the officer finds
the reply in the work queue: at phone and laptop widths, axe-core finding nothing on any page on the way."""

from __future__ import annotations

import pytest
from flask import Flask
from playwright.sync_api import expect
from sqlalchemy.orm import Session

from portal.models.awards import Award
from portal.services.messages import threads
from tests.access import World
from tests.browser.conftest import LAPTOP, PHONE, Extra, assert_accessible
from tests.test_access_matrix import url_in


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_a_group_replies_to_a_message(
    app: Flask,
    live_server: str,
    role_pages: object,
    world: World,
    extra: Extra,
    session: Session,
    viewport: dict[str, int],
) -> None:
    award = session.get(Award, extra.accepted_award_id)
    assert award is not None
    threads.post(session, award, by=world.people["officer"], body="Could you send us a photo of the first walk?")
    session.commit()
    officer, group = role_pages("officer"), role_pages("applicant_a")  # type: ignore[operator]
    for page in (officer, group):
        page.set_viewport_size(viewport)

    group.goto(live_server + url_in(app, "apply.award", {"award_id": award.id}))
    expect(group.locator("main")).to_contain_text("1 new")
    group.get_by_role("link", name="Messages with the programme team").click()
    expect(group.locator("main")).to_contain_text("Could you send us a photo of the first walk?")
    assert_accessible(group)
    group.get_by_role("button", name="Send the message").click()
    expect(group.locator(".error-summary")).to_contain_text("Write your message")
    assert_accessible(group)
    group.get_by_label("Your message").fill("Yes: we will bring one to the peer-learning day.")
    group.get_by_role("button", name="Send the message").click()
    expect(group.locator("body")).to_contain_text("Your message is sent.")
    assert_accessible(group)

    officer.goto(live_server + "/officer/")
    expect(officer.locator("main")).to_contain_text("Unread messages from groups")
    # The queue's list of unread messages follows its heading.
    officer.locator("h3:has-text('Unread messages from groups') + ul").get_by_role("link").first.click()
    expect(officer.locator("main")).to_contain_text("we will bring one to the peer-learning day")
    assert_accessible(officer)
