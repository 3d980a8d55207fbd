"""The panel steps on the officer's application page: mark eligible and assign in one step, close reviewing."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models.applications import Application, ApplicationStatus
from portal.models.funding import Round
from portal.models.panels import Assignment, ConflictDeclaration, Panel
from portal.models.users import Role, User
from tests.factories import (
    make_application,
    make_assignment,
    make_organisation,
    make_panel,
    make_review,
    make_round,
    make_user,
)
from tests.fixtures.databases import reread
from tests.fixtures.pages import page_text


@pytest.fixture
def grant_round(session: Session) -> Round:
    return make_round(session, reviews_per_application=2)


def application_in(session: Session, grant_round: Round, status: ApplicationStatus) -> Application:
    return make_application(
        session, grant_round=grant_round, organisation=make_organisation(session, name="Grovehill Café"), status=status
    )


def members(session: Session, grant_round: Round, *names: str) -> tuple[Panel, list[User]]:
    people = [make_user(session, name=name, roles=(Role.PANELLIST,)) for name in names]
    return make_panel(session, grant_round=grant_round, name="Spring panel", members=people, onboarded=True), people


def assigned(session: Session, application: Application) -> set[int]:
    reread(session)
    return set(session.scalars(select(Assignment.panellist_id).where(Assignment.application_id == application.id)))


def test_without_a_panel_the_page_says_so_and_links_to_set_one_up(
    signed_in: FlaskClient, session: Session, grant_round: Round
) -> None:
    application = application_in(session, grant_round, ApplicationStatus.SUBMITTED)
    session.commit()
    page = signed_in.get(f"/officer/applications/{application.id}").get_data(as_text=True)
    assert "This round has no panel yet" in page
    assert f'href="/officer/rounds/{grant_round.id}/panels"' in page
    assert signed_in.post(f"/officer/applications/{application.id}/eligible", data={"how": "later"}).status_code == 302
    reread(session)
    assert application.status is ApplicationStatus.WITH_PANEL


def test_marking_eligible_assigns_to_chosen_members_or_refuses_at_the_field(
    signed_in: FlaskClient, session: Session, grant_round: Round
) -> None:
    application = application_in(session, grant_round, ApplicationStatus.ELIGIBILITY_CHECK)
    panel, (june, ravi, sam) = members(session, grant_round, "June", "Ravi", "Sam")
    session.add(ConflictDeclaration(panellist_id=sam.id, organisation_id=application.organisation_id))
    session.commit()
    url = f"/officer/applications/{application.id}"
    page = page_text(signed_in.get(url))
    assert "Assign it automatically" in page
    assert "June" in page
    assert "Ravi" in page
    assert "Sam" not in page  # conflicted: not offered

    empty = signed_in.post(f"{url}/eligible", data={"how": "chosen"})
    assert "Choose at least one panel member" in page_text(empty)
    refused = signed_in.post(
        f"{url}/eligible", data={"how": "chosen", "panellists": [f"{panel.id}-{june.id}", f"{panel.id}-{sam.id}"]}
    )
    assert refused.status_code == 409
    assert 'href="#panellists"' in refused.get_data(as_text=True)
    assert "conflict of interest with this group" in page_text(refused)
    reread(session)
    assert application.status is ApplicationStatus.ELIGIBILITY_CHECK
    assert assigned(session, application) == set()

    done = signed_in.post(
        f"{url}/eligible", data={"how": "chosen", "panellists": [f"{panel.id}-{june.id}", f"{panel.id}-{ravi.id}"]}
    )
    assert done.headers["Location"] == url
    assert "Marked eligible and assigned to June, Ravi" in page_text(signed_in.get(url))
    assert assigned(session, application) == {june.id, ravi.id}
    assert application.status is ApplicationStatus.WITH_PANEL


def test_marking_eligible_assigns_automatically(signed_in: FlaskClient, session: Session, grant_round: Round) -> None:
    application = application_in(session, grant_round, ApplicationStatus.SUBMITTED)
    _, (june, ravi) = members(session, grant_round, "June", "Ravi")
    session.commit()
    signed_in.post(f"/officer/applications/{application.id}/eligible", data={"how": "automatically"})
    assert assigned(session, application) == {june.id, ravi.id}


def test_closing_reviewing_short_from_the_application_page(
    signed_in: FlaskClient, session: Session, grant_round: Round
) -> None:
    application = application_in(session, grant_round, ApplicationStatus.WITH_PANEL)
    panel, (june,) = members(session, grant_round, "June")
    make_assignment(session, application=application, panellist=june, panel=panel)
    make_review(session, application=application, panellist=june, submitted=True)
    session.commit()
    url = f"/officer/applications/{application.id}"
    assert "1 of 2 reviews are in; nobody else on the panel can take it." in page_text(signed_in.get(url))

    empty = signed_in.post(f"{url}/close-reviewing", data={})
    assert 'href="#closing_reason"' in empty.get_data(as_text=True)
    assert "Give the reason for closing reviewing" in page_text(empty)
    done = signed_in.post(f"{url}/close-reviewing", data={"closing_reason": "Nobody else can score it"})
    assert done.headers["Location"] == url
    reread(session)
    assert application.status is ApplicationStatus.SCORED
    assert application.reviews_closed_reason == "Nobody else can score it"
    assert "Close reviewing" not in page_text(signed_in.get(url))
