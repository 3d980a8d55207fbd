"""The application and award state machines (DESIGN §4).

Every change of status goes through ``advance_application`` or
``advance_award``, which refuse any step not listed here.
"""

from __future__ import annotations

from collections.abc import Mapping

from portal.errors import IllegalTransition
from portal.infra.i18n import _l, gettext
from portal.models.applications import Application, ApplicationStatus
from portal.models.awards import Award, AwardStatus

A = ApplicationStatus
W = AwardStatus

# Withdrawal is open to the group until a decision is made.
_WITHDRAWABLE = frozenset(
    {A.DRAFT, A.EOI_SUBMITTED, A.SUBMITTED, A.ELIGIBILITY_CHECK, A.MORE_INFO, A.WITH_PANEL, A.SCORED}
)

_APPLICATION_STEPS: Mapping[ApplicationStatus, frozenset[ApplicationStatus]] = {
    # A two-stage round's draft goes first as an expression of interest; officers then invite the
    # group to the full application (back to a draft) or do not shortlist it (declined).
    A.DRAFT: frozenset({A.SUBMITTED, A.EOI_SUBMITTED}),
    A.EOI_SUBMITTED: frozenset({A.DRAFT, A.DECLINED}),
    A.SUBMITTED: frozenset({A.ELIGIBILITY_CHECK, A.INELIGIBLE}),
    A.ELIGIBILITY_CHECK: frozenset({A.MORE_INFO, A.WITH_PANEL, A.INELIGIBLE}),
    A.MORE_INFO: frozenset({A.SUBMITTED}),
    A.WITH_PANEL: frozenset({A.SCORED}),
    # Not eligible after scoring: due diligence can still find a problem before the offer is made.
    A.SCORED: frozenset({A.APPROVED, A.DECLINED, A.INELIGIBLE}),
    A.APPROVED: frozenset(),
    A.DECLINED: frozenset(),
    A.INELIGIBLE: frozenset(),
    A.WITHDRAWN: frozenset(),
}
APPLICATION_TRANSITIONS: Mapping[ApplicationStatus, frozenset[ApplicationStatus]] = {
    state: targets | {A.WITHDRAWN} if state in _WITHDRAWABLE else targets
    for state, targets in _APPLICATION_STEPS.items()
}

AWARD_TRANSITIONS: Mapping[AwardStatus, frozenset[AwardStatus]] = {
    W.OFFERED: frozenset({W.ACCEPTED, W.CANCELLED}),
    W.ACCEPTED: frozenset({W.PAID, W.CANCELLED}),
    W.PAID: frozenset({W.REPORT_DUE, W.CANCELLED}),
    W.REPORT_DUE: frozenset({W.CLOSED, W.CANCELLED}),
    W.CLOSED: frozenset(),
    W.CANCELLED: frozenset(),
}

# Awards in these states hold money against the round's budget.
LIVE_AWARD_STATES = frozenset({W.OFFERED, W.ACCEPTED, W.PAID, W.REPORT_DUE, W.CLOSED})

APPLICATION_LABELS: Mapping[ApplicationStatus, str] = {
    A.DRAFT: _l("Draft"),
    A.EOI_SUBMITTED: _l("Expression of interest"),
    A.SUBMITTED: _l("Submitted"),
    A.ELIGIBILITY_CHECK: _l("Being checked"),
    A.MORE_INFO: _l("More information needed"),
    A.WITH_PANEL: _l("With the panel"),
    A.SCORED: _l("Scored by the panel"),
    A.APPROVED: _l("Approved"),
    A.DECLINED: _l("Not funded"),
    A.INELIGIBLE: _l("Not eligible"),
    A.WITHDRAWN: _l("Withdrawn"),
}

AWARD_LABELS: Mapping[AwardStatus, str] = {
    W.OFFERED: _l("Offered"),
    W.ACCEPTED: _l("Accepted"),
    W.PAID: _l("Paid"),
    W.REPORT_DUE: _l("Report due"),
    W.CLOSED: _l("Closed"),
    W.CANCELLED: _l("Cancelled"),
}


def can_advance_application(current: ApplicationStatus, target: ApplicationStatus) -> bool:
    return target in APPLICATION_TRANSITIONS[current]


def can_advance_award(current: AwardStatus, target: AwardStatus) -> bool:
    return target in AWARD_TRANSITIONS[current]


def advance_application(application: Application, target: ApplicationStatus) -> None:
    """Move an application to ``target`` or raise IllegalTransition."""
    current = application.status
    if not can_advance_application(current, target):
        raise IllegalTransition(
            gettext(
                "This application is %(lower)s, so it cannot be marked %(lower2)s.",
                lower=APPLICATION_LABELS[current].lower(),
                lower2=APPLICATION_LABELS[target].lower(),
            )
        )
    application.status = target


def advance_award(award: Award, target: AwardStatus) -> None:
    """Move an award to ``target`` or raise IllegalTransition."""
    current = award.status
    if not can_advance_award(current, target):
        raise IllegalTransition(
            gettext(
                "This award is %(lower)s, so it cannot be marked %(lower2)s.",
                lower=AWARD_LABELS[current].lower(),
                lower2=AWARD_LABELS[target].lower(),
            )
        )
    award.status = target
