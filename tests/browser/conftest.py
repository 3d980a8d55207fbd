"""Browser tests: the real portal served over HTTP, driven by the machine's
Chromium through Playwright, with axe-core checking every page."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from sqlalchemy.orm import Session
from werkzeug.serving import make_server

from portal.models.applications import Application, ApplicationStatus, BudgetLine
from portal.models.awards import AwardStatus, Payment
from portal.models.base import utcnow
from portal.models.funding import Round
from portal.models.organisations import Organisation
from portal.models.panels import Panel, Recommendation
from portal.models.users import Role
from portal.services.awards import bank_details, decisions
from portal.services.awards.bank_details import BankDetails
from tests.access import World
from tests.access.world import build_world
from tests.factories import (
    add_own_questions,
    make_application,
    make_assignment,
    make_award,
    make_organisation,
    make_report,
    make_review,
    make_round,
    make_user,
)
from tests.fixtures.apps import sign_in

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 800}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.path):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium); .ci/run installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


@contextmanager
def serving(app: Flask) -> Iterator[str]:
    """The app on a free loopback port, in a thread, for the browser to use."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    with serving(app) as url:
        yield url


@pytest.fixture
def new_page(browser: Any) -> Iterator[Callable[..., Any]]:
    """``new_page(viewport)``: a page in a fresh browser context (no cookies)."""
    contexts: list[Any] = []

    def _new_page(viewport: dict[str, int] = PHONE, **options: Any) -> Any:
        context = browser.new_context(viewport=viewport, **options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield _new_page
    for context in contexts:
        context.close()


_axe = Axe()
# Only violations come back: the passes and inapplicable rules are many times larger.
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.2 A and AA violations on the page as it is now (injected once per document)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe.axe_script)
    results = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
    return list(results["violations"])


def describe(violations: list[dict[str, Any]]) -> str:
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']}: " + "; ".join(str(node["target"]) for node in v["nodes"][:5])
        for v in violations
    )


def assert_accessible(page: Any) -> None:
    """axe-core finds no WCAG 2.2 A or AA violation on the page as it is now."""
    found = axe_violations(page)
    assert found == [], f"{page.url}: {describe(found)}"


@dataclass(frozen=True)
class Extra:
    """What the access-matrix world lacks: an accepted award whose report is open (paid once, then
    its bank details changed), and a question of the round's own (so the "more questions" section exists)."""

    accepted_award_id: int
    # Approved above the threshold by another officer (once returned, then approved again): the
    # world's officer may confirm or return it.
    waiting_application_id: int
    # The panel's pages: an application waiting for its checks (to send to the panel), one the panellist
    # has reviewed and nobody else can (to close reviewing short), and one whose draft they can submit.
    submitted_id: int = 0
    closable_id: int = 0
    drafted_id: int = 0
    # Two more reports of the accepted award: one sent (for the officer to read), one sent back with what to change.
    sent_report_id: int = 0
    returned_report_id: int = 0


@pytest.fixture
def extra(session: Session, world: World) -> Extra:
    return make_extra(session, world)


