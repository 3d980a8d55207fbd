"""Nothing typed twice: what a person told the eligibility checker fills their group's profile,
and nothing is saved until they save it."""

from __future__ import annotations

import re

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from portal.models.organisations import IncomeBand, Organisation, OrganisationKind
from portal.models.users import User
from tests.factories import make_organisation, make_round
from tests.fixtures.pages import page_text

TOLD = {"postcode": "WD24 4AB", "group": "charity", "income": "10k_to_50k", "purpose": ["activities"]}
NOTICE = "We have filled in what you told us when you checked if you could apply."


def chosen(page: str, value: str) -> bool:
    return re.search(rf'<input checked[^>]*value="{value}"', page) is not None


def checked(client: FlaskClient, slug: str, answers: dict[str, object] = TOLD) -> None:
    with client.session_transaction() as browser:
        browser["eligibility"] = {slug: answers}


def test_a_new_group_starts_with_the_kind_the_checker_was_told(signed_in: FlaskClient, session: Session) -> None:
    grant_round = make_round(session, slug="spring")
    session.commit()
    checked(signed_in, grant_round.slug)
    page = signed_in.get("/groups/new?round=spring")
    assert NOTICE in page_text(page)
    assert chosen(page.get_data(as_text=True), "charity")


def test_the_profile_pages_offer_the_postcode_and_income_without_saving_them(
    signed_in: FlaskClient, session: Session, member: User
) -> None:
    group = make_organisation(session, name="Garston Shed", kind=OrganisationKind.CHARITY, members=(member,))
    session.commit()
    checked(signed_in, "spring")

    address = signed_in.get(f"/groups/{group.id}/address")
    assert NOTICE in page_text(address)
    assert 'value="WD24 4AB"' in address.get_data(as_text=True)
    income = signed_in.get(f"/groups/{group.id}/income")
    assert chosen(income.get_data(as_text=True), "10k_to_50k")

    session.expire_all()
    unchanged = session.get(Organisation, group.id)
    assert unchanged is not None
    assert unchanged.postcode == ""
    assert unchanged.income_band is None


def test_what_the_group_already_gave_is_kept(signed_in: FlaskClient, session: Session, member: User) -> None:
    group = make_organisation(session, name="Garston Shed", kind=OrganisationKind.CHARITY, members=(member,))
    group.postcode, group.income_band = "WD17 1AA", IncomeBand.UNDER_10K
    session.commit()
    checked(signed_in, "spring")

    address = signed_in.get(f"/groups/{group.id}/address")
    assert NOTICE not in page_text(address)
    assert 'value="WD17 1AA"' in address.get_data(as_text=True)
    assert chosen(signed_in.get(f"/groups/{group.id}/income").get_data(as_text=True), "under_10k")


def test_nothing_is_offered_to_someone_who_did_not_use_the_checker(signed_in: FlaskClient) -> None:
    assert NOTICE not in page_text(signed_in.get("/groups/new"))
