"""Every applicant and panellist page, and the public round pages, cost a fixed, small number of SQL statements.

Each page is asked for twice, as a person moving through the portal would: the
first request fills what is cached per content version (the programme's
settings), the second is counted. The counts leave out SQLite's own BEGIN, so
they are the same on SQLite and PostgreSQL. ``bench/profile_pages.py`` shows
the same counts (and the time) on the generated 2,000-application database;
``bench/README.md`` says what each page's statements are.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from portal.models.applications import ApplicationStatus, BudgetLine, EvidenceKind
from portal.models.awards import AwardStatus
from portal.models.base import utcnow
from portal.models.funding import Neighbourhood
from portal.models.messages import AwardMessage
from portal.models.users import Role
from portal.storage import get_storage
from tests.conftest import another_browser
from tests.factories import (
    make_application,
    make_assignment,
    make_award,
    make_evidence,
    make_organisation,
    make_panel,
    make_round,
    make_user,
)
from tests.fixtures.databases import count_queries, queries

# The statements each page runs; a change here is a change in what the page costs on every request.
APPLICANT_PAGES = {
    "/dashboard": 7,
    "/applications/{draft}": 7,
    "/applications/{draft}/about-your-group": 5,
    "/applications/{draft}/your-idea": 5,
    "/applications/{draft}/who-will-benefit": 5,
    "/applications/{draft}/budget": 4,
    "/applications/{draft}/declarations": 5,
    "/applications/{draft}/evidence": 8,  # with the membership check and the earlier documents offered
    "/applications/{draft}/check-your-answers": 7,
    "/applications/{funded}/status": 8,
    "/awards/{award}/messages": 7,
}
PANELLIST_PAGES = {
    "/panel/": 6,
    "/panel/applications/{reviewed}": 8,
}
PUBLIC_PAGES = {
    "/": 2,
    "/rounds/{slug}": 6,
}


@dataclass(frozen=True)
class Setting:
    applicant: FlaskClient
    panellist: FlaskClient
    visitor: FlaskClient
    ids: dict[str, Any]


@pytest.fixture
def setting(app: Flask, session: Session, sign_in_as: Any) -> Setting:
    grant_round = make_round(
        session,
        slug="spring",
        neighbourhoods=[Neighbourhood(name="North"), Neighbourhood(name="South")],
        criteria=[{"title": "Need"}, {"title": "Plan"}],
    )
    person = make_user(session, email="amina@example.org")
    group = make_organisation(session, name="Oxhey Walkers", members=(person,))
    draft = make_application(session, grant_round=grant_round, organisation=group, title="Walks for all")
    draft.answers = {"budget": {"lines": [{"item": "Leaflets", "amount": "200"}]}}
    draft.budget_lines = [BudgetLine(position=1, item="Leaflets", amount_pence=20_000)]
    funded = make_application(
        session, grant_round=make_round(session), organisation=group, status=ApplicationStatus.APPROVED
    )
    award = make_award(session, application=funded, status=AwardStatus.ACCEPTED)
    session.add(AwardMessage(award_id=award.id, from_team=True, body="Welcome to the programme.", sent_at=utcnow()))
    make_evidence(session, get_storage(), application_id=draft.id, kind=EvidenceKind.GOVERNING_DOCUMENT)
    panellist = make_user(session, roles=(Role.PANELLIST,))
    other_group = make_organisation(session, name="Bushey Choir", members=(make_user(session),))
    reviewed = make_application(
        session, grant_round=grant_round, organisation=other_group, status=ApplicationStatus.WITH_PANEL
    )
    panel = make_panel(session, grant_round=grant_round, members=[panellist], onboarded=True)
    make_assignment(session, application=reviewed, panellist=panellist, panel=panel).no_conflict_confirmed_at = utcnow()
    session.commit()
    applicant, panel_client = another_browser(app), another_browser(app)
    sign_in_as(applicant, person)
    sign_in_as(panel_client, panellist)
    ids = {"draft": draft.id, "funded": funded.id, "award": award.id, "reviewed": reviewed.id, "slug": "spring"}
    return Setting(applicant, panel_client, another_browser(app), ids)


def counted(client: FlaskClient, url: str) -> int:
    assert client.get(url).status_code == 200, url
    with count_queries() as statements:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries(statements))


def test_each_applicant_page_runs_a_fixed_small_number_of_statements(setting: Setting) -> None:
    urls = {path: path.format(**setting.ids) for path in APPLICANT_PAGES}
    assert {path: counted(setting.applicant, url) for path, url in urls.items()} == APPLICANT_PAGES
    # The pages really show the group's things, so a page that stopped loading them cannot pass.
    assert "Oxhey Walkers" in setting.applicant.get(urls["/dashboard"]).get_data(as_text=True)
    assert "Leaflets" in setting.applicant.get(urls["/applications/{draft}/budget"]).get_data(as_text=True)
    assert "Welcome to the programme." in setting.applicant.get(urls["/awards/{award}/messages"]).get_data(as_text=True)


def test_each_panellist_page_runs_a_fixed_small_number_of_statements(setting: Setting) -> None:
    urls = {path: path.format(**setting.ids) for path in PANELLIST_PAGES}
    assert {path: counted(setting.panellist, url) for path, url in urls.items()} == PANELLIST_PAGES
    assert "Bushey Choir" in setting.panellist.get(urls["/panel/applications/{reviewed}"]).get_data(as_text=True)


def test_public_round_pages_run_a_fixed_small_number_of_statements(setting: Setting) -> None:
    urls = {path: path.format(**setting.ids) for path in PUBLIC_PAGES}
    assert {path: counted(setting.visitor, url) for path, url in urls.items()} == PUBLIC_PAGES
