"""Officer pages cost the same number of SQL queries whatever the number of rows (DESIGN §11).

Each page is rendered for a round with N applications in every state that the
page shows (sent, scored by two panellists, approved with awards in several
neighbourhoods) and again with 3N: the count of statements must not change. That holds for
every officer list page, each sort and filter of the applications list, and the second page of
each paged list reached by its "Next" link (pages are shrunk to three rows, so a handful of
rows fills several).
``bench/scale.py`` measures the time at 200, 2,000 and 20,000 applications;
this is the part of that budget that can be checked quickly and exactly.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models.applications import Application, ApplicationStatus
from portal.models.audit import AuditAction
from portal.models.awards import ApprovalReturn, AwardStatus, Decision, DecisionOutcome, Payment
from portal.models.base import utcnow
from portal.models.funding import Neighbourhood, Round
from portal.models.messages import AwardMessage
from portal.models.panels import Panel, Review, Score
from portal.models.users import Role, User
from portal.services import audit
from portal.services.panels import results
from portal.services.people import accounts
from portal.services.readmodels import application_list, audit_log
from portal.services.readmodels.work_queue import Kind
from tests.factories import (
    make_application,
    make_assignment,
    make_award,
    make_info_request,
    make_organisation,
    make_panel,
    make_report,
    make_round,
    make_user,
)
from tests.fixtures.databases import count_queries
from tests.fixtures.pages import link_to, page_text

PAGES = {
    "home": "/officer/",
    "applications": "/officer/rounds/{round_id}/applications",
    "applications filtered": "/officer/rounds/{round_id}/applications?status=submitted&q=Group",
    "applications flagged": "/officer/rounds/{round_id}/applications?flagged=y&neighbourhood={neighbourhood_id}",
    "applications by amount, between amounts": "/officer/rounds/{round_id}/applications?sort=amount&min=1&max=5000",
    **{
        f"applications by {sort}": f"/officer/rounds/{{round_id}}/applications?sort={sort}"
        for sort in application_list.SORTS
    },
    "applications from an old bookmark": "/officer/rounds/{round_id}/applications?page=20",
    "results": "/officer/rounds/{round_id}/results",
    "results in a neighbourhood": "/officer/rounds/{round_id}/results?neighbourhood={neighbourhood_id}",
    "budget": "/officer/rounds/{round_id}/budget",
    "applications in a work queue": "/officer/rounds/{round_id}/applications?queue=reviews-overdue",
    "audit log": "/officer/audit",
    "audit log filtered": "/officer/audit?action=application+approved",
    "people": "/admin/users",
    "panellists": "/admin/users?role=panellist",
    "panels": "/officer/rounds/{round_id}/panels",
    "open data": "/officer/rounds/{round_id}/open-data",
    "equity": "/officer/rounds/{round_id}/equity",
}
# Pages reached by following a list's "Next" link from the first page (and back by "Previous").
FOLLOWED = ("applications", "applications by group", "applications by amount", "results", "audit log", "people")


def add_rows(session: Session, grant_round: Round, panellists: list[User], count: int, start: int) -> None:
    """``count`` applications of each kind the officer pages list."""
    neighbourhoods = list(grant_round.neighbourhoods)

    def group(name: str, number: int) -> Any:
        organisation = make_organisation(session, name=f"{name} {number}", members=(make_user(session),))
        organisation.neighbourhood = neighbourhoods[number % len(neighbourhoods)]
        return organisation

    for number in range(start, start + count):
        make_application(
            session, grant_round=grant_round, organisation=group("Group", number), status=ApplicationStatus.SUBMITTED
        )
        scored = make_application(
            session, grant_round=grant_round, organisation=group("Scored", number), status=ApplicationStatus.SCORED
        )
        for panellist in panellists:
            review = Review(application_id=scored.id, panellist_id=panellist.id, submitted=True)
            review.scores = [Score(criterion_id=c.id, value=1 + number % 5) for c in grant_round.criteria]
            session.add(review)
        approved = make_application(
            session,
            grant_round=grant_round,
            organisation=group("Funded", number),
            status=ApplicationStatus.APPROVED,
            amount_requested_pence=100_000,
        )
        make_award(session, application=approved, status=(AwardStatus.OFFERED, AwardStatus.ACCEPTED)[number % 2])
        for item in (scored, approved):
            audit.record(session, None, AuditAction.APPLICATION_APPROVED, item, f"Approved {number}")
        grant_round.committed_pence += 100_000
    session.commit()


def add_work(session: Session, grant_round: Round, panellists: list[User], count: int, start: int) -> None:
    """``count`` applications of every kind in the officer's work queue (the home page lists them)."""
    officer = session.scalars(select(User).where(User.role_grants.any(role=Role.OFFICER))).first()
    panel = session.scalars(select(Panel).where(Panel.round_id == grant_round.id)).first() or make_panel(
        session, grant_round=grant_round, reviews_due_at=utcnow() - timedelta(days=1)
    )
    now, today = utcnow(), utcnow().date()

    def application(name: str, status: ApplicationStatus) -> Application:
        return make_application(
            session, grant_round=grant_round, organisation=make_organisation(session, name=name), status=status
        )

    for number in range(start, start + count):
        application(f"Unassigned {number}", ApplicationStatus.WITH_PANEL)
        late = application(f"Late {number}", ApplicationStatus.WITH_PANEL)  # one reviewer of three, overdue
        make_assignment(session, application=late, panellist=panellists[0], panel=panel)
        make_info_request(session, application=application(f"Asked {number}", ApplicationStatus.MORE_INFO))
        answered = make_info_request(
            session, application=application(f"Answered {number}", ApplicationStatus.SUBMITTED)
        )
        answered.answer, answered.answered_at = "Here it is", now
        waiting = application(f"Waiting {number}", ApplicationStatus.SCORED)
        session.add(Decision(application_id=waiting.id, outcome=DecisionOutcome.APPROVE, amount_pence=100_000))
        grant_round.committed_pence += 100_000
        returned = application(f"Returned {number}", ApplicationStatus.SCORED)
        session.add(
            ApprovalReturn(
                application_id=returned.id,
                amount_pence=100_000,
                approved_by_id=officer.id,
                approved_at=now,
                reason="No",
            )
        )
        award = make_award(
            session,
            application=application(f"Paying {number}", ApplicationStatus.APPROVED),
            status=AwardStatus.ACCEPTED,
        )
        grant_round.committed_pence += award.amount_pence
        award.bank_details_encrypted, award.bank_details_added_at = b"changed", now
        award.bank_details_on_hold_since = now  # changed after they were confirmed
        award.payments = [
            Payment(amount_pence=1_000, due_on=today, paid_at=now - timedelta(days=1)),
            Payment(amount_pence=1_000, due_on=today + timedelta(days=2)),
        ]
        make_report(session, award=award).submitted_at = now
        session.add(AwardMessage(award_id=award.id, from_team=False, body="A question from the group"))
    session.commit()


