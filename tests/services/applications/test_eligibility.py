"""The eligibility rules: every reason a group cannot apply, and what to do instead."""

from __future__ import annotations

from sqlalchemy.orm import Session

from portal.services.applications import eligibility
from tests.factories import make_neighbourhood, make_round

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


def test_the_first_unanswered_question() -> None:
    assert eligibility.first_missing({}) == "postcode"
    assert eligibility.first_missing({"postcode": "WD24 4AB", "group": "other"}) == "income"
    assert eligibility.first_missing(GOOD) is None
