"""The outcomes page, its CSV and shared photos: officers read any round, a funder's person only
theirs, and nothing a group did not agree to share ever appears."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from portal.auth.home import home_for
from portal.models.applications import ApplicationStatus, Evidence, EvidenceKind
from portal.models.awards import AwardStatus, MonitoringReport
from portal.models.base import utcnow
from portal.models.funders import RoundFunder
from portal.models.funding import Round
from portal.models.users import Role, User
from portal.services.applications.evidence import attach_thumbnail
from portal.services.files.thumbnails import make_thumbnail
from portal.services.outcomes.access import link_funder_person
from portal.storage import get_storage
from tests.factories import (
    make_application,
    make_award,
    make_evidence,
    make_funder,
    make_organisation,
    make_report,
    make_round,
    make_user,
)
from tests.fixtures.pages import page_text
from tests.storage.sample_files import make_jpeg


@dataclass
class Setting:
    theirs: Round
    other: Round
    reader: User
    shared_photo: Evidence
    unshared_photo: Evidence


def accepted_report(
    session: Session, grant_round: Round, group: str, story: str, *, share_story: bool, share_photos: bool
) -> tuple[MonitoringReport, Evidence]:
    application = make_application(
        session,
        grant_round=grant_round,
        organisation=make_organisation(session, name=group),
        status=ApplicationStatus.APPROVED,
    )
    award = make_award(session, application=application, amount_pence=200_000, status=AwardStatus.ACCEPTED)
    report = make_report(session, award=award)
    report.answers = {"story": story}
    report.people_reached, report.spent_pence = 30, 150_000
    report.submitted_at = report.accepted_at = utcnow()
    report.share_story, report.share_photos = share_story, share_photos
    photo = make_evidence(
        session, get_storage(), content=make_jpeg(), filename="walk.jpg", kind=EvidenceKind.PHOTO, report_id=report.id
    )
    # As the group's upload does: the page shows our re-encoded preview, never the original.
    attach_thumbnail(get_storage(), photo, make_thumbnail(io.BytesIO(make_jpeg())))
    return report, photo


@pytest.fixture
def setting(session: Session) -> Setting:
    health, council = make_funder(session, name="Health Trust"), make_funder(session, name="City Council")
    theirs, other = make_round(session, title="Healthy walks"), make_round(session, title="Council grants")
    theirs.funders = [RoundFunder(funder=health, amount_pence=1_000_000)]
    other.funders = [RoundFunder(funder=council, amount_pence=1_000_000)]
    _shared, shared_photo = accepted_report(
        session, theirs, "Walkers", "June found her confidence.", share_story=True, share_photos=True
    )
    _unshared, unshared_photo = accepted_report(
        session, theirs, "Quiet choir", "PRIVATE story of Mr Jones.", share_story=False, share_photos=False
    )
    accepted_report(session, other, "Council group", "Council story.", share_story=True, share_photos=True)
    reader = make_user(session, email="reader@healthtrust.example")
    link_funder_person(session, reader, health, by=make_user(session, roles=(Role.ADMIN,)))
    session.commit()
    return Setting(theirs, other, reader, shared_photo, unshared_photo)


@pytest.fixture
def funder_client(client: FlaskClient, setting: Setting, sign_in_as: Any) -> FlaskClient:
    sign_in_as(client, setting.reader)
    return client


def test_the_funder_reads_its_rounds_and_only_shared_stories(funder_client: FlaskClient, setting: Setting) -> None:
    response = funder_client.get("/outcomes/")
    page = page_text(response)
    html = response.get_data(as_text=True)

    assert "Health Trust" in page
    assert "Healthy walks" in page
    assert "£4,000 offered to 2 groups" in page
    assert "June found her confidence." in page
    assert f"/outcomes/photos/{setting.shared_photo.id}" in html
    # Not shared, and another funder's round: never on the page (which is also what prints).
    assert "PRIVATE story" not in page
    assert f"/outcomes/photos/{setting.unshared_photo.id}" not in html
    assert "Council grants" not in page
    assert "Council story." not in page


def test_another_funders_round_is_not_found(funder_client: FlaskClient, setting: Setting) -> None:
    assert funder_client.get(f"/outcomes/?round={setting.other.id}").status_code == 404
    assert funder_client.get(f"/outcomes/figures.csv?round={setting.other.id}").status_code == 404


def test_photos_are_served_only_with_consent(funder_client: FlaskClient, setting: Setting) -> None:
    shared = funder_client.get(f"/outcomes/photos/{setting.shared_photo.id}")
    assert (shared.status_code, shared.mimetype) == (200, "image/jpeg")
    shared.close()
    assert funder_client.get(f"/outcomes/photos/{setting.unshared_photo.id}").status_code == 404


def test_the_csv_has_the_figures_and_no_stories(funder_client: FlaskClient, setting: Setting) -> None:
    response = funder_client.get(f"/outcomes/figures.csv?round={setting.theirs.id}")
    body = response.get_data(as_text=True)

    assert response.mimetype == "text/csv"
    assert "Total,All chosen rounds,4000.00,0.00,3000.00,60,2,2,0" in body
    assert "Funder,Health Trust,4000.00" in body
    assert "PRIVATE" not in body
    assert "Council" not in body


def test_officers_read_every_round_and_choose_one(
    client: FlaskClient, setting: Setting, officer: User, sign_in_as: Any
) -> None:
    sign_in_as(client, officer)

    every = page_text(client.get("/outcomes/"))
    one = page_text(client.get(f"/outcomes/?round={setting.other.id}"))

    assert "£6,000 offered to 3 groups" in every
    assert "Council story." in every
    assert "PRIVATE story" not in every
    assert "£2,000 offered to 1 group" in one
    assert "June found her confidence." not in one


def test_people_without_an_outcomes_role_are_refused(
    client: FlaskClient, session: Session, setting: Setting, sign_in_as: Any
) -> None:
    finance = make_user(session, roles=(Role.FINANCE,))
    session.commit()
    sign_in_as(client, finance)

    assert client.get("/outcomes/").status_code == 403


def test_a_funders_person_lands_on_the_outcomes_and_finds_them_in_the_navigation(
    app: Flask, funder_client: FlaskClient, setting: Setting
) -> None:
    with app.test_request_context():
        assert home_for(setting.reader) == "/outcomes/"
    page = funder_client.get("/outcomes/").get_data(as_text=True)
    assert '<a href="/outcomes/">Outcomes</a>' in page


def test_the_officer_home_links_to_outcomes(
    client: FlaskClient, setting: Setting, officer: User, sign_in_as: Any
) -> None:
    sign_in_as(client, officer)

    home = client.get("/officer/").get_data(as_text=True)

    assert 'href="/outcomes/"' in home
    assert f'href="/outcomes/?round={setting.theirs.id}"' in home
