"""Officers' decisions: routing after the checks, asking for more information, approving and declining.

The round's budget is never overspent: approving reserves the money with one
conditional UPDATE (``committed + amount <= budget``) in the approving
transaction, so however many officers approve at once, only the approvals
that fit succeed; the others get a clear message with the budget left. The
database's CHECK constraint (committed <= budget) backs this up.

Awards above the round's threshold need a second, different officer: the
first approval reserves the money and records the decision; the offer goes
out only when the second officer confirms, or the second officer returns it
to the first (with a reason) and the money goes back to the budget. Money
reserved for an approval never outlives it: returning it, declining the
application, marking it not eligible or its withdrawal all release it
(``drop_pending_approval``). Confirming and removing a waiting approval are
each one conditional statement, so when two officers act at once only one wins.
Approving and declining first claim the application (``_claim``), so officers
deciding one application at once decide it one after the other: the first
decides, the rest are told it is already decided, and nothing they reserved
is left behind.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, exists, select, update
from sqlalchemy.orm import Session, aliased, joinedload

from portal.errors import DomainError
from portal.formatting import pounds
from portal.infra.database import rowcount
from portal.infra.i18n import _l, gettext
from portal.models.applications import Application, ApplicationNote, ApplicationStatus, InfoRequest
from portal.models.audit import AuditAction
from portal.models.awards import ApprovalReturn, Award, AwardStatus, Decision, DecisionOutcome
from portal.models.base import utcnow
from portal.models.funding import Round
from portal.models.users import User
from portal.services import audit
from portal.services.applications import organisations
from portal.services.awards import budget_totals, report_schedules
from portal.services.messages import notify
from portal.services.messages.links import absolute_url
from portal.services.rounds import decline_reasons
from portal.workflow import advance_application

A = ApplicationStatus
ALREADY_DECIDED = "A decision has already been made on this application."


def _email_group(session: Session, application: Application, *, subject: str, template: str, **context: Any) -> None:
    for email in organisations.members_emails(session, application.organisation_id):
        notify.queue_email(
            session,
            to=email,
            subject=_l("%(subject)s (%(reference)s)", subject=subject, reference=application.reference),
            template=template,
            application=application,
            status_url=absolute_url("apply.status", application_id=application.id),
            **context,
        )


def _to_checking(application: Application) -> None:
    if application.status is A.SUBMITTED:
        advance_application(application, A.ELIGIBILITY_CHECK)


def ask_for_information(session: Session, application: Application, *, by: User, question: str) -> InfoRequest:
    question = question.strip()
    if not question:
        raise DomainError(gettext("Enter the question for the group"))
    _to_checking(application)
    advance_application(application, A.MORE_INFO)
    request = InfoRequest(application=application, question=question[:5000], asked_by_id=by.id)
    session.add(request)
    session.flush()
    audit.record(session, by, AuditAction.MORE_INFORMATION_REQUESTED, application, question[:2000])
    _email_group(
        session,
        application,
        subject=_l("We need more information"),
        template="more_information_requested",
        question=question,
    )
    session.flush()
    return request


def mark_eligible(session: Session, application: Application, *, by: User) -> None:
    _to_checking(application)
    advance_application(application, A.WITH_PANEL)
    audit.record(session, by, AuditAction.APPLICATION_MARKED_ELIGIBLE, application, "Passed to the panel")
    session.flush()


def mark_ineligible(session: Session, application: Application, *, by: User, reason: str) -> None:
    """The reason is kept on the application, for the group to read on its status page."""
    reason = reason.strip()
    if not reason:
        raise DomainError(gettext("Give the reason the group will read"))
    drop_pending_approval(session, application, by=by, why="the application was marked not eligible")
    _to_checking(application)
    advance_application(application, A.INELIGIBLE)
    application.decided_at = utcnow()
    application.ineligible_reason = reason[:2000]
    audit.record(session, by, AuditAction.APPLICATION_MARKED_INELIGIBLE, application, reason[:2000])
    _email_group(
        session,
        application,
        subject=_l("Your application cannot go further"),
        template="application_ineligible",
        reason=reason,
    )
    session.flush()


def route_many(
    session: Session, applications: Iterable[Application], *, by: User, eligible: bool, reason: str = ""
) -> list[str]:
    """Route several at once; returns a message for each one that could not be moved (the rest are)."""
    problems = []
    for application in applications:
        try:
            with session.begin_nested():
                if eligible:
                    mark_eligible(session, application, by=by)
                else:
                    mark_ineligible(session, application, by=by, reason=reason)
        except DomainError as error:
            problems.append(f"{application.reference}: {error.message}")
    return problems


def reserve(session: Session, grant_round: Round, amount_pence: int) -> None:
    """Add to the round's committed money if it fits, in one statement; otherwise say what is left."""
    fitted = rowcount(
        session.execute(
            update(Round)
            .where(Round.id == grant_round.id, Round.committed_pence + amount_pence <= Round.budget_pence)
            .values(committed_pence=Round.committed_pence + amount_pence)
            .execution_options(synchronize_session=False)
        )
    )
    session.refresh(grant_round)
    if fitted != 1:
        raise DomainError(
            gettext(
                "There is not enough left in the budget: %(pounds)s is left and this award is %(pounds2)s.",
                pounds=pounds(grant_round.budget_left_pence()),
                pounds2=pounds(amount_pence),
            )
        )


