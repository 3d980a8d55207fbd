"""The eligibility rules: every reason a group cannot apply, and what to do instead."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from portal.models.organisations import IncomeBand, OrganisationKind
from portal.services.applications import due_diligence, eligibility
from tests.factories import make_application, make_neighbourhood, make_organisation, make_round

GOOD = {"postcode": "WD24 4AB", "group": "unconstituted", "income": "under_10k", "purpose": ["activities", "equipment"]}


def test_a_group_that_meets_every_rule_can_apply(session: Session) -> None:
    grant_round = make_round(session, neighbourhoods=[make_neighbourhood(session, name="North Watford")])
    result = eligibility.check(grant_round, GOOD, neighbourhood="North Watford", contact="grants@example.org")
    assert result.eligible
    assert result.reasons == []


def test_every_reason_is_given_with_what_to_do_instead(session: Session) -> None:
    grant_round = make_round(
        session,
        neighbourhoods=[
            make_neighbourhood(session, name="North Watford"),
            make_neighbourhood(session, name="Borehamwood"),
        ],
        eligibility={"kinds": ["unconstituted", "charity"], "income_bands": ["under_10k"]},
    )
    answers = {"postcode": "M1 1AE", "group": "company", "income": "over_250k", "purpose": ["debts", "activities"]}

    result = eligibility.check(grant_round, answers, neighbourhood=None, contact="grants@example.org")

    assert not result.eligible
    whys = [reason.why for reason in result.reasons]
    assert whys == [
        "The postcode M1 1AE is not in the neighbourhoods this round funds: Borehamwood, North Watford.",
        "This round does not fund a company limited by guarantee.",
        "This round is for smaller groups. A yearly income of more than £250,000 a year is too large.",
        "This round does not fund: paying off debts.",
    ]
    assert "grants@example.org" in result.reasons[0].instead
    assert all(reason.instead for reason in result.reasons)


def test_defaults_when_the_round_says_nothing(session: Session) -> None:
    grant_round = make_round(session)
    assert eligibility.excluded_purposes(grant_round) == list(eligibility.DEFAULT_EXCLUDED)
    assert "company" in eligibility.allowed_kinds(grant_round)
    assert "over_250k" in eligibility.allowed_bands(grant_round)
    # With no neighbourhoods, any real postcode will do.
    assert eligibility.check(grant_round, GOOD, neighbourhood=None, contact="x").eligible
    grant_round.eligibility = {"excluded_purposes": []}
    assert eligibility.check(grant_round, GOOD | {"purpose": ["debts"]}, neighbourhood=None, contact="x").eligible


def test_the_first_unanswered_question(session: Session) -> None:
    grant_round = make_round(
        session,
        neighbourhoods=[make_neighbourhood(session)],
        eligibility={"kinds": ["charity"], "income_bands": ["under_10k"]},
    )
    assert eligibility.first_missing(grant_round, {}) == "postcode"
    assert eligibility.first_missing(grant_round, {"postcode": "WD24 4AB", "group": "other"}) == "income"
    assert eligibility.first_missing(grant_round, GOOD) is None


@pytest.mark.parametrize(
    ("rules", "with_area", "asked"),
    [
        ({}, True, ["postcode", "purpose"]),
        ({}, False, ["purpose"]),
        ({"excluded_purposes": []}, False, []),
        ({"kinds": ["unconstituted"], "excluded_purposes": []}, False, ["group"]),
        ({"income_bands": ["under_10k"]}, True, ["postcode", "income", "purpose"]),
        ({"kinds": ["unconstituted"], "income_bands": ["under_10k"]}, True, ["postcode", "group", "income", "purpose"]),
    ],
)
def test_the_checker_asks_exactly_the_rounds_questions(
    session: Session, rules: dict[str, object], with_area: bool, asked: list[str]
) -> None:
    places = [make_neighbourhood(session)] if with_area else []
    grant_round = make_round(session, eligibility=rules, neighbourhoods=places)
    assert eligibility.questions_for(grant_round) == asked
    # Answers to the questions asked are all the check needs.
    assert eligibility.check(grant_round, {q: GOOD[q] for q in asked}, neighbourhood="Here", contact="x").eligible


def test_the_checker_and_the_officers_checklist_apply_the_same_rules(session: Session) -> None:
    place = make_neighbourhood(session)
    grant_round = make_round(
        session, neighbourhoods=[place], eligibility={"kinds": ["charity"], "income_bands": ["under_10k"]}
    )
    group = make_organisation(session, kind=OrganisationKind.CIC)
    group.income_band = IncomeBand.FROM_10K_TO_50K
    application = make_application(session, grant_round=grant_round, organisation=group)
    answers = {"postcode": "WD24 4AB", "group": "cic", "income": "10k_to_50k", "purpose": ["activities"]}
    from_checker = eligibility.failed_rules(
        grant_round, in_area=False, kind=answers["group"], income_band=answers["income"], purposes=answers["purpose"]
    )
    assert from_checker == ["postcode", "group", "income"]
    checks = {c.what: c.passed for c in due_diligence.checklist(session, application)}
    assert checks["Works in one of the round's neighbourhoods"] is False
    assert checks["A kind of group the round funds"] is False
    assert checks["A yearly income the round funds"] is False
    group.kind, group.income_band, group.neighbourhood_id = OrganisationKind.CHARITY, IncomeBand.UNDER_10K, place.id
    checks = {c.what: c.passed for c in due_diligence.checklist(session, application)}
    assert checks["A kind of group the round funds"] is True
    assert checks["A yearly income the round funds"] is True
    assert checks["Works in one of the round's neighbourhoods"] is True
