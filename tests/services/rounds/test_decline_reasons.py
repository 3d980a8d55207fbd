"""Decline reasons per round: new rounds start with the defaults; officers reword, add, retire and reorder them."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.errors import DomainError
from portal.models.applications import ApplicationStatus
from portal.models.awards import Decision
from portal.models.users import User
from portal.services.awards import decisions
from portal.services.rounds import decline_reasons
from portal.services.rounds.decline_reasons import DEFAULT_DECLINE_REASONS
from tests.factories import make_application, make_organisation, make_round


def codes(grant_round: object) -> list[str]:
    return [reason.code for reason in decline_reasons.offered(grant_round)]  # type: ignore[arg-type]


def test_a_new_round_starts_with_the_default_reasons(session: Session) -> None:
    grant_round = make_round(session)
    assert codes(grant_round) == list(DEFAULT_DECLINE_REASONS)


def test_officers_change_a_rounds_reasons(session: Session, officer: User) -> None:
    grant_round = make_round(session)
    other = make_round(session)
    added = decline_reasons.add(session, grant_round, by=officer, words="The group works outside Hertfordshire.")
    assert added.words == "The group works outside Hertfordshire"
    assert added.code == "the_group_works_outside_hertfo"
    with pytest.raises(DomainError, match="already offers"):
        decline_reasons.add(session, grant_round, by=officer, words="the group works outside hertfordshire")
    with pytest.raises(DomainError, match="Enter the reason"):
        decline_reasons.add(session, grant_round, by=officer, words="  ")
    decline_reasons.reword(session, grant_round, "need", by=officer, words="Not enough local need was shown")
    decline_reasons.set_retired(session, grant_round, "already_funded", by=officer, retired=True)
    decline_reasons.move(session, grant_round, added.code, by=officer, up=True)
    assert codes(grant_round) == ["budget", "fit", "need", added.code, "plan"]
    assert codes(other) == list(DEFAULT_DECLINE_REASONS)
    # Retired reasons still read, for decisions that gave them.
    assert decline_reasons.words_for(grant_round)["already_funded"] == DEFAULT_DECLINE_REASONS["already_funded"]


def test_the_last_offered_reason_cannot_be_retired(session: Session, officer: User) -> None:
    grant_round = make_round(session)
    for code in list(DEFAULT_DECLINE_REASONS)[1:]:
        decline_reasons.set_retired(session, grant_round, code, by=officer, retired=True)
    with pytest.raises(DomainError, match="at least one reason"):
        decline_reasons.set_retired(session, grant_round, "budget", by=officer, retired=True)


def test_declining_offers_and_stores_the_rounds_reasons(session: Session, officer: User) -> None:
    grant_round = make_round(session)
    mine = decline_reasons.add(session, grant_round, by=officer, words="Apply to the youth fund instead")
    decline_reasons.set_retired(session, grant_round, "plan", by=officer, retired=True)
    application = make_application(
        session, grant_round=grant_round, organisation=make_organisation(session), status=ApplicationStatus.SCORED
    )
    decisions.decline(session, application, by=officer, reasons=[mine.code, "plan", "budget"], feedback="")
    decision = session.scalars(select(Decision)).one()
    assert decision.reason_codes == [mine.code, "budget"]
    assert decision.feedback == (
        "Apply to the youth fund instead. We had more good applications than money to fund them."
    )
