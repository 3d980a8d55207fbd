"""Every page of every journey, checked by axe-core at phone and laptop widths.

The pages come from ``app.url_map``: ``test_every_page_is_crawled`` fails when
a GET route is neither in ``PAGES`` nor ``REACHED_BY_FORMS`` nor ``NOT_PAGES``
(each with its reason), so a new page cannot be added without being checked.
One test per page and width (and per empty form and width), so a failure names
both and a busy machine spreads the crawl over many short tests. They share one
app, world, server and tab per role, built once for this module: looking at a
page or sending a form empty changes nothing another test here reads. Journeys
that do change data are in ``test_pages_part_way.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask

from portal.extensions import db
from portal.services.people import password_links
from tests.access import World
from tests.access.world import build_world
from tests.browser.conftest import (
    LAPTOP,
    PHONE,
    Extra,
    axe_violations,
    describe,
    make_extra,
    serving,
    tabs_by_role,
)
from tests.fixtures.apps import TEST_SECRET_KEY, close_test_app, make_test_app
from tests.fixtures.pages import error_summary_problems
from tests.test_access_matrix import rules_by_endpoint, url_in

WIDTHS = {"phone": PHONE, "laptop": LAPTOP}


@dataclass(frozen=True)
class Visit:
    """A page as one person sees it: ``arguments`` name the objects in the URL."""

    role: str
    arguments: Callable[[World, Extra], dict[str, Any]]


def a(arguments: Callable[[World, Extra], dict[str, Any]], role: str = "applicant_a") -> Visit:
    return Visit(role, arguments)


def officer(arguments: Callable[[World, Extra], dict[str, Any]]) -> Visit:
    return Visit("officer", arguments)


def panellist(arguments: Callable[[World, Extra], dict[str, Any]]) -> Visit:
    return Visit("panellist", arguments)


def anyone(arguments: Callable[[World, Extra], dict[str, Any]]) -> Visit:
    return Visit("anonymous", arguments)


SECTIONS = ("about-your-group", "your-idea", "who-will-benefit", "declarations")
GROUP_PARTS = ("details", "address", "income", "contact", "money")

PAGES: dict[str, list[Visit]] = {
    # Public pages and eligibility.
    "main.index": [anyone(lambda w, x: {})],
    "main.round_detail": [anyone(lambda w, x: {"slug": w.round_slug})],
    "main.accessibility": [anyone(lambda w, x: {})],
    "main.privacy": [anyone(lambda w, x: {})],
    "main.open_data": [anyone(lambda w, x: {})],
    "eligibility.start": [anyone(lambda w, x: {"slug": w.round_slug})],
    "eligibility.question": [anyone(lambda w, x: {"slug": w.round_slug, "question": "postcode"})],
    # Sign-in pages that need no earlier step.
    "auth.start": [anyone(lambda w, x: {})],
    "auth.staff": [anyone(lambda w, x: {})],
    "auth.link": [anyone(lambda w, x: {"handle": "nohandle", "token": "notoken"})],
    "auth.totp_setup": [officer(lambda w, x: {})],
    # Applicants.
    "apply.dashboard": [a(lambda w, x: {})],
    "apply.new_group": [a(lambda w, x: {}, role="panellist")],
    "apply.group": [a(lambda w, x: {"organisation_id": w.organisation_a_id})],
    "apply.edit_group": [a(lambda w, x, p=p: {"organisation_id": w.organisation_a_id, "part": p}) for p in GROUP_PARTS],
    "apply.group_members": [a(lambda w, x: {"organisation_id": w.organisation_a_id})],
    "apply.remove_member": [
        a(lambda w, x: {"organisation_id": w.organisation_a_id, "user_id": w.people["a_helper"].id})
    ],
    "apply.new_application": [a(lambda w, x: {"slug": w.round_slug})],
    # A community connector helping a group, and the group confirming what they filled in.
    "apply.help_groups": [Visit("connector", lambda w, x: {}), officer(lambda w, x: {})],
    "apply.confirm_code": [a(lambda w, x: {})],
    "apply.confirm_link": [Visit("group_c_member", lambda w, x: {"token": w.confirmation_token})],
    "apply.task_list": [a(lambda w, x: {"application_id": w.draft_a_id})],
    "apply.section": [a(lambda w, x, s=s: {"application_id": w.draft_a_id, "section": s}) for s in SECTIONS],
    # The round's own sections: one short question; one of each kind.
    "apply.round_section": [a(lambda w, x, k=k: {"application_id": w.draft_a_id, "key": k}) for k in ("s1", "s2")],
    "apply.budget": [a(lambda w, x: {"application_id": w.draft_a_id})],
    "apply.evidence": [a(lambda w, x: {"application_id": w.draft_a_id})],
    "apply.remove_evidence": [a(lambda w, x: {"application_id": w.draft_a_id, "evidence_id": w.evidence_a_id})],
    "apply.check_answers": [a(lambda w, x: {"application_id": w.draft_a_id})],
    "apply.submitted": [a(lambda w, x: {"application_id": w.application_a_id})],
    "apply.status": [a(lambda w, x: {"application_id": w.application_a_id})],
    "apply.withdraw": [a(lambda w, x: {"application_id": w.application_a_id})],
    "apply.answer_question": [
        a(lambda w, x: {"application_id": w.application_a_id, "info_request_id": w.info_request_a_id})
    ],
    "apply.award": [a(lambda w, x: {"award_id": w.award_a_id}), a(lambda w, x: {"award_id": x.accepted_award_id})],
    "apply.award_messages": [a(lambda w, x: {"award_id": x.accepted_award_id})],
    "officer.award_messages": [officer(lambda w, x: {"award_id": x.accepted_award_id})],
    "officer.broadcasts": [officer(lambda w, x: {})],
    "apply.accept_award": [a(lambda w, x: {"award_id": w.award_a_id})],
    "apply.bank_details": [a(lambda w, x: {"award_id": x.accepted_award_id})],
    "apply.report": [
        a(lambda w, x: {"award_id": x.accepted_award_id}),
        a(lambda w, x: {"award_id": x.accepted_award_id, "report_id": x.returned_report_id}),
    ],
    "apply.check_report": [
        a(lambda w, x: {"award_id": x.accepted_award_id}),
        a(lambda w, x: {"award_id": x.accepted_award_id, "report_id": x.returned_report_id}),
    ],
    # Panellists.
    "panel.home": [panellist(lambda w, x: {})],
    "panel.onboarding": [panellist(lambda w, x: {"panel_id": w.panel_id})],
    "panel.conflict": [panellist(lambda w, x: {"application_id": w.panel_application_id})],
    "panel.review": [
        panellist(lambda w, x: {"application_id": w.panel_application_id}),
        panellist(lambda w, x: {"application_id": x.closable_id}),
    ],
    "panel.confirm_review": [panellist(lambda w, x: {"application_id": x.drafted_id})],
    "panel.results_page": [panellist(lambda w, x: {"panel_id": w.panel_id})],
    "panel.time": [panellist(lambda w, x: {})],
    # Officers.
    "officer.home": [officer(lambda w, x: {})],
    "officer.new_round": [officer(lambda w, x: {})],
    "officer.edit_round": [officer(lambda w, x: {"round_id": w.round_id})],
    # The question builder: a round whose questions can change, and the open round's (read-only, every kind).
    "officer.round_questions": [
        officer(lambda w, x: {"round_id": w.builder_round_id}),
        officer(lambda w, x: {"round_id": w.round_id}),
    ],
    "officer.preview_questions": [officer(lambda w, x: {"round_id": w.round_id})],
    "officer.round_documents": [officer(lambda w, x: {"round_id": w.round_id})],
    "officer.round_stages": [officer(lambda w, x: {"round_id": w.round_id})],
    "officer.add_round_section": [officer(lambda w, x: {"round_id": w.builder_round_id})],
    "officer.edit_round_section": [
        officer(lambda w, x: {"round_id": w.builder_round_id, "section_id": w.builder_section_id})
    ],
    "officer.remove_round_section": [
        officer(lambda w, x: {"round_id": w.builder_round_id, "section_id": w.builder_section_id})
    ],
    "officer.add_round_question": [
        officer(lambda w, x: {"round_id": w.builder_round_id, "section_id": w.builder_section_id})
    ],
    "officer.edit_round_question": [
        officer(lambda w, x: {"round_id": w.builder_round_id, "question_id": w.builder_question_id})
    ],
    "officer.remove_round_question": [
        officer(lambda w, x: {"round_id": w.builder_round_id, "question_id": w.builder_question_id})
    ],
    "officer.round_eligibility": [officer(lambda w, x: {"round_id": w.round_id})],
    "officer.round_scoring": [
        officer(lambda w, x: {"round_id": w.round_id}),
        officer(lambda w, x: {"round_id": w.round_id, "low": "0", "high": "3"}),
    ],
    "officer.round_decline_reasons": [officer(lambda w, x: {"round_id": w.round_id})],
    "officer.applications": [
        officer(lambda w, x: {"round_id": w.round_id}),
        officer(lambda w, x: {"round_id": w.round_id, "queue": "too-few-reviewers"}),
    ],
    "officer.application": [
        officer(lambda w, x: {"application_id": w.application_a_id}),
        officer(lambda w, x: {"application_id": w.panel_application_id}),
        officer(lambda w, x: {"application_id": x.waiting_application_id}),
        officer(lambda w, x: {"application_id": x.submitted_id}),
        officer(lambda w, x: {"application_id": x.closable_id}),
    ],
    "officer.moderate": [officer(lambda w, x: {"application_id": w.panel_application_id})],
    "officer.award": [
        officer(lambda w, x: {"award_id": w.award_a_id}),
        officer(lambda w, x: {"award_id": x.accepted_award_id}),
    ],
    "officer.report": [
        officer(lambda w, x: {"report_id": w.report_a_id}),
        officer(lambda w, x: {"report_id": x.sent_report_id}),
        officer(lambda w, x: {"report_id": x.returned_report_id}),
    ],
    "officer.budget": [officer(lambda w, x: {"round_id": w.round_id})],
    "officer.round_reports": [officer(lambda w, x: {"round_id": w.round_id})],
    "officer.round_report": [
        officer(lambda w, x: {"round_id": w.round_id}),
        officer(lambda w, x: {"round_id": w.round_id, "item_id": w.round_report_item_id}),
    ],
    "officer.award_report": [
        officer(lambda w, x: {"award_id": w.award_a_id}),
        officer(lambda w, x: {"award_id": w.award_a_id, "item_id": w.award_report_item_id}),
    ],
    "officer.round_panels": [officer(lambda w, x: {"round_id": w.round_id})],
    "officer.panel": [officer(lambda w, x: {"panel_id": w.panel_id})],
    "officer.panel_time_page": [officer(lambda w, x: {"panel_id": w.panel_id})],
    "officer.panellist_leaves": [officer(lambda w, x: {"panel_id": w.panel_id, "member_id": w.panel_member_id})],
    "officer.results": [officer(lambda w, x: {"round_id": w.round_id})],
    "officer.conflict_register": [officer(lambda w, x: {})],
    "officer.end_conflict": [officer(lambda w, x: {"entry_id": w.conflict_id})],
    "officer.audit_log": [officer(lambda w, x: {})],
    "officer.equity_page": [officer(lambda w, x: {"round_id": w.round_id})],
    "officer.open_data": [officer(lambda w, x: {"round_id": w.round_id})],
    "officer.events_list": [officer(lambda w, x: {})],
    "officer.new_event": [officer(lambda w, x: {})],
    "officer.event": [officer(lambda w, x: {"event_id": w.event_id})],
    "officer.edit_event": [officer(lambda w, x: {"event_id": w.draft_event_id})],
    "officer.attendance": [officer(lambda w, x: {"event_id": w.event_id})],
    "officer.resource_library": [officer(lambda w, x: {})],
    "officer.neighbourhoods": [officer(lambda w, x: {})],
    "officer.new_neighbourhood": [officer(lambda w, x: {})],
    "officer.edit_neighbourhood": [officer(lambda w, x: {"neighbourhood_id": w.neighbourhood_id})],
    "officer.retire_neighbourhood": [officer(lambda w, x: {"neighbourhood_id": w.neighbourhood_id})],
    "officer.reference_data": [officer(lambda w, x: {})],
    "officer.funds": [officer(lambda w, x: {})],
    "officer.new_fund": [officer(lambda w, x: {})],
    "officer.edit_fund": [officer(lambda w, x: {"fund_id": w.fund_id})],
    "officer.new_funder": [officer(lambda w, x: {})],
    "officer.edit_funder": [officer(lambda w, x: {"funder_id": w.funder_id})],
    "officer.round_funders": [officer(lambda w, x: {"round_id": w.round_id})],
    # A finished import: one still running refreshes itself, which axe reports (the page offers a way to stop it).
    "officer.reference_import": [officer(lambda w, x: {"import_id": w.reference_import_id})],
    # Peer-learning events, for visitors and for a funded group.
    "events.index": [anyone(lambda w, x: {}), a(lambda w, x: {})],
    "events.event": [a(lambda w, x: {"event_id": w.event_id})],
    "events.book": [a(lambda w, x: {"event_id": w.event_id})],
    "events.bookings": [a(lambda w, x: {})],
    "events.library": [a(lambda w, x: {})],
    # Anyone signed in: their own data.
    "account.your_data": [a(lambda w, x: {}), panellist(lambda w, x: {})],
    "account.contact_choice": [a(lambda w, x: {}), panellist(lambda w, x: {})],
    # Admins.
    "admin.users": [Visit("admin", lambda w, x: {})],
    "admin.home": [Visit("admin", lambda w, x: {})],
    "auth.set_password": [
        anyone(lambda w, x: {"token": password_links.make_token(w.people["officer"], secret_key=TEST_SECRET_KEY)}),
    ],
    "admin.programme_settings": [Visit("admin", lambda w, x: {})],
    "admin.erase_user": [Visit("admin", lambda w, x: {"user_id": w.people["applicant_b"].id})],
    "admin.new_user": [Visit("admin", lambda w, x: {})],
    "admin.edit_user": [Visit("admin", lambda w, x: {"user_id": w.people["applicant_a"].id})],
    # Finance.
    "finance.home": [Visit("finance", lambda w, x: {})],
    "finance.award": [Visit("finance", lambda w, x: {"award_id": x.accepted_award_id})],
    "finance.payment_runs": [Visit("finance", lambda w, x: {})],
    "finance.new_payment_run": [Visit("finance", lambda w, x: {})],
    "finance.payment_run": [Visit("finance", lambda w, x: {"run_id": w.payment_run_id})],
    "finance.paying_account_page": [Visit("finance", lambda w, x: {})],
    # Outcomes: every round for an officer, one round, and the funder's own rounds.
    "outcomes.index": [
        officer(lambda w, x: {}),
        officer(lambda w, x: {"round": w.round_id}),
        Visit("funder", lambda w, x: {}),
    ],
}

# Pages shown only part-way through signing in: the test gets to them by filling in the form before.
REACHED_BY_FORMS = {
    "auth.check_email": "after an email address is entered on the sign-in page",
    "auth.code": "after an email address is entered on the sign-in page",
    "eligibility.result": "after the eligibility questions are answered (so are the questions after the first)",
    "auth.totp": "after a staff password is entered, for staff with an authenticator app",
}

NOT_PAGES = {
    "static": "stylesheets and images, not pages",
    "main.healthz": "a plain-text health check for the load balancer",
    "apply.download_evidence": "a file download (an attachment)",
    "apply.evidence_thumbnail": "an image",
    "apply.recording": "a spoken or filmed answer, played in the page (an attachment)",
    "outcomes.photo": "an image (a group's shared photo)",
    "outcomes.figures_csv": "a CSV download",
    "officer.applications_csv": "a CSV download",
    "main.open_data_json": "the public 360Giving file (JSON)",
    "main.open_data_csv": "the public 360Giving file (CSV)",
    "finance.payment_run_standard18": "a bank file download (Bacs Standard 18)",
    "finance.payment_run_csv": "a bank file download (CSV)",
    "officer.audit_csv": "a CSV download",
    "officer.panel_time_csv": "a CSV download",
    "officer.awards_csv": "a CSV download",
    "officer.payments_csv": "a CSV download",
    "officer.event_register": "a CSV download",
    "officer.threesixty_csv": "a CSV download (360Giving open data)",
    "officer.threesixty_json": "a JSON download (360Giving open data)",
    "events.calendar": "a calendar (.ics) file",
    "events.download_resource": "a file download (an attachment)",
}


def get_endpoints(app: Flask) -> set[str]:
    return {endpoint for endpoint, methods in rules_by_endpoint(app).items() if "GET" in methods}


@dataclass(frozen=True)
class Crawl:
    """What every test of this module shares: ``pages(role)`` is that person's tab."""

    app: Flask
    live_server: str
    pages: Callable[[str], Any]
    world: World
    extra: Extra

    def url(self, endpoint: str, arguments: Callable[[World, Extra], dict[str, Any]]) -> str:
        return self.live_server + url_in(self.app, endpoint, arguments(self.world, self.extra))


