"""Where an application stands, in the applicant's words: a timeline and what comes next.

The timeline is read from the audit log, keeping only the entries a group
should see and saying them in plain words. Officers' notes and internal steps
never appear.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from portal.formatting import date_long, time_and_date, uk_time
from portal.infra.i18n import _l, gettext
from portal.models.applications import Application, ApplicationStatus, InfoRequest
from portal.models.audit import AuditAction, AuditEntry
from portal.models.awards import Award, Decision, DecisionOutcome, MonitoringReport, Payment
from portal.services.rounds import stages

# Audit action -> what the group reads on its status page.
APPLICANT_TIMELINE: dict[AuditAction, str] = {
    AuditAction.APPLICATION_STARTED: _l("You started the application"),
    AuditAction.APPLICATION_EOI_SUBMITTED: _l("You sent your expression of interest"),
    AuditAction.APPLICATION_INVITED: _l("We invited you to send a full application"),
    AuditAction.APPLICATION_SUBMITTED: _l("You sent the application"),
    AuditAction.MORE_INFORMATION_REQUESTED: _l("We asked you for more information"),
    AuditAction.MORE_INFORMATION_SENT: _l("You sent the information we asked for"),
    AuditAction.APPLICATION_MARKED_ELIGIBLE: _l("We checked your application and passed it to the panel"),
    AuditAction.APPLICATION_MARKED_INELIGIBLE: _l("We found that your application is not eligible"),
    AuditAction.APPLICATION_APPROVED: _l("We decided to fund your project"),
    AuditAction.APPLICATION_DECLINED: _l("We decided not to fund your project"),
    AuditAction.APPLICATION_WITHDRAWN: _l("You withdrew the application"),
    AuditAction.AWARD_OFFERED: _l("We offered you a grant"),
    AuditAction.AWARD_ACCEPTED: _l("You accepted the grant"),
    AuditAction.BANK_DETAILS_ADDED: _l("You gave your bank details"),
    AuditAction.PAYMENT_MADE: _l("We paid your grant"),
    AuditAction.REPORT_SUBMITTED: _l("You sent a report"),
    AuditAction.REPORT_CHANGES_REQUESTED: _l("We asked you to change a report"),
    AuditAction.REPORT_ACCEPTED: _l("We accepted your report"),
    AuditAction.AWARD_MESSAGE_SENT: _l("A message about the grant (read it under Messages on the grant's page)"),
    AuditAction.AWARD_CLOSED: _l("Your grant is complete"),
    AuditAction.AWARD_CANCELLED: _l("The grant was cancelled"),
}


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    text: str


def timeline(session: Session, application: Application) -> list[TimelineEntry]:
    """What has happened to the application, oldest first."""
    award_id = session.scalar(select(Award.id).where(Award.application_id == application.id))
    objects = [and_(AuditEntry.object_type == "Application", AuditEntry.object_id == application.id)]
    request_ids = select(InfoRequest.id).where(InfoRequest.application_id == application.id)
    objects.append(and_(AuditEntry.object_type == "InfoRequest", AuditEntry.object_id.in_(request_ids)))
    if award_id is not None:
        objects.append(and_(AuditEntry.object_type == "Award", AuditEntry.object_id == award_id))
        payments = select(Payment.id).where(Payment.award_id == award_id)
        reports = select(MonitoringReport.id).where(MonitoringReport.award_id == award_id)
        objects.append(and_(AuditEntry.object_type == "Payment", AuditEntry.object_id.in_(payments)))
        objects.append(and_(AuditEntry.object_type == "MonitoringReport", AuditEntry.object_id.in_(reports)))
    entries = session.scalars(
        select(AuditEntry)
        .where(or_(*objects), AuditEntry.action.in_(list(APPLICANT_TIMELINE)))
        .order_by(AuditEntry.created_at, AuditEntry.id)
    )
    return [TimelineEntry(entry.created_at, str(APPLICANT_TIMELINE[AuditAction(entry.action)])) for entry in entries]


def next_step(application: Application) -> str:
    """What happens next, in one or two sentences."""
    status = application.status
    decisions_by = application.round.decisions_by
    hear_by = (
        " " + gettext("We aim to tell you our decision by %(date)s.", date=date_long(uk_time(decisions_by)))
        if decisions_by
        else ""
    )
    if status is ApplicationStatus.DRAFT:
        closes = time_and_date(stages.closes_at(application))
        if stages.at_first_stage(application):
            return gettext("Finish each section and send your expression of interest by %(closes)s.", closes=closes)
        return gettext("Finish each section and send your application by %(closes)s.", closes=closes)
    if status is ApplicationStatus.EOI_SUBMITTED:
        return gettext(
            "After expressions of interest close, our grants officers choose a shortlist. We will email you: "
            "if your idea is shortlisted, we invite you to send a full application."
        )
    if status in (ApplicationStatus.SUBMITTED, ApplicationStatus.ELIGIBILITY_CHECK):
        return gettext("We are checking that your group and project can be funded by this round.") + hear_by
    if status is ApplicationStatus.MORE_INFO:
        return gettext("We need more information before we can go on. Answer our question below.")
    if status in (ApplicationStatus.WITH_PANEL, ApplicationStatus.SCORED):
        return (
            gettext("A panel of local people with lived experience is reading and scoring your application.") + hear_by
        )
    if status is ApplicationStatus.APPROVED:
        return gettext("Read your grant offer and accept it, then give us your bank details so we can pay you.")
    if status is ApplicationStatus.DECLINED:
        if application.eoi_submitted_at is not None and application.invited_at is None:
            return gettext(
                "We are sorry we cannot shortlist your idea this time. You are welcome to apply to future rounds."
            )
        return gettext("We are sorry we cannot fund your project this time. You are welcome to apply to future rounds.")
    if status is ApplicationStatus.INELIGIBLE:
        return gettext("Your application cannot go further in this round. You are welcome to apply to future rounds.")
    return gettext("This application is closed.")


def outcome_message(session: Session, application: Application) -> str | None:
    """The reason or feedback the programme gave the group, when there is one."""
    if application.status in (ApplicationStatus.APPROVED, ApplicationStatus.DECLINED):
        decision = session.scalar(select(Decision).where(Decision.application_id == application.id))
        if decision is not None and decision.feedback:
            return decision.feedback
        if decision is not None and decision.outcome is DecisionOutcome.DECLINE:
            return None
    if application.status is ApplicationStatus.INELIGIBLE:
        return application.ineligible_reason
    return None


def open_question(application: Application) -> InfoRequest | None:
    """The officer's unanswered question, while the application waits for more information."""
    if application.status is not ApplicationStatus.MORE_INFO:
        return None
    unanswered = [request for request in application.info_requests if request.answer is None]
    return unanswered[-1] if unanswered else None
