"""The public open data: the 360Giving files at stable addresses, only published awards, every funder of each
grant, the award's real planned dates, the licence from the programme settings, and cheap re-downloads."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from datetime import date

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from portal.models.awards import MonitoringReport
from portal.models.funders import RoundFunder
from portal.models.organisations import OrganisationKind
from portal.models.users import Role
from portal.services.programme import settings
from tests.factories import make_fund, make_funder, make_round, make_user
from tests.fixtures.pages import page_text
from tests.opendata.test_threesixty import _award
from tests.reference_data import package_validator


def published_programme(session: Session) -> dict[str, str]:
    health = make_funder(session, name="Herts Health Charity", org_id="GB-CHC-1000001")
    council = make_funder(session, name="Dacorum Council", org_id="GB-COH-01234567")
    spring = make_round(session, slug="spring", title="Spring grants", budget_pence=2_000_000)
    spring.funders = [
        RoundFunder(funder=health, amount_pence=1_500_000),
        RoundFunder(funder=council, amount_pence=500_000),
    ]
    autumn = make_round(session, slug="autumn", title="Autumn grants")
    autumn.fund = make_fund(session, funders=[health])
    autumn.funders = [RoundFunder(funder=health, amount_pence=autumn.budget_pence)]
    three_years = _award(session, spring, kind=OrganisationKind.CHARITY, charity="1123456")
    three_years.accepted_at = three_years.offered_at
    session.add_all(MonitoringReport(award_id=three_years.id, due_on=date(2027 + year, 12, 1)) for year in range(3))
    one = _award(session, autumn, kind=OrganisationKind.UNCONSTITUTED)
    hidden = _award(session, autumn, kind=OrganisationKind.CHARITY, charity="2222222", published=False)
    session.commit()
    return {
        "three": three_years.application.reference,
        "one": one.application.reference,
        "hidden": hidden.application.reference,
    }


def test_the_public_file_holds_only_published_grants_with_every_funder(client: FlaskClient, session: Session) -> None:
    references = published_programme(session)
    response = client.get("/open-data/360giving.json")
    assert response.status_code == 200
    package = json.loads(response.get_data(as_text=True))
    package_validator().validate(package)
    grants = {
        reference: g for g in package["grants"] for reference in references.values() if g["id"].endswith(reference)
    }
    assert set(grants) == {references["three"], references["one"]}
    three = grants[references["three"]]
    assert [f["name"] for f in three["fundingOrganization"]] == ["Herts Health Charity", "Dacorum Council"]
    assert [f["id"] for f in three["fundingOrganization"]] == ["GB-CHC-1000001", "GB-COH-01234567"]
    # Planned to end with the last of the grant's three reports, not its first.
    assert three["plannedDates"][0]["endDate"] == "2029-12-01"
    assert [f["name"] for f in grants[references["one"]]["fundingOrganization"]] == ["Herts Health Charity"]
    assert package["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert response.headers["Cache-Control"] == "public, no-cache"

    rows = list(csv.DictReader(io.StringIO(client.get("/open-data/360giving.csv").get_data(as_text=True))))
    assert len(rows) == 2


def test_a_harvester_with_the_current_copy_gets_not_modified(client: FlaskClient, session: Session) -> None:
    published_programme(session)
    first = client.get("/open-data/360giving.json")
    etag = first.headers["ETag"]
    again = client.get("/open-data/360giving.json", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.get_data() == b""

    now = settings.current(session)
    admin = make_user(session, roles=(Role.ADMIN,))
    settings.update(
        session,
        replace(now, open_data_licence="https://opendatacommons.org/licenses/by/1-0/", contact_email="a@b.org"),
        by=admin,
    )
    session.commit()
    changed = client.get("/open-data/360giving.json", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert json.loads(changed.get_data(as_text=True))["license"] == "https://opendatacommons.org/licenses/by/1-0/"


def test_the_open_data_page_explains_and_links_the_files(client: FlaskClient, session: Session) -> None:
    empty = page_text(client.get("/open-data"))
    assert "We have not published any grants yet" in empty
    assert json.loads(client.get("/open-data/360giving.json").get_data(as_text=True))["grants"] == []

    published_programme(session)
    text = page_text(client.get("/open-data"))
    assert "The file holds 2 grants" in text
    assert "https://creativecommons.org/licenses/by/4.0/" in text
    assert "Open data" in page_text(client.get("/"))  # in every page's footer


def test_a_round_without_funder_org_ids_keeps_the_file_back(client: FlaskClient, session: Session) -> None:
    grant_round = make_round(session)
    grant_round.funders[0].funder.org_id = None
    _award(session, grant_round, kind=OrganisationKind.CHARITY, charity="1123456")
    session.commit()
    response = client.get("/open-data/360giving.json")
    assert response.status_code == 503
    assert "not available at the moment" in page_text(response)
