"""The panellist's pages: onboarding first, the conflict question, a review without contact details, results."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models.applications import Application, ApplicationStatus
from portal.models.panels import Assignment, ConflictDeclaration, Panel, Review
from portal.models.users import Role, User
from portal.services import scoring
from portal.services.scoring import CriterionAnswer
from tests.factories import make_application, make_assignment, make_organisation, make_panel, make_round, make_user
from tests.fixtures.databases import reread
from tests.fixtures.pages import page_text

DESCRIPTORS = {str(p): f"Descriptor {p}" for p in range(1, 6)}


@pytest.fixture
def june(session: Session) -> User:
    person = make_user(session, name="June", roles=(Role.PANELLIST,))
    session.commit()
    return person


@pytest.fixture
def setup(session: Session, june: User) -> tuple[Panel, Application]:
    grant_round = make_round(
        session,
        reviews_per_application=2,
        criteria=[{"title": "Local need", "guidance": "Is it needed here?", "weight": 1, "descriptors": DESCRIPTORS}],
    )
    panel = make_panel(session, grant_round=grant_round, members=[june])
    group = make_organisation(session, name="Secret Walkers")
    group.contact_email, group.contact_phone, group.address = "boss@walkers.example", "07700 900999", "7 Hidden Lane"
    application = make_application(
        session, grant_round=grant_round, organisation=group, status=ApplicationStatus.WITH_PANEL
    )
    application.reference, application.title = "AO-2026-0100", "Walks for all"
    application.answers = {
        "idea": {"title": "Walks for all", "activities": "Weekly walks"},
        "declarations": {"name": "Signer Person"},
    }
    make_assignment(session, application=application, panellist=june, panel=panel)
    session.commit()
    return panel, application


@pytest.fixture
def signed_in(client: FlaskClient, june: User, sign_in_as: Any) -> FlaskClient:
    sign_in_as(client, june)
    return client


def onboard(client: FlaskClient, panel: Panel) -> None:
    assert client.post(f"/panel/panels/{panel.id}/welcome", data={"paid": "yes", "accepted": "y"}).status_code == 302


def test_onboarding_comes_before_any_application(signed_in: FlaskClient, setup: tuple[Panel, Application]) -> None:
    panel, application = setup
    assert "Read the panel guide" in page_text(signed_in.get("/panel/"))
    assert (
        signed_in.get(f"/panel/applications/{application.id}").headers["Location"]
        == f"/panel/panels/{panel.id}/welcome"
    )
    guide = page_text(signed_in.get(f"/panel/panels/{panel.id}/welcome"))
    assert "Local need" in guide
    assert "Descriptor 5" in guide
    assert "Conflicts of interest" in guide
    refused = signed_in.post(f"/panel/panels/{panel.id}/welcome", data={"paid": "yes"})
    assert "Tick to agree" in page_text(refused)
    onboard(signed_in, panel)
    assert (
        signed_in.get(f"/panel/applications/{application.id}").headers["Location"]
        == f"/panel/applications/{application.id}/conflict"
    )


def test_declaring_a_conflict_hides_the_application(
    signed_in: FlaskClient, session: Session, setup: tuple[Panel, Application]
) -> None:
    panel, application = setup
    onboard(signed_in, panel)
    assert "Do you know this group" in page_text(signed_in.get(f"/panel/applications/{application.id}/conflict"))
    signed_in.post(
        f"/panel/applications/{application.id}/conflict", data={"answer": "yes", "nature": "I volunteer there"}
    )
    reread(session)
    assert session.scalars(select(ConflictDeclaration)).one().nature == "I volunteer there"
    assert session.scalar(select(Assignment.id)) is None
    assert signed_in.get(f"/panel/applications/{application.id}").status_code == 404
    assert signed_in.get(f"/panel/applications/{application.id}/conflict").status_code == 404


def test_the_review_page_has_no_contact_details(signed_in: FlaskClient, setup: tuple[Panel, Application]) -> None:
    panel, application = setup
    onboard(signed_in, panel)
    signed_in.post(f"/panel/applications/{application.id}/conflict", data={"answer": "no"})
    html = signed_in.get(f"/panel/applications/{application.id}").get_data(as_text=True)
    assert "Walks for all" in html
    assert "Weekly walks" in html
    for secret in ("boss@walkers.example", "07700 900999", "7 Hidden Lane", "Signer Person"):
        assert secret not in html
    assert "Secret Walkers" in html  # not a blind round


def test_a_blind_round_hides_the_groups_name(
    signed_in: FlaskClient, session: Session, setup: tuple[Panel, Application]
) -> None:
    panel, application = setup
    application.round.blind_review = True
    session.commit()
    onboard(signed_in, panel)
    assert "Secret Walkers" not in signed_in.get(f"/panel/applications/{application.id}/conflict").get_data(
        as_text=True
    )
    signed_in.post(f"/panel/applications/{application.id}/conflict", data={"answer": "no"})
    assert "Secret Walkers" not in signed_in.get(f"/panel/applications/{application.id}").get_data(as_text=True)
    assert "Secret Walkers" not in signed_in.get("/panel/").get_data(as_text=True)


def test_scoring_draft_then_submit_then_see_the_panel(
    signed_in: FlaskClient, session: Session, setup: tuple[Panel, Application], june: User
) -> None:
    panel, application = setup
    other = make_user(session, roles=(Role.PANELLIST,))
    other_assignment = make_assignment(session, application=application, panellist=other, panel=panel)
    session.commit()
    scoring.submit_review(
        session,
        other_assignment,
        other,
        {application.round.criteria[0].id: CriterionAnswer(2, "")},
        recommendation=scoring.Recommendation.MAYBE,
        comment="Hidden until June submits",
    )
    session.commit()
    onboard(signed_in, panel)
    signed_in.post(f"/panel/applications/{application.id}/conflict", data={"answer": "no"})
    url = f"/panel/applications/{application.id}"
    criterion = application.round.criteria[0].id

    page = page_text(signed_in.get(url))
    assert "Hidden until June submits" not in page
    assert "The panel's scores" not in page
    assert "Results of the" in page_text(signed_in.get("/panel/"))
    assert "once you have submitted all your reviews" in page_text(signed_in.get(f"/panel/panels/{panel.id}/results"))

    signed_in.post(url, data={f"score-{criterion}": "4", "action": "draft"})
    assert 'value="4" checked' in signed_in.get(url).get_data(as_text=True)
    missing = signed_in.post(url, data={f"score-{criterion}": "4", "action": "submit"})
    assert "Choose whether you recommend funding it" in page_text(missing)

    signed_in.post(url, data={f"score-{criterion}": "4", "recommendation": "fund", "action": "submit"})
    after = page_text(signed_in.get(url))
    assert "Your review (submitted)" in after
    assert "Hidden until June submits" in after
    assert "Panel member 1" in after
    reread(session)
    assert session.scalars(select(Review).where(Review.panellist_id == june.id)).one().submitted
    results = page_text(signed_in.get(f"/panel/panels/{panel.id}/results"))
    assert "AO-2026-0100" in results
    assert "3.00" in results


def test_unassigned_applications_are_not_found(
    signed_in: FlaskClient, session: Session, setup: tuple[Panel, Application]
) -> None:
    panel, application = setup
    onboard(signed_in, panel)
    stranger = make_application(
        session,
        grant_round=application.round,
        organisation=make_organisation(session),
        status=ApplicationStatus.WITH_PANEL,
    )
    session.commit()
    assert signed_in.get(f"/panel/applications/{stranger.id}").status_code == 404
    assert signed_in.post(f"/panel/applications/{stranger.id}", data={"action": "draft"}).status_code == 404


def test_logging_time(signed_in: FlaskClient, setup: tuple[Panel, Application]) -> None:
    panel, _ = setup
    assert "Enter the date" in page_text(signed_in.post("/panel/time", data={"activity": "meeting"}))
    ok = signed_in.post(
        "/panel/time",
        data={"panel": str(panel.id), "activity": "meeting", "worked_on": "2026-11-01", "hours": "2", "minutes": "30"},
    )
    assert ok.status_code == 302
    assert "2 h 30 min" in page_text(signed_in.get("/panel/time"))