def release(session: Session, grant_round: Round, amount_pence: int) -> None:
    session.execute(
        update(Round)
        .where(Round.id == grant_round.id, Round.committed_pence >= amount_pence)
        .values(committed_pence=Round.committed_pence - amount_pence)
        .execution_options(synchronize_session=False)
    )
    session.refresh(grant_round)


def award_for(session: Session, application: Application) -> Award | None:
    """The grant made on this application, if any."""
    return session.scalars(select(Award).where(Award.application_id == application.id)).one_or_none()


def award_cap(application: Application) -> int:
    """The most that may be awarded: what the group asked for, and never more than the round's maximum."""
    return min(application.amount_requested_pence, application.round.max_award_pence)


def needs_second_approval(grant_round: Round, amount_pence: int) -> bool:
    threshold = grant_round.second_approval_above_pence
    return threshold is not None and amount_pence > threshold


def is_pending_approval() -> ColumnElement[bool]:
    """SQL for a ``Decision`` that approves a still-scored application with no award made yet: its money is
    reserved for an offer that waits for a second officer.

    An approval left on an application that has moved on (withdrawn, say) is not waiting for anything: its
    money would be stranded, and the budget check, which counts only these, reports it. Every count of
    waiting approvals (the budget check, the work queue) uses this condition.
    """
    still_scored = aliased(Application)  # an alias, so a query that joins Application can use this too
    return and_(
        Decision.outcome == DecisionOutcome.APPROVE,
        ~exists().where(Award.application_id == Decision.application_id),
        exists().where(still_scored.id == Decision.application_id, still_scored.status == A.SCORED),
    )


def pending_approval(session: Session, application: Application) -> Decision | None:
    """The application's approval waiting for a second officer, if there is one."""
    return session.scalar(
        select(Decision)
        .where(Decision.application_id == application.id, is_pending_approval())
        .options(joinedload(Decision.decided_by))
    )


def may_second(decision: Decision, *, by: User) -> bool:
    """Whether the officer ``by`` may confirm or return ``decision``: anyone but the officer who approved it."""
    return decision.decided_by_id != by.id


def _remove_pending(session: Session, decision: Decision) -> None:
    """Delete a waiting approval in one conditional statement, so it cannot also be confirmed."""
    removed = rowcount(
        session.execute(
            delete(Decision)
            .where(
                Decision.id == decision.id,
                Decision.second_approved_at.is_(None),
                ~exists().where(Award.application_id == Decision.application_id),
            )
            .execution_options(synchronize_session=False)
        )
    )
    if removed != 1:
        raise DomainError(gettext("Another officer has just confirmed or returned this approval. Look at it again."))
    budget_totals.approval_dropped(session, decision, round_id=decision.application.round_id)
    session.expunge(decision)


