"""An officer's equity, budget and open data pages on a 320 px phone, checked by axe-core."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.demo import programme as demo
from portal.models.funding import Round
from tests.browser.conftest import assert_accessible
from tests.browser.test_smoke import demo_loaded  # noqa: F401  (fixture)

SMALL_PHONE = {"width": 320, "height": 640}


@pytest.mark.usefixtures("demo_loaded")
def test_the_charts_and_open_data_pages_fit_a_small_phone(
    live_server: str, new_page: Callable[..., Any], session: Session
) -> None:
    round_id = session.scalars(select(Round.id).where(Round.slug == demo.ROUND_SLUG)).one()
    page = new_page(SMALL_PHONE)
    page.goto(live_server + "/staff/sign-in")
    page.get_by_label("Email address").fill("officer@example.org")
    page.get_by_label("Password").fill(demo.DEMO_STAFF_PASSWORD)
    page.get_by_role("button", name="Continue").click()

    for path, heading in (
        (f"/officer/rounds/{round_id}/equity", "Who the round reaches"),
        (f"/officer/rounds/{round_id}/budget", "Budget"),
        (f"/officer/rounds/{round_id}/open-data", "Open data and exports"),
    ):
        page.goto(live_server + path)
        assert page.get_by_role("heading", level=1).inner_text() == heading
        assert page.evaluate("document.documentElement.scrollWidth") <= SMALL_PHONE["width"], path
        assert_accessible(page)
    page.goto(f"{live_server}/officer/rounds/{round_id}/budget")
    chart = page.get_by_role("img", name="Where the budget is")
    assert chart.is_visible()
