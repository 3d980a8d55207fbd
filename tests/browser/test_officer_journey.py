"""An officer routes, decides and pays on a laptop, checked by axe-core on every page."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.demo import programme as demo
from portal.models.applications import Application, ApplicationStatus
from portal.models.awards import Award, AwardStatus
from portal.models.organisations import Organisation
from portal.models.users import User
from portal.services.awards import bank_details
from portal.services.awards.budget_check import check_rounds
from tests.browser.conftest import LAPTOP, assert_accessible
from tests.browser.test_smoke import demo_loaded  # noqa: F401  (fixture)
from tests.factories import confirm_bank_details
from tests.fixtures.databases import reread


def application_of(session: Session, group: str) -> Application:
    return session.scalars(
        select(Application)
        .join(Organisation)
        .where(Organisation.name == group, Application.round.has(slug=demo.ROUND_SLUG))
    ).one()


@pytest.mark.usefixtures("demo_loaded")
def test_an_officer_routes_decides_and_pays(live_server: str, new_page: Callable[..., Any], session: Session) -> None:
    # The panel has finished with the café's application.
    cafe = application_of(session, "Grovehill Chatterbox Café")
    cafe.status = ApplicationStatus.SCORED
    session.commit()

    page = new_page(LAPTOP)
    page.goto(live_server + "/staff/sign-in")
    page.get_by_label("Email address").fill("officer@example.org")
    page.get_by_label("Password").fill(demo.DEMO_STAFF_PASSWORD)
    page.get_by_role("button", name="Continue").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Rounds and budgets"
    assert_accessible(page)

    page.get_by_role("link", name=re.compile("^Applications")).first.click()
    assert_accessible(page)
    # Route the walking group's application to the panel.
    walkers = application_of(session, "Borehamwood Walking Buddies")
    page.get_by_role("link", name=walkers.reference).click()
    assert_accessible(page)
    page.get_by_label(re.compile("^Assign it automatically")).check()
    page.get_by_role("button", name="Mark eligible: send to the panel").click()
    expect(page.locator("body")).to_contain_text("Marked eligible and assigned to")
    assert_accessible(page)

    # Decide: approve the café's application.
    page.goto(f"{live_server}/officer/applications/{cafe.id}")
    assert_accessible(page)
    page.get_by_label("Amount to award in pounds").fill("3000")
    page.get_by_role("button", name="Approve").click()
    expect(page.locator("body")).to_contain_text("Approved: the offer has gone to the group.")
    page.get_by_role("link", name=re.compile("The award of")).click()
    assert_accessible(page)
    page.get_by_label("Amount of an instalment in pounds").fill("3000")
    page.get_by_role("button", name="Add to the payment plan").click()
    expect(page.locator("body")).to_contain_text("added to the plan")

    # The group accepts and gives its bank details; then the officer pays.
    reread(session)
    award = session.scalars(select(Award).where(Award.application_id == cafe.id)).one()
    award.status = AwardStatus.ACCEPTED
    member = session.scalars(select(User).where(User.email == "grace@example.org")).one()
    bank_details.save_bank_details(
        session, award, bank_details.BankDetails("Chatterbox Café", "309457", "00733445"), by=member
    )
    session.commit()
    page.reload()
    expect(page.locator("body")).to_contain_text("must be confirmed by finance before anything is paid")
    # Finance checks the details against a bank statement and confirms them.
    confirm_bank_details(session, award)
    session.commit()
    page.reload()
    page.get_by_label("Bank reference for this payment").fill("BACS-0001")
    page.get_by_role("button", name="Record the payment").click()
    expect(page.locator("body")).to_contain_text("The payment is recorded.")
    assert_accessible(page)

    for path in (
        "/officer/rounds/new",
        f"/officer/rounds/{cafe.round_id}/edit",
        f"/officer/rounds/{cafe.round_id}/panels",
        f"/officer/rounds/{cafe.round_id}/results",
        "/officer/audit",
    ):
        page.goto(live_server + path)
        assert_accessible(page)
    page.goto(f"{live_server}/officer/rounds/{cafe.round_id}/budget")
    assert "£3,000" in page.content()
    assert_accessible(page)
    reread(session)
    assert walkers.status is ApplicationStatus.WITH_PANEL
    assert session.get(Award, award.id).status is AwardStatus.PAID  # type: ignore[union-attr]


def staff_page(new_page: Callable[..., Any], live_server: str, email: str) -> Any:
    page = new_page(LAPTOP)
    page.goto(live_server + "/staff/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(demo.DEMO_STAFF_PASSWORD)
    page.get_by_role("button", name="Continue").click()
    return page


@pytest.mark.usefixtures("demo_loaded")
def test_a_second_officer_returns_then_confirms_a_large_award(
    live_server: str, new_page: Callable[..., Any], session: Session
) -> None:
    # The demo's sewing circle had an approval returned to the officer; it waits for a decision again.
    circle = application_of(session, "Garston Sewing Circle")
    url = f"{live_server}/officer/applications/{circle.id}"
    first = staff_page(new_page, live_server, "officer@example.org")
    first.get_by_role("link", name=circle.reference).first.click()  # from "Approvals returned to you"
    assert first.url == url
    first.get_by_label("Amount to award in pounds").fill("3500")
    first.get_by_role("button", name="Approve").click()
    assert "a second officer must confirm it before the offer goes out" in first.content()
    assert_accessible(first)

    second = staff_page(new_page, live_server, "second.officer@example.org")
    second.get_by_role("link", name=circle.reference).first.click()  # from "Approvals waiting for a second officer"
    second.get_by_role("button", name=re.compile("^Return it to")).click()
    assert second.title().startswith("Error: ")
    assert_accessible(second)
    second.get_by_label(re.compile("returning it")).fill("Ask for a second quote for the machines.")
    second.get_by_role("button", name=re.compile("^Return it to")).click()
    assert "Ask for a second quote for the machines." in second.content()
    reread(session)
    assert check_rounds(session) == []

    first.goto(url)
    assert "Ask for a second quote for the machines." in first.content()
    first.get_by_label("Amount to award in pounds").fill("3200")
    first.get_by_role("button", name="Approve").click()
    second.goto(url)
    second.get_by_role("button", name="Confirm the award").click()
    assert "the offer has gone to the group" in second.content()
    assert_accessible(second)
    reread(session)
    award = session.scalars(select(Award).where(Award.application_id == circle.id)).one()
    assert award.amount_pence == 320_000
    assert check_rounds(session) == []
