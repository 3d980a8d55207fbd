"""The state machines of DESIGN §4, checked for every pair of states."""

from __future__ import annotations

import itertools

import pytest

from portal.errors import DomainError, IllegalTransition
from portal.models.applications import Application, ApplicationStatus
from portal.models.awards import Award, AwardStatus
from portal.workflow import (
    APPLICATION_LABELS,
    APPLICATION_TRANSITIONS,
    AWARD_LABELS,
    AWARD_TRANSITIONS,
    LIVE_AWARD_STATES,
    advance_application,
    advance_award,
)

A = ApplicationStatus
W = AwardStatus

# The design, written out in full so that a change to workflow.py has to be
# made here too, on purpose.
LEGAL_APPLICATION_STEPS = {
    (A.DRAFT, A.SUBMITTED),
    # Two stages: the expression of interest, then an invitation back to a draft, or not shortlisted.
    (A.DRAFT, A.EOI_SUBMITTED),
    (A.EOI_SUBMITTED, A.DRAFT),
    (A.EOI_SUBMITTED, A.DECLINED),
    (A.SUBMITTED, A.ELIGIBILITY_CHECK),
    (A.SUBMITTED, A.INELIGIBLE),
    (A.ELIGIBILITY_CHECK, A.MORE_INFO),
    (A.ELIGIBILITY_CHECK, A.WITH_PANEL),
    (A.ELIGIBILITY_CHECK, A.INELIGIBLE),
    (A.MORE_INFO, A.SUBMITTED),
    (A.WITH_PANEL, A.SCORED),
    (A.SCORED, A.APPROVED),
    (A.SCORED, A.DECLINED),
    (A.SCORED, A.INELIGIBLE),
} | {
    (state, A.WITHDRAWN)
    for state in (A.DRAFT, A.EOI_SUBMITTED, A.SUBMITTED, A.ELIGIBILITY_CHECK, A.MORE_INFO, A.WITH_PANEL, A.SCORED)
}

LEGAL_AWARD_STEPS = {
    (W.OFFERED, W.ACCEPTED),
    (W.ACCEPTED, W.PAID),
    (W.PAID, W.REPORT_DUE),
    (W.REPORT_DUE, W.CLOSED),
} | {(state, W.CANCELLED) for state in (W.OFFERED, W.ACCEPTED, W.PAID, W.REPORT_DUE)}


@pytest.mark.parametrize(("current", "target"), list(itertools.product(A, A)))
def test_application_transition(current: ApplicationStatus, target: ApplicationStatus) -> None:
    application = Application(status=current)
    if (current, target) in LEGAL_APPLICATION_STEPS:
        advance_application(application, target)
        assert application.status is target
    else:
        with pytest.raises(IllegalTransition) as refused:
            advance_application(application, target)
        assert application.status is current
        assert APPLICATION_LABELS[current].lower() in refused.value.message


@pytest.mark.parametrize(("current", "target"), list(itertools.product(W, W)))
def test_award_transition(current: AwardStatus, target: AwardStatus) -> None:
    award = Award(status=current)
    if (current, target) in LEGAL_AWARD_STEPS:
        advance_award(award, target)
        assert award.status is target
    else:
        with pytest.raises(IllegalTransition) as refused:
            advance_award(award, target)
        assert award.status is current
        assert AWARD_LABELS[current].lower() in refused.value.message


def test_tables_cover_every_state_and_nothing_else() -> None:
    assert set(APPLICATION_TRANSITIONS) == set(A)
    assert set(AWARD_TRANSITIONS) == set(W)
    assert {(s, t) for s, ts in APPLICATION_TRANSITIONS.items() for t in ts} == LEGAL_APPLICATION_STEPS
    assert {(s, t) for s, ts in AWARD_TRANSITIONS.items() for t in ts} == LEGAL_AWARD_STEPS


def test_terminal_states_lead_nowhere() -> None:
    for state in (A.APPROVED, A.DECLINED, A.INELIGIBLE, A.WITHDRAWN):
        assert APPLICATION_TRANSITIONS[state] == frozenset()
    for state in (W.CLOSED, W.CANCELLED):
        assert AWARD_TRANSITIONS[state] == frozenset()


def test_only_cancelled_awards_give_money_back() -> None:
    assert set(W) - LIVE_AWARD_STATES == {W.CANCELLED}


def test_every_state_has_a_plain_label() -> None:
    assert set(APPLICATION_LABELS) == set(A)
    assert set(AWARD_LABELS) == set(W)
    assert all(label and label[0].isupper() for label in [*APPLICATION_LABELS.values(), *AWARD_LABELS.values()])


def test_refusal_is_a_domain_error_with_a_plain_message() -> None:
    application = Application(status=A.APPROVED)
    with pytest.raises(DomainError, match="This application is approved, so it cannot be marked draft"):
        advance_application(application, A.DRAFT)
