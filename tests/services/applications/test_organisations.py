"""A group's profile: registration numbers, what is missing, members."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.errors import DomainError
from portal.models.audit import AuditEntry
from portal.models.organisations import IncomeBand, Organisation, OrganisationKind
from portal.models.outbox import OutboxMessage
from portal.models.users import User
from portal.services.applications import organisations
from tests.factories import make_neighbourhood, make_organisation, make_user


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("1234567", "1234567"),
        ("123456", "123456"),
        ("1234567-1", "1234567-1"),
        ("sc 012345", "SC012345"),
        ("NIC100002", "NIC100002"),
        ("12345", None),
        ("12345678", None),
        ("SC12345", None),
        ("charity", None),
    ],
)
def test_charity_numbers(typed: str, stored: str | None) -> None:
    assert organisations.normalise_charity_number(typed) == stored


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("1234567", "01234567"),
        ("01234567", "01234567"),
        ("sc123456", "SC123456"),
        ("OC 123456", "OC123456"),
        ("123456789", None),
        ("S1234567", None),
    ],
)
def test_company_numbers_keep_their_leading_zeros(typed: str, stored: str | None) -> None:
    assert organisations.normalise_company_number(typed) == stored


def complete(organisation: Organisation) -> Organisation:
    organisation.address, organisation.postcode = "1 High Street", "WD24 4AB"
    organisation.income_band = IncomeBand.UNDER_10K
    organisation.contact_name, organisation.contact_email = "Amina", "amina@example.org"
    return organisation


def test_what_a_profile_still_needs(session: Session) -> None:
    charity = complete(make_organisation(session, kind=OrganisationKind.CHARITY))
    assert organisations.missing_profile_details(charity) == ["Add your charity number"]
    charity.charity_number = "1234567"
    assert organisations.missing_profile_details(charity) == []

    cic = complete(make_organisation(session, kind=OrganisationKind.CIC))
    assert organisations.missing_profile_details(cic) == ["Add your company number"]

    blank = make_organisation(session, kind=OrganisationKind.FAITH_GROUP)
    blank.address = ""
    blank.contact_name = ""
    assert "Add your group's address and postcode" in organisations.missing_profile_details(blank)
    assert "Add a contact name and email address" in organisations.missing_profile_details(blank)


def test_unconstituted_groups_name_money_holders_or_a_partner(session: Session) -> None:
    group = complete(make_organisation(session, kind=OrganisationKind.UNCONSTITUTED))
    assert organisations.missing_profile_details(group) == ["Tell us who will look after the money"]
    assert organisations.needs_governing_document(group)

    group.money_holders = "Amina Hussain\nDave Morgan"
    assert organisations.money_holder_names(group) == ["Amina Hussain", "Dave Morgan"]
    assert organisations.missing_profile_details(group) == []
    assert not organisations.needs_governing_document(group)

    group.money_holders, group.partner_organisation = "", "Watford Community Trust"
    assert organisations.missing_profile_details(group) == []


def test_creating_and_changing_a_group(session: Session) -> None:
    person = make_user(session, name="Amina")
    place = make_neighbourhood(session, name="North Watford", districts=("WD24",))
    group = organisations.create_group(session, by=person, name=" Garston Shed ", kind=OrganisationKind.OTHER)
    assert group.name == "Garston Shed"
    assert organisations.members_of(session, group) == [person]

    changed = organisations.update_group(session, group, by=person, postcode="wd244ab", address="1 Shed Lane")
    assert group.postcode == "WD24 4AB"
    assert group.neighbourhood_id == place.id
    assert changed == ["postcode", "address"]
    with pytest.raises(DomainError, match="real postcode"):
        organisations.update_group(session, group, by=person, postcode="nowhere")
    actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["group created", "group details changed"]


def test_members_are_added_by_email_and_a_group_keeps_one(session: Session) -> None:
    amina = make_user(session, name="Amina")
    group = make_organisation(session, name="Garston Shed", members=(amina,))

    dave = organisations.add_member(session, group, by=amina, email=" Dave@Example.org ", name="Dave")
    assert dave.email == "dave@example.org"
    assert session.scalar(select(User).where(User.email == "dave@example.org")) is dave
    message = session.scalars(select(OutboxMessage)).one()
    assert message.to == "dave@example.org"
    assert "Garston Shed" in message.body
    with pytest.raises(DomainError, match="already a member"):
        organisations.add_member(session, group, by=amina, email="dave@example.org", name="Dave")

    organisations.remove_member(session, group, dave, by=amina)
    with pytest.raises(DomainError, match="at least one member"):
        organisations.remove_member(session, group, amina, by=amina)