def _officer_name(officer: User | None) -> str:
    return (officer.name or officer.email) if officer is not None else "a former officer"


def drop_pending_approval(session: Session, application: Application, *, by: User | None, why: str) -> int:
    """Remove an approval that waits for a second officer and release its money; returns the pence released.

    Call it before the application leaves the way to an offer (withdrawn, declined, not eligible),
    while it is still scored, so no money stays reserved for an offer that can no longer be made.
    Nothing waiting: 0.
    """
    decision = pending_approval(session, application)
    if decision is None:
        return 0
    amount = decision.amount_pence or 0
    approver = _officer_name(decision.decided_by)
    _remove_pending(session, decision)
    release(session, application.round, amount)
    audit.record(
        session,
        by,
        AuditAction.RESERVED_MONEY_RELEASED,
        application,
        f"{pounds(amount)} held for {approver}'s approval went back to the budget: {why}",
    )
    session.flush()
    return amount


def return_approval(session: Session, application: Application, *, by: User, reason: str) -> ApprovalReturn:
    """The second officer sends a waiting approval back to the officer who made it; its money is released.

    The application stays scored, so it can be decided again.
    """
    reason = reason.strip()
    if not reason:
        raise DomainError(gettext("Give the reason for returning the approval"))
    decision = pending_approval(session, application)
    if decision is None:
        raise DomainError(gettext("There is no approval waiting for a second officer."))
    if not may_second(decision, by=by):
        raise DomainError(gettext("You approved this award, so a different officer must confirm or return it."))
    assert decision.amount_pence is not None
    first = decision.decided_by
    returned = ApprovalReturn(
        application_id=application.id,
        amount_pence=decision.amount_pence,
        approved_by_id=decision.decided_by_id,
        approved_at=decision.decided_at,
        returned_by_id=by.id,
        reason=reason[:2000],
    )
    _remove_pending(session, decision)
    release(session, application.round, returned.amount_pence)
    session.add(returned)
    session.flush()
    audit.record(
        session,
        by,
        AuditAction.APPROVAL_RETURNED,
        application,
        f"{pounds(returned.amount_pence)} approved by {_officer_name(first)}, returned: {returned.reason}",
    )
    if first is not None and first.active:
        notify.queue_email(
            session,
            to=first.email,
            subject=_l("An approval was returned to you (%(reference)s)", reference=application.reference),
            template="approval_returned",
            application=application,
            returned=returned,
            first=first,
            returned_by=by,
            application_url=absolute_url("officer.application", application_id=application.id),
        )
    session.flush()
    return returned


def latest_return(session: Session, application: Application) -> ApprovalReturn | None:
    """The last time a second officer returned an approval of this application, if ever."""
    return session.scalar(
        select(ApprovalReturn)
        .where(ApprovalReturn.application_id == application.id)
        .options(joinedload(ApprovalReturn.returned_by), joinedload(ApprovalReturn.approved_by))
        .order_by(ApprovalReturn.returned_at.desc(), ApprovalReturn.id.desc())
        .limit(1)
    )


