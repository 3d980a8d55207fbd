"""The group profile pages: creating a group, one page per part, members."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.models.organisations import Membership, Organisation, OrganisationKind
from portal.models.outbox import OutboxMessage
from portal.models.users import User
from tests.factories import make_neighbourhood, make_organisation, make_round, make_user
from tests.fixtures.databases import reread
from tests.fixtures.pages import page_text


@pytest.fixture
def group(session: Session, member: User) -> Organisation:
    organisation = make_organisation(
        session, name="Garston Shed", kind=OrganisationKind.UNCONSTITUTED, members=(member,)
    )
    session.commit()
    return organisation


def test_creating_a_group_makes_you_a_member_and_carries_on_to_the_round(
    signed_in: FlaskClient, session: Session, member: User
) -> None:
    make_round(session, slug="spring")
    session.commit()
    assert "Enter your group's name" in page_text(signed_in.post("/groups/new?round=spring", data={}))

    response = signed_in.post("/groups/new?round=spring", data={"name": "Oxhey Choir", "kind": "faith_group"})
    created = session.scalars(select(Organisation).where(Organisation.name == "Oxhey Choir")).one()
    assert response.headers["Location"] == f"/groups/{created.id}?round=spring"
    assert session.scalar(select(Membership.user_id).where(Membership.organisation_id == created.id)) == member.id
    # Only a real round is carried on: never an address from the link.
    fake = signed_in.post("/groups/new?round=https://evil.example", data={"name": "Other", "kind": "other"})
    assert "evil" not in fake.headers["Location"]


def test_the_group_page_lists_what_is_missing(signed_in: FlaskClient, group: Organisation) -> None:
    text = page_text(signed_in.get(f"/groups/{group.id}"))
    assert "Tell us who will look after the money" in text
    assert "Tell us your group's yearly income" in text


@pytest.mark.parametrize(
    ("part", "data", "message"),
    [
        ("details", {"name": "", "kind": "charity"}, "Enter your group's name"),
        ("details", {"name": "Shed", "kind": "charity"}, "Enter your charity number, like 1234567"),
        (
            "details",
            {"name": "Shed", "kind": "other", "charity_number": "12"},
            "Enter a charity number in the right format",
        ),
        ("details", {"name": "Shed", "kind": "cic"}, "Enter your company number, like 01234567"),
        ("details", {"name": "Shed", "kind": "made-up"}, "Choose what kind of group it is"),
        ("address", {"address": "1 Lane", "postcode": "WD99"}, "Enter a real postcode, like WD24 4AB"),
        ("address", {"address": "", "postcode": ""}, "Enter your group's address"),
        ("income", {}, "Choose your group's yearly income"),
        (
            "contact",
            {"contact_name": "A", "contact_email": "not-an-email"},
            "Enter an email address in the correct format",
        ),
        (
            "contact",
            {"contact_name": "A", "contact_email": "a@example.org", "contact_phone": "call me"},
            "Enter a phone number",
        ),
        ("money", {"first_person": "Amina"}, "Enter the names of two people"),
        (
            "money",
            {"first_person": "Amina", "second_person": "amina", "not_related": "y"},
            "Enter two different people",
        ),
        ("money", {"first_person": "Amina", "second_person": "Dave"}, "Confirm that the two people are not related"),
    ],
)
def test_each_page_says_what_to_fix(
    signed_in: FlaskClient, group: Organisation, part: str, data: dict[str, str], message: str
) -> None:
    response = signed_in.post(f"/groups/{group.id}/{part}", data=data)
    assert response.status_code == 200
    assert message in page_text(response)


def test_each_page_saves_only_its_own_fields(signed_in: FlaskClient, session: Session, group: Organisation) -> None:
    make_neighbourhood(session, name="North Watford", districts=("WD24",))
    session.commit()
    assert (
        signed_in.post(
            f"/groups/{group.id}/address", data={"address": "1 Shed Lane", "postcode": "wd244ab"}
        ).status_code
        == 302
    )
    assert signed_in.post(f"/groups/{group.id}/income", data={"income_band": "under_10k"}).status_code == 302
    signed_in.post(
        f"/groups/{group.id}/details",
        data={"name": "Garston Men's Shed", "kind": "company", "company_number": "1234567"},
    )
    signed_in.post(f"/groups/{group.id}/money", data={"partner_organisation": "Watford Community Trust"})
    reread(session)

    assert (group.name, group.address, group.postcode) == ("Garston Men's Shed", "1 Shed Lane", "WD24 4AB")
    assert group.company_number == "01234567"
    assert group.partner_organisation == "Watford Community Trust"
    assert "North Watford" in page_text(signed_in.get(f"/groups/{group.id}"))


def test_inviting_and_removing_members(
    signed_in: FlaskClient, session: Session, group: Organisation, member: User
) -> None:
    url = f"/groups/{group.id}/members"
    assert signed_in.post(url, data={"name": "Dave", "email": "dave@example.org"}).status_code == 302
    assert "already a member" in page_text(signed_in.post(url, data={"name": "Dave", "email": "dave@example.org"}))
    assert session.scalar(select(func.count(OutboxMessage.id))) == 1
    dave = session.scalars(select(User).where(User.email == "dave@example.org")).one()

    remove = f"/groups/{group.id}/members/{dave.id}/remove"
    assert "Remove Dave from Garston Shed?" in page_text(signed_in.get(remove))
    assert signed_in.post(remove).headers["Location"] == url
    last = signed_in.post(f"/groups/{group.id}/members/{member.id}/remove")
    assert last.status_code == 409
    assert "A group needs at least one member" in page_text(last)


def test_leaving_a_group_goes_back_to_the_dashboard(
    signed_in: FlaskClient, session: Session, group: Organisation, member: User
) -> None:
    group.memberships.append(Membership(user=make_user(session)))
    session.commit()
    assert signed_in.post(f"/groups/{group.id}/members/{member.id}/remove").headers["Location"] == "/dashboard"


def test_other_people_cannot_see_the_group(
    client: FlaskClient, session: Session, group: Organisation, sign_in_as: Any
) -> None:
    stranger = make_user(session)
    session.commit()
    sign_in_as(client, stranger)
    for path in (
        "",
        "/details",
        "/address",
        "/income",
        "/contact",
        "/money",
        "/members",
        f"/members/{stranger.id}/remove",
    ):
        assert client.get(f"/groups/{group.id}{path}").status_code == 404, path


@pytest.mark.parametrize("name", ["G" * 200, "Garston " + "Shed " * 37 + "Club", "Garston Shed\nSecond line"])
def test_members_can_be_added_to_a_group_with_any_name_it_has(
    signed_in: FlaskClient, session: Session, group: Organisation, name: str
) -> None:
    # Names saved before line breaks were refused at the form still reach email subjects.
    group.name = name
    session.commit()
    added = signed_in.post(f"/groups/{group.id}/members", data={"name": "Dave", "email": "dave@example.org"})
    assert added.status_code == 302
    subject = session.scalars(select(OutboxMessage.subject)).one()
    assert subject.startswith("You have been added to G")
    assert len(subject) <= 200
    assert "\n" not in subject


def test_a_group_name_is_one_line(signed_in: FlaskClient, session: Session, group: Organisation) -> None:
    for name in ("Garston Shed\r\nBcc: someone@example.org", "Garston\u202eShed"):
        response = signed_in.post(f"/groups/{group.id}/details", data={"name": name, "kind": "unconstituted"})
        assert response.status_code == 200
        assert "Enter your group's name on one line" in page_text(response)
        assert 'value="Garston' in response.get_data(as_text=True)
    new = signed_in.post("/groups/new", data={"name": "Oxhey\nChoir", "kind": "faith_group"})
    assert "Enter your group's name on one line" in page_text(new)
    reread(session)
    assert group.name == "Garston Shed"