@pytest.fixture(scope="module")
def crawl(db_url: str, browser: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawl]:
    # Built once: a world per test would cost more than the pages themselves.
    app = make_test_app(db_url, tmp_path_factory.mktemp("crawl"))
    try:
        with app.app_context():
            world = build_world(db.session)
            extra = make_extra(db.session, world)
        with serving(app) as live_server, tabs_by_role(app, browser, live_server, world) as pages:
            yield Crawl(app, live_server, pages, world, extra)
    finally:
        close_test_app(db_url)


def test_every_page_is_crawled(crawl: Crawl) -> None:
    app = crawl.app
    listed = [set(PAGES), set(REACHED_BY_FORMS), set(NOT_PAGES)]
    assert sum(map(len, listed)) == len(set().union(*listed)), "an endpoint is in two lists"
    missing = get_endpoints(app) - set().union(*listed)
    assert missing == set(), "add these pages to PAGES (or say why they are not pages)"
    assert set().union(*listed) - get_endpoints(app) == set(), "these endpoints no longer exist"


def violations(page: Any) -> list[str]:
    """axe-core's findings on the page as it is now, one line each, naming the page and width."""
    found = axe_violations(page)
    return [f"{page.url} at {page.viewport_size['width']}px: {describe(found)}"] if found else []


