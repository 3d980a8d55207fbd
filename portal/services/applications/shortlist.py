"""Officers' side of a two-stage round: inviting a group from its expression of interest to the full
application. Not shortlisting it is a decline (``decisions.decline``), with the round's reasons."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from portal.errors import DomainError
from portal.formatting import time_and_date
from portal.infra.database import rowcount
from portal.infra.i18n import _l, gettext
from portal.models.applications import Application, ApplicationStatus
from portal.models.audit import AuditAction
from portal.models.base import utcnow
from portal.models.users import User
from portal.services import audit
from portal.services.applications import organisations
from portal.services.messages import notify
from portal.services.messages.links import absolute_url
from portal.services.rounds import stages
from portal.workflow import can_advance_application

NOT_WAITING = _l("This expression of interest has already been dealt with: the page you were on was out of date.")


def invite(session: Session, application: Application, *, by: User) -> None:
    """Open the full application to the group: the draft again, asking everything, its answers kept."""
    if not stages.may_shortlist(application):
        raise DomainError(NOT_WAITING)
    closing = application.round.full_applications_close_at
    if closing is None or closing <= utcnow():
        raise DomainError(gettext("Full applications for this round have closed, so the group cannot be invited."))
    assert can_advance_application(ApplicationStatus.EOI_SUBMITTED, ApplicationStatus.DRAFT)
    claimed = rowcount(
        session.execute(
            update(Application)
            .where(Application.id == application.id, Application.status == ApplicationStatus.EOI_SUBMITTED)
            .values(
                status=ApplicationStatus.DRAFT,
                invited_at=utcnow(),
                version=Application.version + 1,
                # The full application has a deadline of its own, with reminders of its own.
                week_reminder_sent_at=None,
                day_reminder_sent_at=None,
            )
            .execution_options(synchronize_session=False)
        )
    )
    session.refresh(application)
    if claimed != 1:  # another officer dealt with it a moment ago
        raise DomainError(NOT_WAITING)
    audit.record(session, by, AuditAction.APPLICATION_INVITED, application, f"closes {closing.date().isoformat()}")
    for email in organisations.members_emails(session, application.organisation_id):
        notify.queue_email(
            session,
            to=email,
            subject=_l("You are invited to send a full application (%(reference)s)", reference=application.reference),
            template="eoi_invited",
            application=application,
            closes=time_and_date(closing),
            form_url=absolute_url("apply.task_list", application_id=application.id),
        )
    session.flush()
