"""The 360Giving file names every funder of a grant's round, and refuses to be written without them."""

from __future__ import annotations

import csv
import json

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from portal.errors import DomainError
from portal.models.funding import Round
from portal.models.organisations import OrganisationKind
from portal.models.users import User
from portal.services.funders import funds
from portal.services.opendata import threesixty
from tests.factories import make_fund, make_funder, make_round
from tests.fixtures.pages import page_text
from tests.opendata.test_threesixty import PUBLISHER, _award
from tests.reference_data import package_validator


def two_funder_round(session: Session, officer: User) -> Round:
    health = make_funder(session, name="Health charity", org_id="GB-CHC-1234567")
    council = make_funder(session, name="Watford Council", org_id="GB-COH-01234567")
    grant_round = make_round(session, fund=make_fund(session, funders=[health, council]), budget_pence=1_000_000)
    funds.set_round_funders(session, grant_round, {health.id: 300_000, council.id: 700_000}, by=officer)
    return grant_round


def test_a_grant_with_two_funders_is_valid_360giving(session: Session, officer: User) -> None:
    grant_round = two_funder_round(session, officer)
    _award(session, grant_round, kind=OrganisationKind.CHARITY, charity="1123456")
    _award(session, grant_round, kind=OrganisationKind.COMPANY, company="01234567")

    package = json.loads("".join(threesixty.json_package(session, PUBLISHER)))

    package_validator().validate(package)
    assert len(package["grants"]) == 2
    for grant in package["grants"]:
        assert grant["fundingOrganization"] == [
            {"id": "GB-COH-01234567", "name": "Watford Council"},
            {"id": "GB-CHC-1234567", "name": "Health charity"},
        ]
    assert package["publisher"] == {"name": "Anchor Offer grants", "identifier": "360G-anchoroffer"}


def test_the_flat_file_has_a_pair_of_columns_for_each_funder(session: Session, officer: User) -> None:
    grant_round = two_funder_round(session, officer)
    _award(session, grant_round, kind=OrganisationKind.CHARITY, charity="1123456")
    one_funder = make_round(session)
    _award(session, one_funder, kind=OrganisationKind.CHARITY, charity="1123457")

    rows = list(csv.DictReader("".join(threesixty.flat_csv(session, PUBLISHER)).splitlines()))

    header = list(rows[0])
    at = header.index("Funding Org:0:Identifier")
    assert header[at : at + 4] == [
        "Funding Org:0:Identifier",
        "Funding Org:0:Name",
        "Funding Org:1:Identifier",
        "Funding Org:1:Name",
    ]
    two = next(row for row in rows if row["Funding Org:1:Identifier"])
    assert (two["Funding Org:0:Name"], two["Funding Org:1:Name"]) == ("Watford Council", "Health charity")
    single = next(row for row in rows if not row["Funding Org:1:Identifier"])
    assert single["Funding Org:0:Identifier"].startswith("360G-")
    assert single["Funding Org:1:Name"] == ""


def test_publishing_is_refused_while_a_round_has_no_funder(session: Session, officer: User) -> None:
    grant_round = make_round(session, title="Spring grants")
    award = _award(session, grant_round, kind=OrganisationKind.CHARITY, published=False)
    funds.set_round_funders(session, grant_round, {}, by=officer)

    with pytest.raises(DomainError, match="Spring grants has no funders yet"):
        threesixty.choose(session, grant_round, {award.id}, by=officer)
    # Published before its funders were taken off: the file is refused, not written with a made-up funder.
    award.published = True
    session.flush()
    with pytest.raises(DomainError, match="Spring grants has no funders yet"):
        threesixty.check_publishable(session, grant_round.id)


def test_publishing_is_refused_while_a_funder_has_no_org_id(session: Session, officer: User) -> None:
    grant_round = make_round(session, title="Spring grants")
    award = _award(session, grant_round, kind=OrganisationKind.CHARITY, published=False)
    grant_round.funders[0].funder.org_id = None
    with pytest.raises(DomainError, match="a funder of Spring grants, has no org-id yet"):
        threesixty.choose(session, grant_round, {award.id}, by=officer)


def test_the_download_says_which_round_has_no_funder(signed_in: FlaskClient, session: Session, officer: User) -> None:
    grant_round = make_round(session, title="Spring grants")
    _award(session, grant_round, kind=OrganisationKind.CHARITY)
    funds.set_round_funders(session, grant_round, {}, by=officer)
    session.commit()
    for layout in ("json", "csv"):
        response = signed_in.get(
            f"/officer/rounds/{grant_round.id}/open-data/360giving.{layout}", follow_redirects=True
        )
        assert "Spring grants has no funders yet" in page_text(response)
