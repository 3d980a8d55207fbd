"""When an award is finished: the one rule that closes it, asked whenever a report is accepted or money paid."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from portal.models.audit import AuditAction
from portal.models.awards import Award, AwardStatus
from portal.models.users import User
from portal.services import audit
from portal.workflow import advance_award

# The award's own steps to closed, from each state that may reach it.
_STEPS_TO_CLOSED = {
    AwardStatus.ACCEPTED: (AwardStatus.PAID, AwardStatus.REPORT_DUE, AwardStatus.CLOSED),
    AwardStatus.PAID: (AwardStatus.REPORT_DUE, AwardStatus.CLOSED),
    AwardStatus.REPORT_DUE: (AwardStatus.CLOSED,),
}


def all_reports_accepted(award: Award) -> bool:
    """The award has reports and an officer has accepted every one."""
    return bool(award.reports) and all(report.accepted_at is not None for report in award.reports)


def money_settled(award: Award) -> bool:
    """Nothing is left to pay: every penny of the award has been paid out."""
    return award.paid_pence() >= award.amount_pence


def may_close(award: Award) -> bool:
    """An accepted award is finished once its last report is accepted and all its money is paid.
    (A grant that stops early is cancelled instead, which gives its unpaid money back to the budget.)"""
    return award.status in _STEPS_TO_CLOSED and all_reports_accepted(award) and money_settled(award)


def close_if_finished(session: Session, award: Award, *, by: User) -> bool:
    """Close the award when ``may_close`` says it is finished. True when this closed it.

    The award's row is held first and its reports and payments read afresh, so two officers accepting
    its last two reports at once (or one paying as the other accepts) are taken in turn: whichever
    goes second sees the first's step and closes the award."""
    session.execute(
        update(Award)
        .where(Award.id == award.id)
        .values(status=Award.status)
        .execution_options(synchronize_session=False)
    )
    for row in (award, *award.reports, *award.payments):
        session.expire(row)
    if not may_close(award):
        return False
    for step in _STEPS_TO_CLOSED[award.status]:
        advance_award(award, step)
    audit.record(session, by, AuditAction.AWARD_CLOSED, award, "Every report accepted and the money paid")
    session.flush()
    return True
