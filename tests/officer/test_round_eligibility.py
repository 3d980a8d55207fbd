"""The Who can apply page: a round's eligibility rules and neighbourhoods, and the checker following them."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from portal.models.audit import AuditAction
from tests.factories import make_neighbourhood, make_round
from tests.fixtures.databases import reread
from tests.fixtures.pages import page_text


def test_officers_set_who_can_apply(signed_in: FlaskClient, session: Session) -> None:
    place = make_neighbourhood(session, name="Central", districts=("WD24",))
    grant_round = make_round(session, slug="spring")
    session.commit()
    address = f"/officer/rounds/{grant_round.id}/eligibility"
    assert "Central" in page_text(signed_in.get(address))
    response = signed_in.post(
        address,
        data={
            "neighbourhoods": [str(place.id)],
            "kinds": ["charity"],
            "excluded_purposes": ["debts"],
            "requirements": "Your group works in Watford.\n\n",
        },
    )
    assert response.status_code == 302
    reread(session)
    assert [n.name for n in grant_round.neighbourhoods] == ["Central"]
    assert grant_round.eligibility == {
        "requirements": ["Your group works in Watford."],
        "kinds": ["charity"],
        "income_bands": [],
        "excluded_purposes": ["debts"],
    }
    # The checker now asks the postcode, the kind and the purpose, not the income.
    base = "/rounds/spring/check"
    assert signed_in.post(f"{base}/postcode", data={"answer": "WD24 4AB"}).headers["Location"] == f"{base}/group"
    assert signed_in.post(f"{base}/group", data={"answer": "charity"}).headers["Location"] == f"{base}/purpose"


def test_a_choice_not_on_the_list_is_refused(signed_in: FlaskClient, session: Session) -> None:
    grant_round = make_round(session)
    session.commit()
    response = signed_in.post(f"/officer/rounds/{grant_round.id}/eligibility", data={"kinds": ["pirates"]})
    assert response.status_code == 400
    reread(session)
    assert grant_round.eligibility == {}
    assert AuditAction.ROUND_ELIGIBILITY_CHANGED.value == "round eligibility changed"