def _claim(session: Session, application: Application) -> None:
    """Hold the application's row until the transaction ends, and read it afresh.

    ``SELECT … FOR UPDATE`` on PostgreSQL: a second officer deciding the same
    application waits here until the first commits, then sees that decision
    instead of failing on the one-decision-per-application constraint. (SQLite
    writers already hold the database's write lock from their first statement.)
    """
    session.execute(
        select(Application)
        .where(Application.id == application.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()


def _decided(session: Session, application: Application) -> bool:
    return session.scalar(select(Decision.id).where(Decision.application_id == application.id)) is not None


def approve(
    session: Session, application: Application, *, by: User, amount_pence: int, conditions: str = ""
) -> Decision:
    """Approve: reserve the money; make the offer now, or wait for a second officer above the threshold."""
    _claim(session, application)
    grant_round = application.round
    if _decided(session, application):
        raise DomainError(ALREADY_DECIDED)
    if application.status is not A.SCORED:
        raise DomainError(gettext("Only applications the panel has scored can be approved."))
    if amount_pence <= 0:
        raise DomainError(gettext("Enter the amount to award"))
    limit = award_cap(application)
    if amount_pence > limit:
        raise DomainError(
            gettext(
                "The award can be at most %(pounds)s: what the group asked for and the round's maximum.",
                pounds=pounds(limit),
            )
        )
    reserve(session, grant_round, amount_pence)
    decision = Decision(
        application_id=application.id,
        outcome=DecisionOutcome.APPROVE,
        amount_pence=amount_pence,
        decided_by_id=by.id,
        feedback=conditions.strip()[:5000],
        neighbourhood_id=application.organisation.neighbourhood_id,
    )
    session.add(decision)
    session.flush()
    if needs_second_approval(grant_round, amount_pence):
        budget_totals.approval_waiting(session, decision, round_id=grant_round.id)
        audit.record(
            session,
            by,
            AuditAction.APPROVAL_AWAITING_CONFIRMATION,
            application,
            f"{pounds(amount_pence)}: a second officer must confirm",
        )
        session.flush()
        return decision
    _make_offer(session, application, decision, by=by)
    return decision


def confirm(session: Session, application: Application, *, by: User) -> Award:
    """The second officer confirms a large award; the offer then goes out."""
    decision = session.scalar(select(Decision).where(Decision.application_id == application.id))
    if decision is None or decision.outcome is not DecisionOutcome.APPROVE or decision.second_approved_at is not None:
        raise DomainError(gettext("There is no approval waiting for confirmation."))
    if session.scalar(select(Award.id).where(Award.application_id == application.id)) is not None:
        raise DomainError(gettext("The offer has already been made."))
    if decision.decided_by_id == by.id:
        raise DomainError(gettext("A different officer must confirm an award you approved."))
    claimed = rowcount(
        session.execute(
            update(Decision)
            .where(Decision.id == decision.id, Decision.second_approved_at.is_(None))
            .values(second_approver_id=by.id, second_approved_at=utcnow())
            .execution_options(synchronize_session=False)
        )
    )
    if claimed != 1:
        raise DomainError(gettext("Another officer has just confirmed or returned this award."))
    session.refresh(decision)
    return _make_offer(session, application, decision, by=by, was_waiting=True)


def _make_offer(
    session: Session, application: Application, decision: Decision, *, by: User, was_waiting: bool = False
) -> Award:
    assert decision.amount_pence is not None
    advance_application(application, A.APPROVED)
    application.decided_at = utcnow()
    award = Award(
        application=application,
        round_id=application.round_id,
        amount_pence=decision.amount_pence,
        neighbourhood_id=decision.neighbourhood_id,
        conditions=decision.feedback,
        status=AwardStatus.OFFERED,
    )
    session.add(award)
    session.flush()
    budget_totals.offer_made(session, award, was_waiting=was_waiting)
    report_schedules.copy_to_award(session, award, application.round)
    audit.record(session, by, AuditAction.APPLICATION_APPROVED, application, pounds(decision.amount_pence))
    audit.record(session, by, AuditAction.AWARD_OFFERED, award, pounds(decision.amount_pence))
    for email in organisations.members_emails(session, application.organisation_id):
        notify.queue_email(
            session,
            to=email,
            subject=_l("You have been offered a grant (%(reference)s)", reference=application.reference),
            template="award_offered",
            application=application,
            award=award,
            award_url=absolute_url("apply.award", award_id=award.id),
        )
    session.flush()
    return award


def may_decline(application: Application) -> bool:
    """Scored by the panel, or (in a two-stage round) an expression of interest not shortlisted."""
    return application.status in (A.SCORED, A.EOI_SUBMITTED)


def decline(session: Session, application: Application, *, by: User, reasons: list[str], feedback: str) -> Decision:
    _claim(session, application)
    if _decided(session, application) and pending_approval(session, application) is None:
        raise DomainError(ALREADY_DECIDED)
    if not may_decline(application):
        raise DomainError(
            gettext("Only applications the panel has scored, or expressions of interest, can be declined.")
        )
    not_shortlisted = application.status is A.EOI_SUBMITTED
    # Only the reasons the round offers now; words_for also reads retired ones, for past decisions.
    offered = {reason.code for reason in decline_reasons.offered(application.round)}
    chosen = [code for code in reasons if code in offered]
    words_of = decline_reasons.words_for(application.round)
    if not chosen and not feedback.strip():
        raise DomainError(gettext("Choose at least one reason or write feedback for the group"))
    # Declining replaces an approval still waiting for a second officer, and frees its money.
    drop_pending_approval(session, application, by=by, why="the application was declined instead")
    if _decided(session, application):
        raise DomainError(ALREADY_DECIDED)
    words = [words_of[code] + "." for code in chosen] + ([feedback.strip()] if feedback.strip() else [])
    decision = Decision(
        application_id=application.id,
        outcome=DecisionOutcome.DECLINE,
        reason_codes=chosen,
        feedback=" ".join(words)[:5000],
        decided_by_id=by.id,
    )
    session.add(decision)
    advance_application(application, A.DECLINED)
    application.decided_at = utcnow()
    session.flush()
    audit.record(session, by, AuditAction.APPLICATION_DECLINED, application, ", ".join(chosen) or "feedback only")
    _email_group(
        session,
        application,
        subject=_l("Our decision on your expression of interest")
        if not_shortlisted
        else _l("Our decision on your application"),
        template="eoi_not_shortlisted" if not_shortlisted else "application_declined",
        feedback=decision.feedback,
    )
    session.flush()
    return decision


def add_note(session: Session, application: Application, *, by: User, body: str) -> ApplicationNote:
    """An internal note: seen only by officers."""
    body = body.strip()
    if not body:
        raise DomainError(gettext("Write the note first"))
    note = ApplicationNote(application_id=application.id, author_id=by.id, body=body[:10_000])
    session.add(note)
    session.flush()
    audit.record(session, by, AuditAction.NOTE_ADDED, application, body[:200])
    session.flush()
    return note


@dataclass(frozen=True)
class DecidedMany:
    """What deciding several at once did: offers made, approvals waiting for a second officer, declines."""

    offered: list[Application] = field(default_factory=list)
    waiting: list[Application] = field(default_factory=list)
    declined: list[Application] = field(default_factory=list)
    # One message for each application that could not be decided.
    problems: list[str] = field(default_factory=list)


def decide_many(
    session: Session,
    applications: Iterable[Application],
    *,
    by: User,
    approve_them: bool,
    reasons: list[str] | None = None,
    feedback: str = "",
) -> DecidedMany:
    """Approve (at the amount asked, in the order given) or decline several.

    Approvals above the round's threshold reserve their money and wait for a second officer, as
    one approval does; the result says which.
    """
    done = DecidedMany()
    for application in applications:
        try:
            with session.begin_nested():
                if approve_them:
                    limit = award_cap(application)
                    approve(session, application, by=by, amount_pence=limit)
                    waits = needs_second_approval(application.round, limit)
                    (done.waiting if waits else done.offered).append(application)
                else:
                    decline(session, application, by=by, reasons=reasons or [], feedback=feedback)
                    done.declined.append(application)
        except DomainError as error:
            done.problems.append(f"{application.reference}: {error.message}")
    return done


def awaiting_decision(session: Session, round_id: int, *, among: Collection[int] | None = None) -> set[int]:
    """Ids of the round's scored applications that no officer has decided on yet (only those ``among``
    the ids given, such as a page of the results, when given)."""
    statement = (
        select(Application.id)
        .outerjoin(Decision, Decision.application_id == Application.id)
        .where(Application.round_id == round_id, Application.status == A.SCORED, Decision.id.is_(None))
    )
    if among is not None:
        statement = statement.where(Application.id.in_(among))
    return set(session.scalars(statement))
