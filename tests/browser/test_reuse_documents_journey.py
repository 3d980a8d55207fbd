"""A group on a phone finds last year's bank statement offered on its new application's documents page and
uses it again: the file is added, dated as given, and offered no more."""

from __future__ import annotations

from typing import Any

from flask import Flask

from tests.access import World
from tests.browser.conftest import assert_accessible
from tests.test_access_matrix import url_in


def test_a_group_uses_last_years_bank_statement_again(
    app: Flask, live_server: str, role_pages: Any, world: World
) -> None:
    page = role_pages("applicant_a")
    page.goto(live_server + url_in(app, "apply.task_list", {"application_id": world.draft_a_id}))
    page.get_by_role("link", name="Documents and photos").click()
    offer = page.locator(".inset", has_text="You gave us last-years-statement.pdf")
    assert offer.is_visible()
    assert_accessible(page)

    with page.expect_navigation():
        offer.get_by_role("button", name="Use it again (last-years-statement.pdf)").click()

    page.wait_for_selector("text=last-years-statement.pdf is added again.")
    assert page.get_by_role("link", name="last-years-statement.pdf", exact=True).count() == 1
    assert page.locator(".inset", has_text="You gave us").count() == 0
    assert_accessible(page)
