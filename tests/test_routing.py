"""Ids in addresses, query strings and forms beyond what the database holds are not found, never a 500."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask.testing import FlaskClient
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from portal.models.users import Role
from portal.routing import MAX_ID, at_most, parse_id
from tests.factories import make_application, make_organisation, make_round, make_user

TOO_BIG = [str(MAX_ID + 1), str(2**63), "9" * 20, "1" + "0" * 40]


def test_parse_id_takes_only_ascii_digits_that_fit_an_id_column() -> None:
    assert parse_id("42") == 42
    assert parse_id(" 7 ") == 7
    assert parse_id(str(MAX_ID)) == MAX_ID
    for raw in [*TOO_BIG, "0", "-1", "²", "١٢", "\uff11\uff12", "1e3", "", None, 12, "12abc"]:
        assert parse_id(raw) is None, raw


@given(limit=st.integers(0, 10**12), number=st.integers(0, 10**13), zeros=st.integers(0, 3))
def test_the_id_pattern_matches_exactly_the_numbers_up_to_its_limit(limit: int, number: int, zeros: int) -> None:
    pattern = re.compile(at_most(limit))
    assert bool(pattern.fullmatch("0" * zeros + str(number))) is (number <= limit)
    assert pattern.fullmatch(str(limit))


@pytest.mark.parametrize("number", [*TOO_BIG, "%D9%A1%D9%A2"])
def test_ids_beyond_the_database_are_not_found_for_everyone(
    client: FlaskClient, session: Session, sign_in_as: Any, number: str
) -> None:
    assert client.get(f"/events/{number}").status_code == 404
    member = make_user(session)
    officer = make_user(session, roles=(Role.OFFICER,))
    session.commit()
    sign_in_as(client, member)
    assert client.get(f"/applications/{number}").status_code == 404
    assert client.get(f"/evidence/{number}").status_code == 404
    sign_in_as(client, officer)
    assert client.get(f"/officer/applications/{number}").status_code == 404
    assert client.post(f"/officer/awards/{number}/cancel", data={"reason": "x"}).status_code == 404


def test_the_largest_id_is_looked_up_and_simply_not_found(
    client: FlaskClient, session: Session, sign_in_as: Any
) -> None:
    officer = make_user(session, roles=(Role.OFFICER,))
    session.commit()
    sign_in_as(client, officer)
    assert client.get(f"/officer/applications/{MAX_ID}").status_code == 404
    assert client.get(f"/officer/rounds/{MAX_ID}/applications.csv").status_code == 404


@pytest.mark.parametrize("value", [*TOO_BIG, "²", "١٢", "-3"])
def test_numbers_in_query_strings_and_forms_never_give_a_500(
    client: FlaskClient, session: Session, sign_in_as: Any, value: str
) -> None:
    officer = make_user(session, roles=(Role.OFFICER,))
    grant_round = make_round(session)
    member = make_user(session)
    draft = make_application(
        session, grant_round=grant_round, organisation=make_organisation(session, members=(member,))
    )
    session.commit()
    sign_in_as(client, officer)
    listing = f"/officer/rounds/{grant_round.id}/applications"
    assert client.get(f"{listing}?page={value}").status_code == 200
    assert client.get(f"{listing}?neighbourhood={value}").status_code == 200
    assert client.get(f"/officer/audit?page={value}").status_code == 200
    assert client.get(f"/officer/rounds/{grant_round.id}/results?neighbourhood={value}").status_code == 200
    assert client.post(f"{listing}/route", data={"application": value, "action": "eligible"}).status_code == 302
    assert client.post(f"/officer/rounds/{grant_round.id}/open-data", data={"award": value}).status_code == 302
    sign_in_as(client, member)
    budget = client.post(
        f"/applications/{draft.id}/budget",
        data={"revision": "0", "item-0": "Hall hire", "amount-0": "600", "remove": value},
    )
    assert budget.status_code < 500
