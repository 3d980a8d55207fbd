"""The whole applicant journey on a phone-sized screen, checked by axe-core on every page:
round page, eligibility, sign-in, group profile, every section, a photo upload,
check answers, sending, and the status page."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models.applications import Application, ApplicationStatus
from tests.browser.conftest import PHONE, assert_accessible
from tests.browser.test_smoke import demo_loaded, emailed_code, no_sideways_scroll  # noqa: F401  (fixture)
from tests.fixtures.databases import reread
from tests.storage.sample_files import make_jpeg, make_pdf

EMAIL = "newgroup@example.org"


def checked(page: Any) -> None:
    assert_accessible(page)
    no_sideways_scroll(page)


def heading(page: Any) -> str:
    return str(page.get_by_role("heading", level=1).inner_text())


def upload_button(page: Any, field_id: str) -> Any:
    return page.locator(f"#{field_id}").locator("xpath=ancestor::form").get_by_role("button", name="Upload", exact=True)


def save_and_continue(page: Any) -> None:
    page.get_by_role("button", name="Save and continue").click()


@pytest.mark.usefixtures("demo_loaded")
def test_a_new_group_applies_on_a_phone(live_server: str, new_page: Callable[..., Any], session: Session) -> None:
    page = new_page(PHONE)
    page.goto(live_server + "/rounds/community-grants-2026")
    checked(page)

    # Eligibility: one question per page, then the answer.
    page.get_by_role("link", name="Check if your group can apply").click()
    checked(page)
    page.get_by_role("link", name="Start").click()
    page.get_by_role("button", name="Continue").click()  # nothing entered: an error state
    expect(page).to_have_title(re.compile(r"^Error: "))
    checked(page)
    page.get_by_label(re.compile("postcode")).fill("wd24 4ab")
    # The demo round funds every kind of group, so the checker does not ask which kind.
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Less than £10,000 a year").check()
    checked(page)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Running activities or sessions").check()
    checked(page)
    page.get_by_role("button", name="Continue").click()
    assert heading(page) == "Your group can apply"
    checked(page)

    # Sign in with an emailed code.
    page.get_by_role("link", name="Start your application").click()
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("link", name=re.compile("code", re.IGNORECASE)).first.click()
    page.get_by_label(re.compile("code", re.IGNORECASE)).fill(emailed_code(session, EMAIL))
    page.get_by_role("button", name="Sign in").click()

    # The group's profile.
    assert "First, tell us about your group" in page.content()
    checked(page)
    page.get_by_role("link", name="Tell us about your group").click()
    page.get_by_label("Your group's name").fill("Holywell Knit and Natter")
    page.get_by_label("Unconstituted group (no formal structure)").check()
    checked(page)
    page.get_by_role("button", name="Continue").click()
    checked(page)
    for change, fill in [
        ("address", {"Address": "Holywell Community Centre\nWatford", "Postcode": "WD18 9QD"}),
        ("contact", {"Name": "Mo Ahmed", "Email address": EMAIL}),
        ("money", {"First person's full name": "Mo Ahmed", "Second person's full name": "Ruth Green"}),
    ]:
        page.get_by_role(
            "link",
            name=re.compile(
                f"Change .*{ {'address': 'address', 'contact': 'contact', 'money': 'people looking after'}[change] }",
                re.IGNORECASE,
            ),
        ).first.click()
        for label, value in fill.items():
            page.get_by_label(label, exact=True).fill(value)
        if change == "money":
            page.get_by_label(re.compile("not related")).check()
        checked(page)
        page.get_by_role("button", name="Save").click()
    page.get_by_role("link", name=re.compile("Change yearly income", re.IGNORECASE)).click()
    page.get_by_label("Less than £10,000 a year").check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator("body")).to_contain_text("Central and West Watford")
    page.get_by_role("link", name="Continue to your application").click()

    # Start, then the task list and every section.
    page.get_by_label("Holywell Knit and Natter").check()
    checked(page)
    page.get_by_role("button", name="Start the application").click()
    assert heading(page) == "Your application"
    checked(page)

    page.get_by_role("link", name="About your group").click()
    page.get_by_label("What does your group do?").fill("We knit, natter and look out for each other.")
    page.get_by_label(re.compile("How many people run")).fill("5")
    checked(page)
    save_and_continue(page)

    page.get_by_role("link", name="Your idea").click()
    page.get_by_label("Give your project a short name").fill("Knit and natter on Thursdays")
    page.get_by_label("What will you do?").fill("A weekly knitting circle with tea, open to anyone.")
    page.get_by_label("Why does it matter locally?").fill("Older people here tell us they are lonely.")
    page.get_by_label("When will it happen?").fill("Every Thursday in 2027")
    save_and_continue(page)

    page.get_by_role("link", name="Who will benefit").click()
    page.get_by_label(re.compile("How many people will take part")).fill("25")
    page.get_by_label("Central and West Watford").check()
    page.get_by_label("Older people").check()
    page.get_by_label("No", exact=True).check()
    checked(page)
    save_and_continue(page)

    page.get_by_role("link", name="Budget").click()
    page.get_by_label("What it is").fill("Wool and needles")
    page.get_by_label("Cost in pounds").fill("400")
    page.get_by_role("button", name="Add another item").click()
    page.get_by_label("What it is").nth(1).fill("Room hire")
    page.get_by_label("Cost in pounds").nth(1).fill("450")
    checked(page)
    save_and_continue(page)
    assert "You have completed" in page.content()

    page.get_by_role("link", name="More about your project").click()
    page.get_by_role("textbox").first.fill("Our members plan every session together.")
    save_and_continue(page)

    page.get_by_role("link", name="Documents and photos").click()
    checked(page)
    page.set_input_files(
        "#file-bank_statement", files=[{"name": "statement.pdf", "mimeType": "application/pdf", "buffer": make_pdf()}]
    )
    upload_button(page, "file-bank_statement").click()
    page.wait_for_selector("text=statement.pdf is uploaded")
    page.set_input_files(
        "#file-photo", files=[{"name": "IMG_0042.JPG", "mimeType": "image/jpeg", "buffer": make_jpeg()}]
    )
    upload_button(page, "file-photo").click()
    page.wait_for_selector("text=IMG_0042.JPG is uploaded")
    assert page.get_by_role("img", name="Preview of IMG_0042.JPG").is_visible()
    checked(page)
    page.get_by_role("link", name="Save and return to your application").click()

    page.get_by_role("link", name="Declarations").click()
    for box in page.get_by_role("checkbox").all():
        box.check()
    page.get_by_label("Your full name").fill("Mo Ahmed")
    checked(page)
    save_and_continue(page)

    page.get_by_role("link", name="Check your answers").click()
    checked(page)
    page.get_by_role("button", name="Send application").click()
    assert heading(page) == "Application sent"
    checked(page)
    reference = page.locator(".reference").inner_text()
    assert re.fullmatch(r"AO-\d{4}-\d{4}", reference)

    page.get_by_role("link", name="See where your application is up to").click()
    expect(page.locator("body")).to_contain_text("You sent the application")
    checked(page)

    reread(session)
    application = session.scalars(select(Application).where(Application.reference == reference)).one()
    assert application.status is ApplicationStatus.SUBMITTED
    assert application.amount_requested_pence == 85_000
