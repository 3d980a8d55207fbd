"""What the eligibility checker was told, read for the group's profile."""

from __future__ import annotations

from portal.services.applications.prefill import Told, told_in_checker


def test_the_rounds_own_answers_come_first_then_the_last_round_checked() -> None:
    answers = {
        "spring": {"postcode": "WD24 4AB", "group": "charity", "income": "under_10k"},
        "autumn": {"postcode": "WD17 1AA", "group": "cic"},
    }
    assert told_in_checker(answers, "spring") == Told("charity", "WD24 4AB", "under_10k")
    assert told_in_checker(answers, None) == Told("cic", "WD17 1AA", None)
    assert told_in_checker(answers, "unknown") == Told("cic", "WD17 1AA", None)


def test_answers_that_are_not_choices_the_profile_offers_are_ignored() -> None:
    told = told_in_checker({"r": {"group": "made-up", "income": "lots", "postcode": "  "}})
    assert told == Told()
    assert not told
