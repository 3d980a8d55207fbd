"""Finance makes a payment run, a second person in finance approves it, the bank file is downloaded and the
run marked paid: at phone and laptop widths, axe-core finding nothing on any page on the way."""

from __future__ import annotations

import pytest
from flask import Flask
from playwright.sync_api import expect
from sqlalchemy.orm import Session

from portal.models.awards import Payment
from portal.models.users import Role
from tests.access import World
from tests.browser.conftest import LAPTOP, PHONE, assert_accessible
from tests.factories import make_user


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_finance_runs_a_payment_run(
    app: Flask, live_server: str, role_pages: object, world: World, session: Session, viewport: dict[str, int]
) -> None:
    payment = session.get(Payment, world.payable_payment_id)
    assert payment is not None
    payment.award.application.reference = "AO-2026-0099"
    world.people["second_finance"] = make_user(session, name="Gary Finance", roles=(Role.FINANCE,))
    session.commit()
    maker, checker = role_pages("finance"), role_pages("second_finance")  # type: ignore[operator]
    for page in (maker, checker):
        page.set_viewport_size(viewport)

    maker.goto(live_server + "/finance/")
    maker.get_by_role("link", name="Payment runs").first.click()
    maker.get_by_role("link", name="set the paying account").click()
    assert_accessible(maker)
    maker.get_by_label("Account name, as the bank file gives it").fill("Anchor grants")
    maker.get_by_label("Sort code").fill("40-12-76")
    maker.get_by_label("Account number").fill("41234567")
    maker.get_by_label("Bacs service user number").fill("123456")
    maker.get_by_role("button", name="Save the paying account").click()
    expect(maker.locator("body")).to_contain_text("The paying account is saved.")
    assert_accessible(maker)

    maker.get_by_role("link", name="Make a payment run").click()
    assert_accessible(maker)
    maker.get_by_label("AO-2026-0099", exact=False).check()
    maker.get_by_role("button", name="Make the payment run").click()
    expect(maker.locator("body")).to_contain_text("A second person must approve it.")
    assert_accessible(maker)
    run_address = maker.url

    checker.goto(live_server + "/finance/payment-runs")
    checker.get_by_role("link", name="RUN-").first.click()
    assert checker.url == run_address
    checker.get_by_role("button", name="Approve the payment run").click()
    expect(checker.locator("body")).to_contain_text("is approved")
    assert_accessible(checker)

    maker.reload()
    with maker.expect_download() as download:
        maker.get_by_role("link", name="Download the Bacs file (Standard 18)").click()
    assert download.value.suggested_filename.startswith("RUN-")
    maker.get_by_role("button", name="The bank has paid: mark the run paid").click()
    expect(maker.locator("body")).to_contain_text("is recorded as paid")
    assert_accessible(maker)
