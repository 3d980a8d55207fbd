"""The whole applicant journey by keyboard alone: Tab to move, typing to fill in,
Space to tick and choose, arrow keys within a group of radios, Enter to follow a
link or press a button. Nothing is clicked; the test only reads the page to know
where the focus is."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models.applications import Application, ApplicationStatus
from tests.browser.conftest import PHONE
from tests.browser.test_smoke import demo_loaded, emailed_code  # noqa: F401  (fixture)
from tests.fixtures.databases import reread
from tests.storage.sample_files import make_jpeg, make_pdf

EMAIL = "keyboard@example.org"

# The focused element: its accessible text (for a link or button) and its label (for a field).
FOCUSED = """() => {
  const e = document.activeElement;
  const squash = text => (text || "").replace(/\\s+/g, " ").trim();
  return {
    tag: e.tagName.toLowerCase(), type: e.type || "", name: e.name || "",
    text: squash(e.tagName === "INPUT" ? e.value : e.textContent),
    label: squash(e.labels && e.labels.length ? e.labels[0].textContent : e.getAttribute("aria-label")),
  };
}"""


def focused(page: Any) -> dict[str, str]:
    return dict(page.evaluate(FOCUSED))


def _matches(info: dict[str, str], name: str | re.Pattern[str], tags: tuple[str, ...]) -> bool:
    if info["tag"] not in tags:
        return False
    texts = (info["text"], info["label"])
    if isinstance(name, re.Pattern):
        return any(name.search(text) for text in texts)
    return name in texts


def tab_to(
    page: Any, name: str | re.Pattern[str], tags: tuple[str, ...] = ("a", "button", "input", "textarea")
) -> None:
    """Press Tab until the control called ``name`` has the focus."""
    for _ in range(120):
        page.keyboard.press("Tab")
        if _matches(focused(page), name, tags):
            return
    pytest.fail(f"{page.url}: Tab never reached {name!r}")


def enter_and_wait(page: Any) -> None:
    """Press Enter on a link or button and wait for the page it leads to."""
    with page.expect_navigation():
        page.keyboard.press("Enter")


def follow(page: Any, link: str | re.Pattern[str]) -> None:
    tab_to(page, link, ("a",))
    enter_and_wait(page)


def press(page: Any, button: str) -> None:
    tab_to(page, button, ("button",))
    enter_and_wait(page)


def type_into(page: Any, label: str | re.Pattern[str], text: str) -> None:
    tab_to(page, label, ("input", "textarea"))
    page.keyboard.type(text)


def tick(page: Any, label: str | re.Pattern[str]) -> None:
    tab_to(page, label, ("input",))
    assert focused(page)["type"] == "checkbox"
    page.keyboard.press("Space")


def choose(page: Any, label: str) -> None:
    """Tab into a group of radios, then move with the arrow keys to ``label`` and choose it."""
    group = page.evaluate(
        """label => ([...document.querySelectorAll("input[type=radio]")]
             .find(r => r.labels[0].textContent.replace(/\\s+/g, " ").trim() === label) || {}).name""",
        label,
    )
    assert group, f"{page.url}: no radio labelled {label!r}"
    for _ in range(120):
        page.keyboard.press("Tab")
        if focused(page)["type"] == "radio" and focused(page)["name"] == group:
            break
    else:
        pytest.fail(f"{page.url}: Tab never reached the radios for {label!r}")
    for _ in range(20):
        if focused(page)["label"] == label:
            page.keyboard.press("Space")
            return
        page.keyboard.press("ArrowDown")
    pytest.fail(f"{page.url}: the arrow keys never reached {label!r}")


def heading(page: Any) -> str:
    return str(page.get_by_role("heading", level=1).inner_text())


def upload(page: Any, label: str, name: str, mime_type: str, content: bytes) -> None:
    tab_to(page, label, ("input",))
    assert focused(page)["type"] == "file"
    # The operating system's file chooser cannot be driven from a headless browser, so the
    # file is given to the input that has the focus; the rest is the keyboard's.
    page.locator(":focus").set_input_files(files=[{"name": name, "mimeType": mime_type, "buffer": content}])
    page.keyboard.press("Tab")
    assert focused(page)["text"] == "Upload"
    page.keyboard.press("Enter")
    page.wait_for_selector(f"text={name} is uploaded")


@pytest.mark.usefixtures("demo_loaded")
def test_a_group_applies_by_keyboard_alone(live_server: str, new_page: Callable[..., Any], session: Session) -> None:
    page = new_page(PHONE)
    page.goto(live_server + "/rounds/community-grants-2026")

    # The skip link comes first.
    page.keyboard.press("Tab")
    assert focused(page)["text"] == "Skip to main content"

    follow(page, "Check if your group can apply")
    follow(page, "Start")
    type_into(page, re.compile("postcode"), "WD24 4AB")
    # The demo round funds every kind of group, so the checker does not ask which kind.
    press(page, "Continue")
    choose(page, "Less than £10,000 a year")
    press(page, "Continue")
    tick(page, "Running activities or sessions")
    press(page, "Continue")
    assert heading(page) == "Your group can apply"

    # Sign in with the emailed code.
    follow(page, "Start your application")
    type_into(page, "Email address", EMAIL)
    press(page, "Continue")
    follow(page, re.compile("code", re.IGNORECASE))
    type_into(page, re.compile("code", re.IGNORECASE), emailed_code(session, EMAIL))
    press(page, "Sign in")

    # The group's profile.
    follow(page, "Tell us about your group")
    type_into(page, "Your group's name", "Grovehill Keyboard Club")
    choose(page, "Unconstituted group (no formal structure)")
    press(page, "Continue")
    for change, fields in [
        ("address", {"Address": "Grovehill Community Centre\nHemel Hempstead", "Postcode": "WD18 9QD"}),
        ("contact", {"Name": "Sam Patel", "Email address": EMAIL}),
        ("people looking after", {"First person's full name": "Sam Patel", "Second person's full name": "Jo Lee"}),
    ]:
        follow(page, re.compile(f"Change .*{change}", re.IGNORECASE))
        for label, value in fields.items():
            type_into(page, label, value)
        if change == "people looking after":
            tick(page, re.compile("not related"))
        press(page, "Save")
    follow(page, re.compile("Change yearly income", re.IGNORECASE))
    choose(page, "Less than £10,000 a year")
    press(page, "Save")
    follow(page, "Continue to your application")

    # Start the application, then every section of the task list.
    choose(page, "Grovehill Keyboard Club")
    press(page, "Start the application")
    assert heading(page) == "Your application"

    follow(page, "About your group")
    type_into(page, "What does your group do?", "We meet to learn computing together.")
    type_into(page, re.compile("How many people run"), "4")
    press(page, "Save and continue")

    follow(page, "Your idea")
    type_into(page, "Give your project a short name", "Computer club on Tuesdays")
    type_into(page, "What will you do?", "A weekly computer club with tea, open to anyone.")
    type_into(page, "Why does it matter locally?", "People here tell us they cannot get online.")
    type_into(page, "When will it happen?", "Every Tuesday in 2027")
    press(page, "Save and continue")

    follow(page, "Who will benefit")
    type_into(page, re.compile("How many people will take part"), "20")
    choose(page, "Central and West Watford")
    tick(page, "Older people")
    choose(page, "No")
    press(page, "Save and continue")

    follow(page, "Budget")
    type_into(page, "What it is", "Two second-hand laptops")
    type_into(page, "Cost in pounds", "500")
    press(page, "Add another item")
    # The new line is the second "What it is": Tab on from the first line's boxes to reach it.
    tab_to(page, "Cost in pounds", ("input",))
    type_into(page, "What it is", "Room hire")
    type_into(page, "Cost in pounds", "300")
    press(page, "Save and continue")
    assert "You have completed" in page.content()

    follow(page, "More about your project")
    tab_to(page, re.compile("."), ("textarea",))
    page.keyboard.type("Our members plan every session together.")
    press(page, "Save and continue")

    follow(page, "Documents and photos")
    upload(page, "Upload your bank statement", "statement.pdf", "application/pdf", make_pdf())
    upload(page, "Add a photo", "IMG_0042.JPG", "image/jpeg", make_jpeg())
    follow(page, "Save and return to your application")

    follow(page, "Declarations")
    boxes = page.evaluate("() => document.querySelectorAll('input[type=checkbox]').length")
    for _ in range(boxes):
        tab_to(page, re.compile("."), ("input",))
        assert focused(page)["type"] == "checkbox"
        page.keyboard.press("Space")
    type_into(page, "Your full name", "Sam Patel")
    press(page, "Save and continue")

    follow(page, "Check your answers")
    press(page, "Send application")
    assert heading(page) == "Application sent"
    reference = page.locator(".reference").inner_text()

    reread(session)
    application = session.scalars(select(Application).where(Application.reference == reference)).one()
    assert application.status is ApplicationStatus.SUBMITTED
    assert application.amount_requested_pence == 80_000
    assert application.organisation.name == "Grovehill Keyboard Club"
