"""A group accepting the grant it was offered.

Accepting is a conditional UPDATE (``WHERE status = 'offered'``): a double tap
or two members accepting at once record one acceptance, create the award's
reports (one per entry of its report schedule, each with its due date) and
send one set of emails.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from portal.errors import DomainError
from portal.infra.database import rowcount
from portal.infra.i18n import _l, gettext
from portal.models.audit import AuditAction
from portal.models.awards import Award, AwardStatus
from portal.models.base import utcnow
from portal.models.users import User
from portal.services import audit
from portal.services.awards import budget_totals, report_schedules
from portal.services.messages import notify
from portal.services.messages.links import absolute_url, programme_email
from portal.workflow import can_advance_award


def may_accept(award: Award) -> bool:
    """Whether the grant is still on offer to the group."""
    return award.status is AwardStatus.OFFERED


def is_running(award: Award) -> bool:
    """Accepted and not yet closed or cancelled: the group gives bank details and writes its report."""
    return award.status in (AwardStatus.ACCEPTED, AwardStatus.PAID, AwardStatus.REPORT_DUE)


def accept_award(session: Session, award: Award, *, by: User, name: str, agreed: bool) -> bool:
    """Record the acceptance. True when this call accepted; False when it was already accepted."""
    name = name.strip()
    if not name:
        raise DomainError(gettext("Enter your full name"))
    if not agreed:
        raise DomainError(gettext("Tick the box to accept the grant and its conditions"))
    if award.status is not AwardStatus.OFFERED:
        if award.accepted_at is not None:
            return False
        raise DomainError(gettext("This grant can no longer be accepted."))
    assert can_advance_award(AwardStatus.OFFERED, AwardStatus.ACCEPTED)
    now = utcnow()
    claimed = rowcount(
        session.execute(
            update(Award)
            .where(Award.id == award.id, Award.status == AwardStatus.OFFERED)
            .values(
                status=AwardStatus.ACCEPTED,
                accepted_at=now,
                accepted_by_id=by.id,
                accepted_name=name[:200],
            )
            .execution_options(synchronize_session=False)
        )
    )
    session.refresh(award)
    if claimed != 1:
        return False
    budget_totals.offer_accepted(session, award)
    report_schedules.start_reports(session, award, accepted_on=now.date())
    reference = award.application.reference
    audit.record(
        session,
        by,
        AuditAction.AWARD_ACCEPTED,
        award,
        f"Accepted by {name} for {award.application.organisation.name}",
    )
    notify.queue_email(
        session,
        to=by.email,
        subject=_l("You have accepted your grant for %(reference)s", reference=reference),
        template="award_accepted",
        award=award,
        user=by,
        award_url=absolute_url("apply.award", award_id=award.id),
    )
    team = programme_email()
    if team:
        notify.queue_email(
            session,
            to=team,
            subject=_l("Grant accepted: %(reference)s", reference=reference),
            template="award_accepted_team",
            award=award,
            name=name,
        )
    session.flush()
    return True
