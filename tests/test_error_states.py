"""Every error state links each problem to the field that shows it.

The forms are found the way a browser finds them: every page in the access
matrix is fetched as each role allowed to see it, and each of its POST forms is
sent with nothing filled in (only its hidden fields, and its first button, as
pressing Enter would). Where the answer is a page with an error summary, every
item of the summary must link to an element on the page that sits in a
``form-group--error`` showing the same message, and every ``form-group--error``
must show its message (``tests.fixtures.pages.error_summary_problems``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.access import OK, ROLES
from tests.access.world import build_world
from tests.fixtures.pages import error_summary_problems
from tests.test_access_matrix import MATRIX, client_for, rules_by_endpoint, url_in

# Signing out would end the role's session for the forms after it.
# Signing out ends the session the rest reads with; the language form (every page has it) turns its pages Polish.
SKIPPED_ACTIONS = {"/sign-out", "/language"}
STAFF = {"officer", "admin"}


@dataclass
class EmptyForm:
    action: str
    sent: dict[str, str] = field(default_factory=dict)
    button: bool = False


class EmptyForms(HTMLParser):
    """Each POST form's hidden fields and first named button: what an empty form sends."""

    def __init__(self, page_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[EmptyForm] = []
        self._in_post_form = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "form":
            self._in_post_form = attributes.get("method", "get").lower() == "post"
            if self._in_post_form:
                self.forms.append(EmptyForm(urljoin(self.page_url, attributes.get("action") or self.page_url)))
            return
        if not self._in_post_form:
            return
        form = self.forms[-1]
        kind = attributes.get("type", "submit" if tag == "button" else "text").lower()
        if tag == "input" and kind == "hidden" and "name" in attributes:
            form.sent[attributes["name"]] = attributes.get("value", "")
        elif tag in {"button", "input"} and kind == "submit" and not form.button:
            form.button = True
            if "name" in attributes:
                form.sent[attributes["name"]] = attributes.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._in_post_form = False


def empty_forms(app: Flask, world: Any, clients: dict[str, FlaskClient]) -> list[tuple[str, EmptyForm]]:
    found: dict[tuple[str, str, str], EmptyForm] = {}
    for endpoint, methods in sorted(rules_by_endpoint(app).items()):
        arguments, expected, *_ = MATRIX[endpoint]
        if "GET" not in methods:
            continue
        url = url_in(app, endpoint, arguments(world))
        for role in ROLES:
            if expected[role] != OK:
                continue
            response = clients[role].get(url)
            if response.mimetype == "text/html" and response.status_code == 200:
                reader = EmptyForms(f"http://localhost{url}")
                reader.feed(response.get_data(as_text=True))
                for form in reader.forms:
                    path = urlsplit(form.action).path
                    if path not in SKIPPED_ACTIONS:
                        found.setdefault((role, path, repr(sorted(form.sent))), form)
            response.close()
    # Staff last: their empty posts can change what others may reach (a panellist leaving a panel).
    return sorted(((role, form) for (role, _, _), form in found.items()), key=lambda item: item[0] in STAFF)


def test_every_error_summary_links_to_the_field_that_shows_the_error(
    app: Flask, session: Session, sign_in_as: Any
) -> None:
    world = build_world(session)
    clients = {role: client_for(app, sign_in_as, world, role) for role in ROLES}
    forms = empty_forms(app, world, clients)
    assert len(forms) > 30, forms  # the portal has dozens of forms; few would mean the reader is broken

    problems: list[str] = []
    summaries = 0
    for role, form in forms:
        path = urlsplit(form.action).path
        response = clients[role].post(path, data=form.sent)
        if response.mimetype == "text/html" and 'class="error-summary"' in (body := response.get_data(as_text=True)):
            summaries += 1
            problems += [
                f"{role} POST {path} ({response.status_code}): {problem}" for problem in error_summary_problems(body)
            ]
        response.close()
    assert summaries > 15, summaries
    assert problems == [], "\n".join(problems)
