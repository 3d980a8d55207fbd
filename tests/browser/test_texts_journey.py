"""Choosing texts on a phone, then signing in with a texted code: reached by links, by keyboard, axe finding nothing."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from playwright.sync_api import expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models.outbox import Channel, OutboxMessage
from portal.models.users import User
from tests.access import World
from tests.browser.test_every_page import check_at_every_width, submit
from tests.fixtures.databases import reread


def test_a_group_member_chooses_texts_and_signs_in_with_a_texted_code(
    app: Flask, live_server: str, role_pages: Any, world: World, session: Session
) -> None:
    found: list[str] = []
    person = world.people["applicant_b"]
    page = role_pages("applicant_b")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server + "/dashboard")
    page.get_by_role("link", name="how we contact you").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("How we contact you")
    check_at_every_width(page, found)

    # By keyboard: choose texts, type a landline, send.
    page.get_by_label("By text message to my mobile").focus()
    page.keyboard.press("Space")
    page.get_by_label("UK mobile number").fill("01923 123456")
    page.get_by_label("UK mobile number").press("Enter")
    expect(page).to_have_title(re.compile(r"^Error: "))
    check_at_every_width(page, found)

    page.get_by_label("UK mobile number").fill("07700 900123")
    submit(page, "Save")
    expect(page.get_by_text("We will send your sign-in codes and reminders by text message")).to_be_visible()
    check_at_every_width(page, found)
    reread(session)
    saved = session.get(User, person.id)
    assert saved is not None
    assert (saved.contact_by_text, saved.phone) == (True, "+447700900123")

    visitor = role_pages("texter")  # a fresh browser, not signed in
    visitor.goto(live_server + "/sign-in")
    visitor.get_by_label("Email address").fill(person.email)
    submit(visitor, "Continue")
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Check your phone")
    assert "ending in 123" in visitor.inner_text("main")
    check_at_every_width(visitor, found)
    visitor.get_by_role("link", name="Enter the code from the text message").click()
    check_at_every_width(visitor, found)
    visitor.go_back()
    submit(visitor, "Send the code by email instead")
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Check your email")

    reread(session)
    channels = session.scalars(
        select(OutboxMessage.channel).where(OutboxMessage.to.in_([person.email, "+447700900123"]))
    ).all()
    assert Channel.TEXT in channels
    assert Channel.EMAIL in channels
    assert found == [], "\n".join(found)
