"""The funds and funders pages, and the funders behind a round."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models.audit import AuditAction, AuditEntry
from portal.models.funders import Funder
from portal.models.funding import Fund
from tests.factories import make_fund, make_funder, make_round
from tests.fixtures.databases import reread
from tests.fixtures.pages import error_summary_problems, page_text


def test_adding_funders_and_a_fund_with_two_of_them(signed_in: FlaskClient, session: Session) -> None:
    assert "Funds and funders" in page_text(signed_in.get("/officer/"))
    response = signed_in.post("/officer/funders/new", data={"name": "Health charity", "org_id": "gb-chc-1234567"})
    assert response.status_code == 302
    signed_in.post("/officer/funders/new", data={"name": "Watford Council", "org_id": "GB-COH-01234567"})
    ids = [str(funder.id) for funder in session.scalars(select(Funder).order_by(Funder.name))]

    response = signed_in.post(
        "/officer/funds/new", data={"name": "Small grants", "description": "Up to £5,000", "funder_ids": ids}
    )

    assert response.status_code == 302
    text = page_text(signed_in.get("/officer/funds"))
    assert "Small grants" in text
    assert "Health charity, Watford Council" in text
    assert "GB-CHC-1234567" in text
    reread(session)
    actions = set(session.scalars(select(AuditEntry.action)))
    assert {AuditAction.FUNDER_CREATED, AuditAction.FUND_CREATED} <= actions


def test_a_bad_org_id_is_explained_and_the_typing_kept(signed_in: FlaskClient, session: Session) -> None:
    response = signed_in.post("/officer/funders/new", data={"name": "Health charity", "org_id": "GB-CHC-12"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "GB-CHC- numbers are 6 or 7 digits, like GB-CHC-1234567." in page_text(response)
    assert error_summary_problems(page) == []
    assert 'value="GB-CHC-12"' in page
    reread(session)
    assert session.scalar(select(Funder)) is None


def test_a_fund_needs_a_funder(signed_in: FlaskClient, session: Session) -> None:
    make_funder(session, name="Health charity")
    session.commit()
    response = signed_in.post("/officer/funds/new", data={"name": "Small grants", "description": ""})
    assert "Choose at least one funder for the fund." in page_text(response)
    assert error_summary_problems(response.get_data(as_text=True)) == []
    reread(session)
    assert session.scalar(select(Fund).where(Fund.name == "Small grants")) is None


def test_a_carried_over_funder_shows_its_org_id_missing_until_filled_in(
    signed_in: FlaskClient, session: Session
) -> None:
    funder = make_funder(session, name="Carried over")
    funder.org_id = None
    session.commit()
    assert "Org-id missing" in page_text(signed_in.get("/officer/funds"))
    response = signed_in.post(
        f"/officer/funders/{funder.id}/edit", data={"name": "Carried over", "org_id": "GB-NIC-100123"}
    )
    assert response.status_code == 302
    reread(session)
    assert funder.org_id == "GB-NIC-100123"


def test_changing_a_fund(signed_in: FlaskClient, session: Session) -> None:
    one, two = make_funder(session, name="One"), make_funder(session, name="Two")
    fund = make_fund(session, name="Small grants", funders=[one])
    session.commit()
    page = signed_in.get(f"/officer/funds/{fund.id}/edit").get_data(as_text=True)
    assert 'value="Small grants"' in page
    response = signed_in.post(
        f"/officer/funds/{fund.id}/edit",
        data={"name": "Community grants", "description": "", "funder_ids": [str(one.id), str(two.id)]},
    )
    assert response.status_code == 302
    reread(session)
    assert fund.name == "Community grants"
    assert [funder.name for funder in fund.funders] == ["One", "Two"]


def test_naming_a_rounds_funders_and_their_amounts(signed_in: FlaskClient, session: Session) -> None:
    one, two = make_funder(session, name="One"), make_funder(session, name="Two")
    grant_round = make_round(session, fund=make_fund(session, funders=[one, two]), budget_pence=1_000_000)
    session.commit()
    url = f"/officer/rounds/{grant_round.id}/funders"
    assert "Funders for this round" in page_text(signed_in.get(f"/officer/rounds/{grant_round.id}/edit"))
    text = page_text(signed_in.get(url))
    assert "The round's budget: £10,000" in text

    response = signed_in.post(url, data={f"amount_{one.id}": "£6,000", f"amount_{two.id}": "4000.00"})

    assert response.status_code == 302
    reread(session)
    assert sorted((row.funder.name, row.amount_pence) for row in grant_round.funders) == [
        ("One", 600_000),
        ("Two", 400_000),
    ]
    assert "(the whole budget)" in page_text(signed_in.get(url))


def test_amounts_above_the_budget_or_not_money_are_refused(signed_in: FlaskClient, session: Session) -> None:
    one, two = make_funder(session, name="One"), make_funder(session, name="Two")
    grant_round = make_round(session, fund=make_fund(session, funders=[one, two]), budget_pence=1_000_000)
    session.commit()
    url = f"/officer/rounds/{grant_round.id}/funders"

    response = signed_in.post(url, data={f"amount_{one.id}": "6000", f"amount_{two.id}": "lots"})
    assert "Enter Two's amount in pounds, like 25000" in page_text(response)
    assert 'value="lots"' in response.get_data(as_text=True)

    response = signed_in.post(url, data={f"amount_{one.id}": "6000", f"amount_{two.id}": "4000.01"})
    page = response.get_data(as_text=True)
    assert "add up to £10,000.01, more than the round's budget of £10,000.00" in page_text(response)
    assert error_summary_problems(page) == []
    assert 'value="4000.01"' in page
    reread(session)
    assert [(row.funder.name, row.amount_pence) for row in grant_round.funders] == [("One", 1_000_000)]
