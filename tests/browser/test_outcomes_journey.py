"""A funder's person reads what their grants achieved, at phone and laptop widths, checked by axe-core."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.orm import Session

from tests.access import World
from tests.browser.conftest import LAPTOP, PHONE, assert_accessible
from tests.factories import make_round
from tests.outcomes.test_pages import accepted_report


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_a_funder_reads_the_outcomes_of_its_rounds(
    live_server: str, role_pages: Any, world: World, session: Session, viewport: dict[str, int]
) -> None:
    # A round of the world's funder, with one story shared and one not.
    grant_round = make_round(session, title="Healthy walks")
    accepted_report(session, grant_round, "Walkers", "June found her confidence.", share_story=True, share_photos=True)
    accepted_report(session, grant_round, "Quiet choir", "PRIVATE story.", share_story=False, share_photos=False)
    session.commit()
    page = role_pages("funder")
    page.set_viewport_size(viewport)

    # Signing in lands a funder's person here; the navigation leads back.
    page.goto(live_server + "/outcomes/")
    assert page.get_by_role("heading", level=1).inner_text() == "What the grants achieved"
    assert page.get_by_role("link", name="Healthy walks").is_visible()
    assert page.get_by_role("img", name="Money offered by round").is_visible()
    assert page.get_by_text("June found her confidence.").is_visible()
    assert page.get_by_role("img", name="A photo from Walkers").is_visible()
    assert page.get_by_text("PRIVATE story.").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    assert_accessible(page)

    page.get_by_role("link", name="Healthy walks").click()
    assert page.get_by_role("heading", level=2, name="Healthy walks").is_visible()
    assert_accessible(page)