def make_extra(session: Session, world: World) -> Extra:
    """Adds what ``Extra`` describes to the world, and commits."""
    group_a = session.get(Organisation, world.organisation_a_id)
    assert group_a is not None
    accepted = make_application(
        session, grant_round=make_round(session), organisation=group_a, status=ApplicationStatus.APPROVED
    )
    accepted.budget_lines = [BudgetLine(position=1, item="Walk leader training", amount_pence=75_000)]
    award = make_award(session, application=accepted, status=AwardStatus.ACCEPTED)
    make_report(session, award=award)
    sent, returned = (make_report(session, award=award, due_on=utcnow().date() + timedelta(days=d)) for d in (90, 120))
    sent.answers = {"what_happened": "Twelve walks", "story": "June came every week", "learned": "Start in spring"}
    sent.answers |= {"people": "30", "spend": {str(line.id): "40" for line in accepted.budget_lines}}
    sent.people_reached, sent.spent_pence, sent.submitted_at, sent.times_sent = 30, 4_000, utcnow(), 1
    returned.times_sent, returned.changes_requested_at = 1, utcnow()
    returned.changes_message = "Tell us how many sessions you ran."
    # Paid once, then another member changed the account: the officer's award page shows an alert.
    bank_details.save_bank_details(
        session, award, BankDetails("Group A", "309457", "00733445"), by=world.people["applicant_a"]
    )
    award.payments = [Payment(amount_pence=1_000, due_on=utcnow().date(), paid_at=utcnow(), reference="BACS-1")]
    session.flush()
    bank_details.save_bank_details(
        session, award, BankDetails("Group A", "309457", "12345678"), by=world.people["a_helper"]
    )
    open_round = session.get(Round, world.round_id)
    assert open_round is not None
    # A section of the round's own questions, one of each kind (the world's open round already has "s1").
    add_own_questions(
        session,
        open_round,
        [
            {"key": "q2", "kind": "short_text", "question": "What is your group's website?"},
            {"key": "q3", "question": "How will your members plan the sessions?", "word_limit": 150},
            {"key": "q4", "kind": "whole_number", "question": "How many sessions will you run?"},
            {"key": "q5", "kind": "money", "question": "How much are you getting from elsewhere?"},
            {"key": "q6", "kind": "yes_no", "question": "Have you had a grant from us before?"},
            {
                "key": "q7",
                "kind": "one_choice",
                "question": "How often will you meet?",
                "options": ["Weekly", "Monthly"],
            },
            {"key": "q8", "kind": "several_choices", "question": "Which days?", "options": ["Monday", "Saturday"]},
            {"key": "q9", "kind": "date", "question": "When will you start?"},
            {"key": "q10", "kind": "file", "question": "Upload your project plan", "required": False},
        ],
        key="s2",
        title="More about your project",
    )
    panellist, panel = world.people["panellist"], session.get(Panel, world.panel_id)
    submitted, closable, drafted = (
        make_application(session, grant_round=open_round, organisation=make_organisation(session), status=status)
        for status in (ApplicationStatus.SUBMITTED, ApplicationStatus.WITH_PANEL, ApplicationStatus.WITH_PANEL)
    )
    for application, submitted_review in ((closable, True), (drafted, False)):
        assignment = make_assignment(session, application=application, panellist=panellist, panel=panel)
        assignment.no_conflict_confirmed_at = utcnow()
        review = make_review(session, application=application, panellist=panellist, submitted=submitted_review)
        # With a recommendation, a draft is complete in a round without criteria: it can be submitted.
        review.recommendation = Recommendation.FUND
    waiting = waiting_approval(session, world)
    session.commit()
    return Extra(
        accepted_award_id=award.id,
        waiting_application_id=waiting.id,
        submitted_id=submitted.id,
        closable_id=closable.id,
        drafted_id=drafted.id,
        sent_report_id=sent.id,
        returned_report_id=returned.id,
    )


def waiting_approval(session: Session, world: World) -> Application:
    """An application whose approval waits for a second officer, after one earlier return."""
    first = make_user(session, name="Another Officer", roles=(Role.OFFICER,))
    application = make_application(
        session,
        grant_round=make_round(session, second_approval_above_pence=100_000),
        organisation=make_organisation(session),
        status=ApplicationStatus.SCORED,
        amount_requested_pence=200_000,
    )
    decisions.approve(session, application, by=first, amount_pence=200_000)
    decisions.return_approval(session, application, by=world.people["officer"], reason="Check the quote for the hall.")
    decisions.approve(session, application, by=first, amount_pence=150_000)
    return application


@pytest.fixture
def world(session: Session) -> World:
    """One of each kind of person and object (the access matrix's world)."""
    return build_world(session)


@pytest.fixture
def role_pages(app: Flask, browser: Any, live_server: str, world: World) -> Iterator[Any]:
    """``role_pages(role)``: one tab per person of the world (or a fresh visitor for any other
    name), in a context of its own, signed in as them; the same tab each time it is asked for."""
    with tabs_by_role(app, browser, live_server, world) as page_for:
        yield page_for


@contextmanager
def tabs_by_role(app: Flask, browser: Any, live_server: str, world: World) -> Iterator[Callable[[str], Any]]:
    contexts: list[Any] = []

    def signed_in(role: str) -> Any:
        context = browser.new_context(viewport=PHONE)
        contexts.append(context)
        if role in world.people:
            client = app.test_client()
            sign_in(app, client, world.people[role])
            cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
            assert cookie is not None
            context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server}])
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    pages: dict[str, Any] = {}

    def page_for(role: str) -> Any:
        if role not in pages:
            pages[role] = signed_in(role)
        return pages[role]

    try:
        yield page_for
    finally:
        for context in contexts:
            context.close()
