"""Funds, their funders and what each funder puts into a round."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.errors import DomainError
from portal.models.audit import AuditAction, AuditEntry
from portal.models.users import User
from portal.services.funders import funds
from tests.factories import make_fund, make_funder, make_round


def actions(session: Session) -> list[str]:
    return list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_a_funder_is_created_with_a_checked_org_id_and_audited(session: Session, officer: User) -> None:
    funder = funds.create_funder(session, "  Watford   Council ", "gb-coh-01234567", by=officer)
    assert (funder.name, funder.org_id) == ("Watford Council", "GB-COH-01234567")
    assert AuditAction.FUNDER_CREATED in actions(session)

    with pytest.raises(DomainError, match="GB-CHC- numbers are 6 or 7 digits"):
        funds.create_funder(session, "Another", "GB-CHC-12", by=officer)
    with pytest.raises(DomainError, match="already a funder called Watford Council"):
        funds.create_funder(session, "watford council", "GB-CHC-1234567", by=officer)
    with pytest.raises(DomainError, match="Watford Council already has the org-id GB-COH-01234567"):
        funds.create_funder(session, "Someone else", "GB-COH-01234567", by=officer)


def test_a_funder_carried_over_without_an_org_id_gets_one(session: Session, officer: User) -> None:
    funder = make_funder(session, name="Carried over")
    funder.org_id = None
    funds.change_funder(session, funder, "Carried over", "GB-CHC-1234567", by=officer)
    assert funder.org_id == "GB-CHC-1234567"
    assert AuditAction.FUNDER_CHANGED in actions(session)


def test_a_fund_has_one_or_more_funders(session: Session, officer: User) -> None:
    one = funds.create_funder(session, "Health charity", "GB-CHC-1234567", by=officer)
    two = funds.create_funder(session, "Council", "360G-council", by=officer)
    fund = funds.create_fund(session, funds.FundSettings("Small grants", "Up to £5,000", (one.id, two.id)), by=officer)
    assert [funder.name for funder in fund.funders] == ["Council", "Health charity"]
    assert AuditAction.FUND_CREATED in actions(session)

    with pytest.raises(DomainError, match="at least one funder"):
        funds.create_fund(session, funds.FundSettings("Empty", "", ()), by=officer)
    with pytest.raises(DomainError, match="already a fund called Small grants"):
        funds.create_fund(session, funds.FundSettings("small grants", "", (one.id,)), by=officer)

    funds.change_fund(session, fund, funds.FundSettings("Small grants", "", (one.id,)), by=officer)
    assert fund.funders == [one]


def test_a_funder_with_money_in_a_round_stays_on_its_fund(session: Session, officer: User) -> None:
    one, two = make_funder(session, name="One"), make_funder(session, name="Two")
    fund = make_fund(session, funders=[one, two])
    make_round(session, fund=fund)  # its first funder, One, puts in the budget
    with pytest.raises(DomainError, match="One puts money into a round of this fund"):
        funds.change_fund(session, fund, funds.FundSettings(fund.name, "", (two.id,)), by=officer)


def test_round_funders_and_their_amounts(session: Session, officer: User) -> None:
    one, two = make_funder(session, name="One"), make_funder(session, name="Two")
    grant_round = make_round(session, fund=make_fund(session, funders=[one, two]), budget_pence=1_000_000)
    funds.set_round_funders(session, grant_round, {one.id: 600_000, two.id: 400_000}, by=officer)
    assert sorted((row.funder.name, row.amount_pence) for row in grant_round.funders) == [
        ("One", 600_000),
        ("Two", 400_000),
    ]
    assert funds.round_funder_names(grant_round) == ["One", "Two"]
    assert AuditAction.ROUND_FUNDERS_CHANGED in actions(session)

    funds.set_round_funders(session, grant_round, {one.id: 0, two.id: 500_000}, by=officer)
    session.flush()
    assert [(row.funder.name, row.amount_pence) for row in grant_round.funders] == [("Two", 500_000)]


def test_amounts_above_the_budget_are_refused(session: Session, officer: User) -> None:
    one, two = make_funder(session, name="One"), make_funder(session, name="Two")
    grant_round = make_round(session, fund=make_fund(session, funders=[one, two]), budget_pence=1_000_000)
    with pytest.raises(DomainError) as refused:
        funds.set_round_funders(session, grant_round, {one.id: 600_000, two.id: 400_001}, by=officer)
    assert refused.value.message == (
        "The funders' amounts add up to £10,000.01, more than the round's budget of £10,000.00. "
        "Lower an amount or raise the budget."
    )


def test_funders_of_another_fund_are_refused(session: Session, officer: User) -> None:
    grant_round = make_round(session, fund=make_fund(session, funders=[make_funder(session, name="Ours")]))
    theirs = make_funder(session, name="Theirs")
    make_fund(session, funders=[theirs])
    with pytest.raises(DomainError, match="Only the funders of this round's fund"):
        funds.set_round_funders(session, grant_round, {theirs.id: 100}, by=officer)


def test_the_public_sentence_names_every_funder(session: Session, officer: User) -> None:
    one, two, three = (make_funder(session, name=name) for name in ("One", "Two", "Three"))
    grant_round = make_round(session, fund=make_fund(session, funders=[one, two, three]), budget_pence=1_000_000)
    assert funds.funded_by(grant_round) == "Funded by One."
    funds.set_round_funders(session, grant_round, {one.id: 100, two.id: 300, three.id: 200}, by=officer)
    assert funds.funded_by(grant_round) == "Funded by Two, Three and One."
    funds.set_round_funders(session, grant_round, {}, by=officer)
    assert funds.funded_by(grant_round) == ""
