"""Every page of every journey, read in Polish: nothing on it is left in English.

The pages are the crawl's (``tests/browser/test_every_page.py``, which makes
sure every page is listed). Each is fetched by the person who sees it, with
Polish chosen, and its visible text is compared with the catalogue: a piece
of text that is exactly an English string the catalogue translates means
that string reached the page without being translated (a label built from
an unmarked Python string, a macro's argument passed through untranslated).
Strings that are spelled the same in both languages ("Menu") are not
counted. ``tests/test_translations.py`` checks that every template string is
marked and translated; this checks the path from there to the page.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.extensions import db
from portal.models.audit import AuditAction
from portal.services.people.languages import COOKIE_NAME
from tests import translations
from tests.access import World
from tests.access.world import build_world
from tests.browser.conftest import Extra, make_extra
from tests.browser.test_every_page import PAGES, Visit
from tests.fixtures.apps import close_test_app, make_test_app, sign_in
from tests.test_access_matrix import url_in


class _Texts(HTMLParser):
    """Each piece of visible text, and each readable attribute, as its own string."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style"}:
            self._skip += 1
        for name, value in attrs:
            if name in translations.READ_ATTRIBUTES and value:
                self.texts.append(" ".join(value.split()))

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style"} and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.texts.append(" ".join(data.split()))


def english_strings() -> set[str]:
    """The catalogue's English strings that Polish writes differently, as they read on a page."""
    found: set[str] = set()
    catalogue = translations.catalogue("pl")
    # Polish spelled like an English string ("Role" is Polish for "Roles") is not English left over.
    polish = {" ".join(str(message.string).split()) for message in catalogue if isinstance(message.string, str)}
    for message in catalogue:
        if not message.id or message.pluralizable or "%(" in message.id or "<" in message.id:
            continue
        if message.string and message.string != message.id and re.search(r"[A-Za-z]{3}", message.id):
            found.add(" ".join(str(message.id).split()))
    return found - polish


@dataclass
class Reading:
    app: Flask
    world: World
    extra: Extra
    clients: dict[str, FlaskClient]
    english: set[str]

    def client(self, role: str) -> FlaskClient:
        if role not in self.clients:
            client = self.app.test_client()
            if role in self.world.people:
                sign_in(self.app, client, self.world.people[role])
            client.set_cookie(COOKIE_NAME, "pl")
            self.clients[role] = client
        return self.clients[role]


@pytest.fixture(scope="module")
def reading(db_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Reading]:
    # Built once: reading a page changes nothing another test here reads.
    app = make_test_app(db_url, tmp_path_factory.mktemp("polish"))
    try:
        with app.app_context():
            world = build_world(db.session)
            extra = make_extra(db.session, world)
        yield Reading(app, world, extra, {}, english_strings())
    finally:
        close_test_app(db_url)


# Audit entries name what happened in the portal's own vocabulary ("bank details changed"), as
# recorded; the officers' audit log and recent activity show them as they are.
RECORDED_AS_IS = {"officer.audit_log", "officer.home"}
AUDIT_ACTIONS = {action.value.replace("_", " ") for action in AuditAction}


def visits() -> Iterator[Any]:
    for endpoint, visits in sorted(PAGES.items()):
        for number, visit in enumerate(visits):
            yield pytest.param(endpoint, visit, id=f"{endpoint}-{number}")


@pytest.mark.parametrize(("endpoint", "visit"), list(visits()))
def test_page_reads_in_polish(reading: Reading, endpoint: str, visit: Visit) -> None:
    with reading.app.app_context():
        url = url_in(reading.app, endpoint, visit.arguments(reading.world, reading.extra))
    response = reading.client(visit.role).get(url)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    page = response.get_data(as_text=True)
    assert '<html lang="pl">' in page
    texts = _Texts()
    texts.feed(page)
    left_in_english = sorted({text for text in texts.texts if text in reading.english})
    if endpoint in RECORDED_AS_IS:
        left_in_english = [text for text in left_in_english if text.lower() not in AUDIT_ACTIONS]
    assert left_in_english == [], f"{url} shows English a Polish reader should not see"
