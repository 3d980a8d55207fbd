"""A person downloads their own data on a small phone, and an admin's erase page, checked by axe-core."""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.demo import programme as demo
from portal.models.users import Role, User
from tests.browser.conftest import assert_accessible
from tests.browser.test_smoke import APPLICANT, emailed_code, no_sideways_scroll
from tests.factories import make_user

SMALL_PHONE = {"width": 320, "height": 640}


@pytest.fixture
def demo_loaded(session: Session) -> None:
    demo.load(session)
    session.commit()


def test_a_person_downloads_their_data_on_a_small_phone(
    live_server: str, new_page: Callable[..., Any], demo_loaded: None, session: Session
) -> None:
    page = new_page(SMALL_PHONE, accept_downloads=True)
    page.goto(live_server + "/sign-in")
    page.get_by_label("Email address").fill(APPLICANT)
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("link", name=re.compile("code", re.IGNORECASE)).first.click()
    page.get_by_label(re.compile("code", re.IGNORECASE)).fill(emailed_code(session, APPLICANT))
    page.get_by_role("button", name="Sign in").click()

    page.get_by_role("link", name="Your data").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Your data"
    assert_accessible(page)
    no_sideways_scroll(page)

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download your data").click()
    download = download_info.value
    assert re.fullmatch(r"anchor-offer-your-data-\d{4}-\d{2}-\d{2}\.zip", download.suggested_filename)
    with zipfile.ZipFile(download.path()) as archive:
        data = json.loads(archive.read("data.json"))
    assert data["person"]["email"] == APPLICANT
    assert data["applications"]


def test_the_erase_page_is_accessible(
    live_server: str, new_page: Callable[..., Any], app: Any, session: Session, sign_in_as: Any
) -> None:

    admin = make_user(session, roles=(Role.ADMIN,), name="Ada Admin")
    person = make_user(session, name="Sam Person")
    session.commit()
    client = app.test_client()
    sign_in_as(client, admin)
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    page = new_page(SMALL_PHONE)
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server}])

    page.goto(f"{live_server}/admin/users/{person.id}/erase")
    assert "Erase Sam Person" in page.get_by_role("heading", level=1).inner_text()
    assert_accessible(page)
    no_sideways_scroll(page)
    page.get_by_role("button", name="Erase personal details").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    assert_accessible(page)
    page.get_by_label("I understand that this cannot be undone").check()
    page.get_by_role("button", name="Erase personal details").click()
    expect(page.locator("body")).to_contain_text("have been erased")
    session.expire_all()
    assert session.scalar(select(User.erased_at).where(User.id == person.id)) is not None