# The innermost elements that reach past the right edge of the window, if the page scrolls sideways.
WIDER_THAN_THE_WINDOW = """() => {
  if (document.documentElement.scrollWidth <= window.innerWidth) return "";
  return [...document.body.querySelectorAll("*")]
    .filter(e => e.getBoundingClientRect().right > window.innerWidth && e.children.length === 0)
    .slice(0, 3).map(e => e.tagName.toLowerCase() + "." + e.className + ": " + e.textContent.slice(0, 40)).join("; ");
}"""


def check_at_width(page: Any, width: dict[str, int], found: list[str]) -> None:
    page.set_viewport_size(width)
    found.extend(violations(page))
    too_wide = page.evaluate(WIDER_THAN_THE_WINDOW)
    if too_wide:
        found.append(f"{page.url} at {width['width']}px scrolls sideways: {too_wide}")


def check_at_every_width(page: Any, found: list[str]) -> None:
    for width in WIDTHS.values():
        check_at_width(page, width, found)


VISITS = [(endpoint, index, visit) for endpoint, visits in PAGES.items() for index, visit in enumerate(visits)]


@pytest.mark.parametrize(
    ("endpoint", "visit", "width"),
    [
        pytest.param(endpoint, visit, width, id=f"{endpoint}-{index}-{name}")
        for endpoint, index, visit in VISITS
        for name, width in WIDTHS.items()
    ],
)
def test_page_has_no_accessibility_findings(crawl: Crawl, endpoint: str, visit: Visit, width: dict[str, int]) -> None:
    page = crawl.pages(visit.role)
    page.set_viewport_size(width)  # laid out at this width from the start, as a phone would
    url = crawl.url(endpoint, visit.arguments)
    response = page.goto(url)
    assert response.status == 200, f"{url} as {visit.role}: {response.status}"
    assert page.url == url, f"{url} as {visit.role} led to {page.url}"
    found: list[str] = []
    check_at_width(page, width, found)
    assert found == [], "\n".join(found)


