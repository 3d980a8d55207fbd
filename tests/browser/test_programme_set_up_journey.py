"""A programme set up from an empty install in the browser alone: the first admin (made by the one
command), the programme's settings, an officer added by the admin, then the officer's funders and fund,
two neighbourhoods, a round with a question of each kind, its scoring and its reports. axe-core checks
every page on the way; the crawl checks each of them again at both widths."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flask import Flask
from playwright.sync_api import expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models.funders import Funder
from portal.models.funding import Neighbourhood, Round
from portal.models.outbox import OutboxMessage
from portal.models.programme import ProgrammeSettings
from portal.models.questions import QUESTION_KIND_LABELS, QuestionKind, RoundQuestion
from portal.services.messages.outbox import body_to_send
from tests.browser.conftest import LAPTOP, PHONE, assert_accessible
from tests.browser.test_smoke import no_sideways_scroll
from tests.fixtures.databases import reread

ADMIN, ADMIN_PASSWORD = "first.admin@example.org", "a long first admin passphrase"
OFFICER, OFFICER_PASSWORD = "new.officer@example.org", "the new officer's own passphrase"


def checked(page: Any) -> None:
    assert_accessible(page)
    no_sideways_scroll(page)


def press(page: Any, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()
    page.wait_for_load_state()


def follow(page: Any, name: str | re.Pattern[str]) -> None:
    page.get_by_role("link", name=name, exact=isinstance(name, str)).first.click()
    page.wait_for_load_state()


def back_to_the_round(page: Any) -> None:
    follow(page, re.compile("Back to (the round|Holywell grants 2027)$"))


def saved(page: Any) -> None:
    """The page a save leads to: no problems, and accessible."""
    expect(page.locator(".error-summary")).to_have_count(0)
    checked(page)


def sign_in_staff(page: Any, live_server: str, email: str, password: str) -> None:
    page.goto(live_server + "/staff/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    press(page, "Continue")


def emailed_link(session: Session, to: str) -> str:
    reread(session)
    message = session.scalars(
        select(OutboxMessage).where(OutboxMessage.to == to).order_by(OutboxMessage.id.desc())
    ).first()
    assert message is not None, f"no email to {to}"
    # The link's path: the test server runs on a port of its own, not PORTAL_BASE_URL's.
    found = re.search(r"https?://[^/\s]+(/staff/set-password/\S+)", body_to_send(message))
    assert found, body_to_send(message)
    return found.group(1)


def test_a_programme_is_set_up_in_the_browser_from_an_empty_install(
    app: Flask, live_server: str, new_page: Callable[..., Any], session: Session
) -> None:
    # The one command: the first admin.
    result = app.test_cli_runner().invoke(
        args=["users", "create-admin", ADMIN, "--name", "Ada Admin", "--password-stdin"], input=ADMIN_PASSWORD + "\n"
    )
    assert result.exit_code == 0, result.output

    admin = new_page(LAPTOP)
    sign_in_staff(admin, live_server, ADMIN, ADMIN_PASSWORD)
    assert "6 of 6 things are still to set up" in admin.content()
    checked(admin)

    # Programme details.
    follow(admin, "Programme details")
    checked(admin)
    admin.get_by_label("Programme name").fill("Holywell Community Grants")
    admin.get_by_label("Grants team's email address").fill("grants@holywell.example")
    admin.get_by_label("Panel members' hourly rate in pounds").fill("13.85")
    admin.get_by_label("Grant ID prefix").fill("holywell")
    admin.get_by_label("Publisher name").fill("Holywell Community Trust")
    press(admin, "Save settings")
    saved(admin)

    # An officer, who sets their own password from the emailed link.
    follow(admin, "Grants officers")
    checked(admin)
    admin.get_by_label("Full name").fill("Olu Officer")
    admin.get_by_label("Email address").fill(OFFICER)
    admin.get_by_label("Grants officer", exact=True).check()
    press(admin, "Add person")
    saved(admin)

    officer = new_page(PHONE)
    officer.goto(live_server + emailed_link(session, OFFICER))
    checked(officer)
    officer.get_by_label("New password").fill(OFFICER_PASSWORD)
    officer.get_by_label("Type the password again").fill(OFFICER_PASSWORD)
    press(officer, "Set password")
    sign_in_staff(officer, live_server, OFFICER, OFFICER_PASSWORD)
    assert officer.get_by_role("heading", level=1).inner_text() == "Rounds and budgets"

    # Two funders, and a fund with both.
    follow(officer, "Funds and funders")
    checked(officer)
    for name, org_id in (("Holywell Health Trust", "GB-CHC-1234567"), ("Watford Makers Ltd", "gb-coh-01234567")):
        follow(officer, "Add a funder")
        checked(officer)
        officer.get_by_label(re.compile("name", re.IGNORECASE)).first.fill(name)
        officer.get_by_label(re.compile("org-id", re.IGNORECASE)).fill(org_id)
        press(officer, "Save the funder")
        saved(officer)
    follow(officer, "Add a fund")
    checked(officer)
    officer.get_by_label("Name").fill("Holywell small grants")
    officer.get_by_label("Holywell Health Trust").check()
    officer.get_by_label("Watford Makers Ltd").check()
    press(officer, "Save the fund")
    saved(officer)

    # Two neighbourhoods; an overlap is refused, naming the clash, and the typing is kept.
    follow(officer, re.compile("Back to rounds and budgets"))
    follow(officer, "Neighbourhoods and postcodes")
    checked(officer)
    for name, areas in (("Holywell", "WD18 9\nWD18 8"), ("West Watford", "WD18")):
        follow(officer, "Add a neighbourhood")
        officer.get_by_label("Name").fill(name)
        officer.get_by_label("Postcode districts and sectors").fill(areas)
        press(officer, "Save the neighbourhood")
    expect(officer.locator(".error-summary")).to_contain_text("already in Holywell")
    checked(officer)
    officer.get_by_label("Postcode districts and sectors").fill("WD18 7\nWD19")
    press(officer, "Save the neighbourhood")
    saved(officer)

    # The round: its details, then each thing on its own page.
    follow(officer, re.compile("Back to rounds and budgets"))
    follow(officer, "Set up a round")
    checked(officer)
    officer.get_by_label("Fund").select_option(label="Holywell small grants")
    officer.get_by_label("Title").fill("Holywell grants 2027")
    officer.get_by_label("Opens (UK time)").fill("2026-12-01T09:00")
    officer.get_by_label("Closes (UK time)").fill("2027-12-01T17:00")
    officer.get_by_label("Total budget in pounds").fill("40000")
    officer.get_by_label("Smallest award in pounds").fill("500")
    officer.get_by_label("Largest award in pounds").fill("5000")
    press(officer, "Save the round")
    saved(officer)

    follow(officer, "Funders for this round")
    checked(officer)
    officer.get_by_label("Holywell Health Trust: amount in pounds").fill("30000")
    officer.get_by_label("Watford Makers Ltd: amount in pounds").fill("10000")
    press(officer, "Save the funders' amounts")
    saved(officer)
    back_to_the_round(officer)

    follow(officer, "Who can apply")
    checked(officer)
    officer.get_by_label("Holywell", exact=True).check()
    officer.get_by_label("West Watford").check()
    officer.get_by_label("Less than £10,000 a year").check()
    officer.get_by_label("£10,000 to £50,000 a year").check()
    press(officer, "Save who can apply")
    saved(officer)
    back_to_the_round(officer)

    follow(officer, "The round's questions")
    checked(officer)
    follow(officer, "Add a section")
    officer.get_by_label("Section title").fill("About your plans")
    press(officer, "Save the section")
    saved(officer)
    for kind, lazy_label in QUESTION_KIND_LABELS.items():
        label = str(lazy_label)
        follow(officer, "Add a question to About your plans")
        officer.get_by_label(label, exact=True).check()
        officer.get_by_label("Question", exact=True).fill(f"A question answered as {label.lower()}")
        if kind in (QuestionKind.ONE_CHOICE, QuestionKind.SEVERAL_CHOICES):
            officer.get_by_label(re.compile("^Choices, one on each line")).fill("Mornings\nEvenings\nWeekends")
        press(officer, "Save the question")
        saved(officer)
    follow(officer, re.compile("Preview"))
    checked(officer)
    follow(officer, re.compile("Back to the round.s questions"))
    back_to_the_round(officer)
    follow(officer, "Scoring")
    checked(officer)
    officer.get_by_label("Lowest point").select_option("0")
    officer.get_by_label("Highest point").select_option("3")
    press(officer, "Show the boxes for this scale")
    criterion = officer.get_by_role("group", name="Criterion 1 (optional)")
    criterion.get_by_label("Title").fill("Local need")
    criterion.get_by_label("Weight (1 to 10)").fill("2")
    for point in range(4):
        criterion.get_by_label(f"What a score of {point} means").fill(f"Need shown at level {point}")
    press(officer, "Save the scale and criteria")
    saved(officer)
    back_to_the_round(officer)

    follow(officer, "Reports")
    checked(officer)
    follow(officer, "Add a report")
    checked(officer)
    officer.get_by_label("Name of the report").fill("Six-month update")
    officer.get_by_label("Due this many months after the group accepts").fill("6")
    officer.get_by_label("Question").first.fill("What has happened so far?")
    press(officer, "Save the report")
    saved(officer)

    # What the pages made.
    reread(session)
    programme = session.scalars(select(ProgrammeSettings)).one()
    assert (programme.name, programme.hourly_rate_pence, programme.grant_id_prefix) == (
        "Holywell Community Grants",
        1385,
        "holywell",
    )
    assert sorted(f.org_id or "" for f in session.scalars(select(Funder))) == ["GB-CHC-1234567", "GB-COH-01234567"]
    assert sorted(n.name for n in session.scalars(select(Neighbourhood))) == ["Holywell", "West Watford"]
    grant_round = session.scalars(select(Round)).one()
    assert sorted(n.name for n in grant_round.neighbourhoods) == ["Holywell", "West Watford"]
    assert sorted(f.amount_pence for f in grant_round.funders) == [1_000_000, 3_000_000]
    assert {q.kind for q in session.scalars(select(RoundQuestion))} == set(QuestionKind)
    assert (grant_round.scale_low, grant_round.scale_high, [c.title for c in grant_round.criteria]) == (
        0,
        3,
        ["Local need"],
    )
    assert grant_round.hourly_rate_pence == 1385

    # The admin's checklist is done.
    admin.goto(live_server + "/admin/")
    assert "Everything on this list is set up" in admin.content()
    checked(admin)
