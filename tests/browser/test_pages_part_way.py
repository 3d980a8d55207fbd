"""Pages reached part-way through a journey, checked by axe-core at phone and laptop
widths: the eligibility questions after the first, not found, a stale edit and
signing in part-way. Unlike the pages in ``test_every_page.py`` these tests change
data (answers saved, a person made), so each has a world of its own.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from playwright.sync_api import expect
from sqlalchemy.orm import Session

from portal.models.users import Role
from tests.access import World
from tests.browser.conftest import Extra
from tests.browser.test_every_page import check_at_every_width, submit, submit_empty
from tests.factories import make_user
from tests.test_access_matrix import url_in

STAFF_PASSWORD = "correct horse battery staple"


def test_eligibility_questions_and_not_found_have_no_accessibility_findings(
    app: Flask, live_server: str, role_pages: Any, world: World
) -> None:
    found: list[str] = []
    # The eligibility questions after the first, each sent empty first, then the answer.
    page = role_pages("anonymous")
    page.goto(live_server + url_in(app, "eligibility.question", {"slug": world.round_slug, "question": "postcode"}))
    page.get_by_label(re.compile("postcode")).fill("WD24 4AB")
    submit(page, "Continue")
    for question in ("group", "income", "purpose"):
        assert page.url.endswith(f"/check/{question}"), page.url
        check_at_every_width(page, found)
        submit_empty(page, "Continue")
        check_at_every_width(page, found)
        page.get_by_role("radio" if question != "purpose" else "checkbox").first.check()
        submit(page, "Continue")
    assert page.url.endswith("/check/result"), page.url
    check_at_every_width(page, found)

    # Not found, for a visitor and for a signed-in applicant.
    for role in ("anonymous", "applicant_a"):
        page = role_pages(role)
        assert page.goto(live_server + "/no-such-page").status == 404
        assert page.get_by_role("heading", level=1).inner_text() == "Page not found"
        check_at_every_width(page, found)

    assert found == [], "\n".join(found)


def test_a_stale_edit_has_no_accessibility_findings(
    app: Flask, live_server: str, role_pages: Any, world: World, extra: Extra
) -> None:
    found: list[str] = []
    # A stale edit: the section saved in another tab since this one was opened.
    page = role_pages("applicant_a")
    section = live_server + url_in(app, "apply.section", {"application_id": world.draft_a_id, "section": "your-idea"})
    other = page.context.new_page()
    page.goto(section)
    other.goto(section)
    other.get_by_label("Give your project a short name").fill("Tea and talk")
    submit(other, "Save and continue")
    other.close()
    page.get_by_label("Give your project a short name").fill("Knit and natter")
    with page.expect_navigation() as stale:
        page.get_by_role("button", name="Save and continue").click()
    assert stale.value.status == 409
    check_at_every_width(page, found)

    assert found == [], "\n".join(found)


def test_signing_in_part_way_has_no_accessibility_findings(
    app: Flask, live_server: str, role_pages: Any, world: World, session: Session
) -> None:
    found: list[str] = []
    # Signing in part-way: the check-your-email and code pages, then a wrong code.
    page = role_pages("anonymous")
    page.goto(live_server + "/sign-in")
    page.get_by_label("Email address").fill(world.people["applicant_b"].email)
    submit(page, "Continue")
    assert page.url.endswith("/sign-in/check-your-email")
    check_at_every_width(page, found)
    page.goto(live_server + "/sign-in/code")
    check_at_every_width(page, found)
    page.get_by_label(re.compile("code", re.IGNORECASE)).fill("000000")
    submit(page, "Sign in")
    expect(page).to_have_title(re.compile(r"^Error: "))
    check_at_every_width(page, found)

    # A staff member with an authenticator app is asked for its code.
    make_user(
        session,
        email="coder@example.org",
        roles=(Role.OFFICER,),
        password=STAFF_PASSWORD,
        totp_secret="JBSWY3DPEHPK3PXP",
    )
    session.commit()
    page = role_pages("staff")  # not one of the world's people: a fresh visitor
    page.goto(live_server + "/staff/sign-in")
    page.get_by_label("Email address").fill("coder@example.org")
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    submit(page, "Continue")
    assert page.url.endswith("/staff/sign-in/code")
    check_at_every_width(page, found)
    submit(page, "Sign in")
    expect(page).to_have_title(re.compile(r"^Error: "))
    check_at_every_width(page, found)
    assert found == [], "\n".join(found)


def test_finance_seeing_and_confirming_bank_details_has_no_accessibility_findings(
    app: Flask, live_server: str, role_pages: Any, extra: Extra
) -> None:
    found: list[str] = []
    page = role_pages("finance")
    page.goto(live_server + url_in(app, "finance.award", {"award_id": extra.accepted_award_id}))
    assert "12345678" not in page.content()
    page.get_by_label("Why do you need to see the bank details?").fill("To pay the next instalment")
    submit(page, "Show bank details")
    expect(page.get_by_text("12345678")).to_be_visible()
    check_at_every_width(page, found)

    page.goto(live_server + url_in(app, "finance.award", {"award_id": extra.accepted_award_id}))
    submit(page, "I have checked them: confirm the bank details")
    expect(page.get_by_text("The grant can now be paid")).to_be_visible()
    check_at_every_width(page, found)

    assert found == [], "\n".join(found)