def submit(page: Any, button: str) -> None:
    """Press the button and wait for the page the form leads to."""
    with page.expect_navigation():
        page.get_by_role("button", name=button, exact=True).first.click()


def submit_empty(page: Any, button: str) -> None:
    submit(page, button)
    assert page.title().startswith("Error: "), page.url
    assert page.get_by_role("alert").first.is_visible()


@dataclass(frozen=True)
class EmptyForm:
    role: str
    endpoint: str
    arguments: Callable[[World, Extra], dict[str, Any]]
    button: str


EMPTY_FORMS = [
    EmptyForm("anonymous", "auth.start", lambda w, x: {}, "Continue"),
    EmptyForm("anonymous", "auth.staff", lambda w, x: {}, "Continue"),
    EmptyForm(
        "anonymous", "eligibility.question", lambda w, x: {"slug": w.round_slug, "question": "postcode"}, "Continue"
    ),
    EmptyForm("panellist", "apply.new_group", lambda w, x: {}, "Continue"),
    EmptyForm(
        "applicant_a",
        "apply.edit_group",
        lambda w, x: {"organisation_id": w.organisation_a_id, "part": "address"},
        "Save",
    ),
    EmptyForm(
        "applicant_a",
        "apply.section",
        lambda w, x: {"application_id": w.draft_a_id, "section": "your-idea"},
        "Save and continue",
    ),
    EmptyForm("applicant_a", "apply.budget", lambda w, x: {"application_id": w.draft_a_id}, "Save and continue"),
    EmptyForm("applicant_a", "apply.bank_details", lambda w, x: {"award_id": x.accepted_award_id}, "Save bank details"),
    EmptyForm("applicant_a", "apply.accept_award", lambda w, x: {"award_id": w.award_a_id}, "Accept the grant"),
    EmptyForm(
        "panellist", "panel.review", lambda w, x: {"application_id": w.panel_application_id}, "Submit your review"
    ),
    EmptyForm(
        "officer",
        "officer.application",
        lambda w, x: {"application_id": x.submitted_id},
        "Mark eligible: send to the panel",
    ),
    EmptyForm("officer", "officer.application", lambda w, x: {"application_id": x.closable_id}, "Close reviewing"),
    EmptyForm("officer", "officer.conflict_register", lambda w, x: {}, "Add to the register"),
    EmptyForm(
        "officer", "officer.end_conflict", lambda w, x: {"entry_id": w.conflict_id}, "End the conflict of interest"
    ),
    EmptyForm("applicant_a", "apply.report", lambda w, x: {"award_id": x.accepted_award_id}, "Upload photo"),
    EmptyForm("applicant_a", "apply.evidence", lambda w, x: {"application_id": w.draft_a_id}, "Upload"),
    EmptyForm("officer", "officer.new_round", lambda w, x: {}, "Save the round"),
    EmptyForm(
        "officer", "officer.add_round_section", lambda w, x: {"round_id": w.builder_round_id}, "Save the section"
    ),
    EmptyForm(
        "officer",
        "officer.add_round_question",
        lambda w, x: {"round_id": w.builder_round_id, "section_id": w.builder_section_id},
        "Save the question",
    ),
    EmptyForm("officer", "officer.new_event", lambda w, x: {}, "Save the event"),
    EmptyForm(
        "officer",
        "officer.application",
        lambda w, x: {"application_id": x.waiting_application_id},
        "Return it to Another Officer",
    ),
    EmptyForm("officer", "officer.application", lambda w, x: {"application_id": x.submitted_id}, "Send the question"),
    EmptyForm("officer", "officer.application", lambda w, x: {"application_id": x.submitted_id}, "Add note"),
    EmptyForm("officer", "officer.award", lambda w, x: {"award_id": w.award_a_id}, "Add to the payment plan"),
    EmptyForm("officer", "officer.award", lambda w, x: {"award_id": w.award_a_id}, "Cancel the award"),
    EmptyForm("officer", "officer.award_messages", lambda w, x: {"award_id": x.accepted_award_id}, "Send the message"),
    EmptyForm("officer", "officer.broadcasts", lambda w, x: {}, "Send to the groups"),
    EmptyForm("officer", "officer.report", lambda w, x: {"report_id": x.sent_report_id}, "Send back for changes"),
    EmptyForm("officer", "officer.round_report", lambda w, x: {"round_id": w.round_id}, "Save the report"),
    EmptyForm("applicant_a", "events.book", lambda w, x: {"event_id": w.event_id}, "Book"),
    EmptyForm("admin", "admin.new_user", lambda w, x: {}, "Add person"),
    EmptyForm("finance", "finance.award", lambda w, x: {"award_id": x.accepted_award_id}, "Show bank details"),
    EmptyForm("finance", "finance.paying_account_page", lambda w, x: {}, "Save the paying account"),
    EmptyForm("finance", "finance.new_payment_run", lambda w, x: {}, "Make the payment run"),
    EmptyForm("officer", "officer.new_neighbourhood", lambda w, x: {}, "Save the neighbourhood"),
    EmptyForm("officer", "officer.reference_data", lambda w, x: {}, "Upload and import"),
    # A new install's settings have no grants team's address yet.
    EmptyForm("admin", "admin.programme_settings", lambda w, x: {}, "Save settings"),
    EmptyForm(
        "anonymous",
        "auth.set_password",
        lambda w, x: {"token": password_links.make_token(w.people["officer"], secret_key=TEST_SECRET_KEY)},
        "Set password",
    ),
]


@pytest.mark.parametrize(
    ("form", "width"),
    [
        pytest.param(form, width, id=f"{form.endpoint}-{form.button}-{name}")
        for form in EMPTY_FORMS
        for name, width in WIDTHS.items()
    ],
)
def test_empty_form_has_no_accessibility_findings(crawl: Crawl, form: EmptyForm, width: dict[str, int]) -> None:
    found: list[str] = []
    page = crawl.pages(form.role)
    page.set_viewport_size(width)
    page.goto(crawl.url(form.endpoint, form.arguments))
    submit_empty(page, form.button)
    # Each problem in the summary links to a field on the page that shows it.
    found.extend(f"{page.url}: {problem}" for problem in error_summary_problems(page.content()))
    check_at_width(page, width, found)
    assert found == [], "\n".join(found)