@pytest.fixture
def setting(session: Session, sign_in_as: Any, client: FlaskClient) -> tuple[FlaskClient, Round, list[User]]:
    grant_round = make_round(
        session,
        budget_pence=100_000_000,
        neighbourhoods=[Neighbourhood(name="North"), Neighbourhood(name="South")],
        criteria=[
            {"title": "Need", "descriptors": {str(p): str(p) for p in range(1, 6)}},
            {"title": "Plan", "descriptors": {str(p): str(p) for p in range(1, 6)}},
        ],
    )
    panellists = [make_user(session, roles=(Role.PANELLIST,)) for _ in range(2)]
    officer = make_user(session, roles=(Role.OFFICER, Role.ADMIN))  # an admin too, for the list of people
    session.commit()
    sign_in_as(client, officer)
    # A first page fills what is cached per content version (the programme's settings), as any visit would.
    client.get("/officer/")
    return client, grant_round, panellists


def queries_for(client: FlaskClient, url: str) -> list[str]:
    with count_queries() as statements:
        response = client.get(url)
    assert response.status_code == 200, url
    return statements


def followed(client: FlaskClient, urls: dict[str, str]) -> dict[str, str]:
    """The second page of each list in ``FOLLOWED`` (its first page's "Next" link), and the page its
    "Previous" link goes back to."""
    pages = {}
    for name in FOLLOWED:
        first = client.get(urls[name])
        second = link_to(first, "next")
        assert second, f"{name} has a next page: {first.status_code} {page_text(first)[:300]}"
        pages[f"{name}, next page"] = second
        pages[f"{name}, back a page"] = link_to(client.get(second), "prev") or ""
    return pages


@pytest.fixture
def small_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pages of a few rows, so a handful of applications fills several."""
    for module in (application_list, results, audit_log, accounts):
        monkeypatch.setattr(module, "PER_PAGE", 3)


def test_officer_pages_run_as_many_queries_for_three_times_the_rows(
    session: Session, setting: tuple[FlaskClient, Round, list[User]], small_pages: None
) -> None:
    client, grant_round, panellists = setting
    place = grant_round.neighbourhoods[0].id
    urls = {name: path.format(round_id=grant_round.id, neighbourhood_id=place) for name, path in PAGES.items()}
    add_rows(session, grant_round, panellists, count=2, start=0)
    add_work(session, grant_round, panellists, count=2, start=0)
    urls_few = urls | followed(client, urls)
    few = {name: queries_for(client, url) for name, url in urls_few.items()}
    add_rows(session, grant_round, panellists, count=4, start=2)
    add_work(session, grant_round, panellists, count=4, start=2)
    urls_many = urls | followed(client, urls)
    many = {name: queries_for(client, url) for name, url in urls_many.items()}
    assert set(few) == set(many)
    # The pages really show the rows, so a page that stopped listing them cannot pass.
    assert "Group 5" in client.get(urls["applications by group"] + "&q=Group 5").get_data(as_text=True)
    assert "Scored 4" in client.get(urls["results"]).get_data(as_text=True)  # the highest scores rank first
    results_page_two = page_text(client.get(urls_many["results, next page"]))
    assert "Showing ranks 4 to 6" in results_page_two
    assert "Funding line" in results_page_two
    assert "Left to award" in results_page_two
    home = client.get(urls["home"]).get_data(as_text=True)
    assert all(str(kind.title) in home.replace("&#39;", "'") for kind in Kind), "every kind of work is on the home page"
    assert "Late 5" in client.get(urls["applications in a work queue"] + "&q=Late 5").get_data(as_text=True)
    grown = {name: (len(few[name]), len(many[name])) for name in few if len(few[name]) != len(many[name])}
    assert grown == {}
