"""The 360Giving file: identifiers, what is in it (and what never is), streaming, validity."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session

from portal.errors import DomainError
from portal.models.applications import ApplicationStatus
from portal.models.awards import Award, AwardStatus
from portal.models.base import utcnow
from portal.models.funding import PostcodeLsoa, Round
from portal.models.organisations import OrganisationKind
from portal.models.users import Role
from portal.services.opendata import threesixty
from tests.factories import make_application, make_award, make_neighbourhood, make_organisation, make_round, make_user
from tests.reference_data import package_validator

PUBLISHER = threesixty.Publisher(prefix="anchoroffer", name="Anchor Offer grants")


def test_recipient_identifiers_follow_the_org_id_scheme() -> None:
    assert threesixty.org_identifier("ao", 7, "1234567", None) == "GB-CHC-1234567"
    assert threesixty.org_identifier("ao", 7, "1234567", "01234567") == "GB-CHC-1234567"
    assert threesixty.org_identifier("ao", 7, None, "01234567") == "GB-COH-01234567"
    assert threesixty.org_identifier("ao", 7, None, "1234567") == "GB-COH-01234567"
    assert threesixty.org_identifier("ao", 7, None, "sc012345") == "GB-COH-SC012345"
    # Scottish and Northern Irish charities are not in the England and Wales register.
    assert threesixty.org_identifier("ao", 7, "SC012345", None) == "360G-ao-org-7"
    assert threesixty.org_identifier("ao", 7, None, None) == "360G-ao-org-7"
    assert threesixty.org_identifier("ao", 7, "", "not a number") == "360G-ao-org-7"
    assert threesixty.grant_identifier("ao", "AO-2026-0042") == "360G-ao-AO-2026-0042"


def _award(
    session: Session,
    grant_round: Round,
    *,
    kind: OrganisationKind,
    charity: str | None = None,
    company: str | None = None,
    status: AwardStatus = AwardStatus.ACCEPTED,
    published: bool = True,
    postcode: str = "",
    neighbourhood_id: int | None = None,
) -> Award:
    organisation = make_organisation(session, kind=kind)
    organisation.charity_number, organisation.company_number = charity, company
    organisation.postcode, organisation.neighbourhood_id = postcode, neighbourhood_id
    organisation.contact_name, organisation.contact_email = "Jo Bloggs", "jo.bloggs@example.org"
    organisation.contact_phone, organisation.money_holders = "07700 900123", "Sam Smith and Ali Khan"
    application = make_application(
        session, grant_round=grant_round, organisation=organisation, status=ApplicationStatus.APPROVED
    )
    application.title = "Tea and talk"
    application.answers = {"idea": {"activities": "A weekly tea and talk morning."}}
    application.decided_at = utcnow()
    award = make_award(session, application=application, amount_pence=150_050, status=status)
    award.report_due_on = utcnow().date()
    award.published = published
    session.flush()
    return award


def every_kind_of_recipient(session: Session, grant_round: Round) -> dict[str, Award]:
    place = make_neighbourhood(session, name="Oxhey", districts=("WD19",))
    session.add(PostcodeLsoa(postcode="WD19 4AB", lsoa_code="E01023856"))
    return {
        "charity": _award(
            session,
            grant_round,
            kind=OrganisationKind.CHARITY,
            charity="1123456",
            postcode="WD19 4AB",
            neighbourhood_id=place.id,
        ),
        "company": _award(session, grant_round, kind=OrganisationKind.COMPANY, company="01234567"),
        "cic": _award(session, grant_round, kind=OrganisationKind.CIC, company="SC123456", neighbourhood_id=place.id),
        "group": _award(session, grant_round, kind=OrganisationKind.UNCONSTITUTED, postcode="WD19 9ZZ"),
        "faith": _award(session, grant_round, kind=OrganisationKind.FAITH_GROUP, status=AwardStatus.CLOSED),
        "not chosen": _award(session, grant_round, kind=OrganisationKind.CHARITY, charity="222222", published=False),
        "not accepted": _award(session, grant_round, kind=OrganisationKind.OTHER, status=AwardStatus.OFFERED),
    }


def test_package_from_every_kind_of_recipient_is_valid_360giving(session: Session) -> None:
    grant_round = make_round(session, slug="community-2026", title="Community grants 2026")
    awards = every_kind_of_recipient(session, grant_round)

    text = "".join(threesixty.json_package(session, PUBLISHER))
    package = json.loads(text)

    package_validator().validate(package)
    grants = {g["id"]: g for g in package["grants"]}
    reference = {name: award.application.reference for name, award in awards.items()}
    assert set(grants) == {
        f"360G-anchoroffer-{reference[name]}" for name in ("charity", "company", "cic", "group", "faith")
    }
    charity = grants[f"360G-anchoroffer-{reference['charity']}"]
    assert charity["recipientOrganization"][0]["id"] == "GB-CHC-1123456"
    assert charity["amountAwarded"] == 1500.5
    assert charity["currency"] == "GBP"
    assert charity["fromOpenCall"] == "Yes"
    assert charity["grantProgramme"] == [{"code": "community-2026", "title": "Community grants 2026"}]
    assert charity["beneficiaryLocation"] == [
        {"name": "Oxhey", "countryCode": "GB", "geoCode": "E01023856", "geoCodeType": "LSOA"}
    ]
    assert charity["description"] == "A weekly tea and talk morning."
    company = grants[f"360G-anchoroffer-{reference['company']}"]
    assert company["recipientOrganization"][0]["id"] == "GB-COH-01234567"
    assert "beneficiaryLocation" not in company
    cic = grants[f"360G-anchoroffer-{reference['cic']}"]
    assert cic["beneficiaryLocation"] == [{"name": "Oxhey", "countryCode": "GB"}]
    group = grants[f"360G-anchoroffer-{reference['group']}"]
    assert (
        group["recipientOrganization"][0]["id"] == f"360G-anchoroffer-org-{awards['group'].application.organisation_id}"
    )
    # Nothing about the people: no names, contact details, money holders or postcodes.
    for personal in ("Jo Bloggs", "jo.bloggs", "07700", "Sam Smith", "WD19 4AB", "WD19 9ZZ"):
        assert personal not in text


def test_an_invalid_package_is_caught_by_the_validator(session: Session) -> None:
    """The validator really checks the grants against the grant schema."""
    grant_round = make_round(session)
    _award(session, grant_round, kind=OrganisationKind.CHARITY, charity="1123456")
    package = json.loads("".join(threesixty.json_package(session, PUBLISHER)))
    package["grants"][0]["fromOpenCall"] = "Maybe"
    with pytest.raises(Exception, match="Maybe"):
        package_validator().validate(package)


def test_flat_csv_has_one_row_per_published_grant(session: Session) -> None:
    grant_round = make_round(session)
    awards = every_kind_of_recipient(session, grant_round)
    awards["company"].application.organisation.name = '=HYPERLINK("http://x")'
    session.flush()

    rows = list(csv.DictReader("".join(threesixty.flat_csv(session, PUBLISHER)).splitlines()))

    assert len(rows) == 5
    by_id = {row["Identifier"]: row for row in rows}
    company = by_id[f"360G-anchoroffer-{awards['company'].application.reference}"]
    assert company["Recipient Org:Identifier"] == "GB-COH-01234567"
    assert company["Recipient Org:Name"].startswith("'=")
    assert company["Amount Awarded"] == "1500.50"
    charity = by_id[f"360G-anchoroffer-{awards['charity'].application.reference}"]
    assert charity["Beneficiary Location:Geographic Code"] == "E01023856"


@contextmanager
def counting_queries(session: Session) -> Iterator[list[str]]:
    statements: list[str] = []
    engine = session.get_bind()

    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_the_number_of_queries_does_not_grow_with_the_awards(session: Session) -> None:
    small, large = make_round(session), make_round(session)
    _award(session, small, kind=OrganisationKind.CHARITY, charity="1123456")
    for _ in range(threesixty.BATCH // 100 + 12):
        _award(session, large, kind=OrganisationKind.COMPANY, company="01234567")
    session.expunge_all()  # nothing to fall back on in the identity map

    with counting_queries(session) as few:
        assert len(list(threesixty.grants(session, PUBLISHER, small.id))) == 1
    with counting_queries(session) as many:
        assert len(list(threesixty.grants(session, PUBLISHER, large.id))) == threesixty.BATCH // 100 + 12
    # One query for the rounds' funders, one for the awards.
    assert len(many) == len(few) == 2


def test_officers_choose_only_accepted_awards(session: Session) -> None:
    officer = make_user(session, roles=(Role.OFFICER,))
    grant_round = make_round(session)
    accepted = _award(session, grant_round, kind=OrganisationKind.CHARITY, published=False)
    paid = _award(session, grant_round, kind=OrganisationKind.CHARITY, status=AwardStatus.PAID, published=True)
    offered = _award(session, grant_round, kind=OrganisationKind.CHARITY, status=AwardStatus.OFFERED, published=False)

    with pytest.raises(DomainError, match="Only awards the group has accepted"):
        threesixty.choose(session, grant_round, {accepted.id, offered.id}, by=officer)
    assert threesixty.choose(session, grant_round, {accepted.id}, by=officer) == 1
    session.expire_all()
    assert (accepted.published, paid.published, offered.published) == (True, False, False)
    assert threesixty.published_count(session, grant_round) == 1
    assert threesixty.choose(session, grant_round, set(), by=officer) == 0
    session.expire_all()
    assert accepted.published is False
