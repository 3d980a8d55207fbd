"""The officer's page for one application: what it shows (read in one place, so the view only asks) and
which actions it offers, decided from the workflow table and the decision rules rather than from status
names in the template."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload
from sqlalchemy.orm.interfaces import ORMOption

from portal.models.applications import Application, ApplicationNote, ApplicationStatus
from portal.models.audit import AuditEntry
from portal.models.awards import ApprovalReturn, Award, AwardStatus, Decision
from portal.models.funding import Round
from portal.models.users import User
from portal.services.applications import due_diligence
from portal.services.awards import decisions
from portal.services.panels import membership
from portal.services.rounds import stages
from portal.workflow import AWARD_TRANSITIONS, can_advance_application, can_advance_award

A = ApplicationStatus

# What the page reads of the application itself, loaded with it so the page costs a fixed number of queries.
LOADED: Sequence[ORMOption] = (
    joinedload(Application.round).selectinload(Round.neighbourhoods),
    joinedload(Application.organisation),
    selectinload(Application.budget_lines),
    selectinload(Application.evidence),
    selectinload(Application.info_requests),
)

AWARD_LOADED: Sequence[ORMOption] = (
    joinedload(Award.application),
    selectinload(Award.payments),
    selectinload(Award.reports),
)


def waiting_for_second_officer(session: Session, application: Application) -> bool:
    """Whether an approval of the application is held until a second, different officer confirms it (the
    award was above the round's threshold, and nobody has confirmed, returned or declined it yet)."""
    return decisions.pending_approval(session, application) is not None


@dataclass(frozen=True)
class OfferedActions:
    """What the application page offers the officer now."""

    # The checks: send it to the panel, mark it not eligible, or ask the group a question.
    check: bool
    # Approve or decline it: the panel has scored it and nobody has decided yet.
    decide: bool
    # Confirm or return an approval waiting for a second officer (never the officer who approved it).
    second: bool
    # Decline it, also when an approval is waiting (declining replaces the approval).
    decline: bool
    # The panel is reviewing it, so the officer can only follow the round's panels.
    panel_reviewing: bool
    # The most the approve form may award.
    award_cap_pence: int
    # An expression of interest (two-stage round): invite the group to apply in full, or do not shortlist it.
    shortlist: bool = False


def offered_actions(
    application: Application, *, by: User, decision: Decision | None, pending: Decision | None
) -> OfferedActions:
    """Which actions the page offers ``by``, from the workflow table and the decision rules.

    ``decision`` is the application's decision, if any, and ``pending`` that decision when it waits for a
    second officer: the page reads both anyway, so they are passed in rather than read again."""
    status = application.status
    scored = can_advance_application(status, A.APPROVED)
    decide = scored and decision is None
    return OfferedActions(
        check=membership.can_send_to_panel(application),
        decide=decide,
        second=pending is not None and decisions.may_second(pending, by=by),
        decline=can_advance_application(status, A.DECLINED) and (decide or pending is not None),
        panel_reviewing=can_advance_application(status, A.SCORED),
        award_cap_pence=decisions.award_cap(application),
        shortlist=stages.may_shortlist(application) and decision is None,
    )


@dataclass(frozen=True)
class ApplicationPage:
    checks: list[due_diligence.Check]
    timeline: Sequence[AuditEntry]
    # The group's other applications, newest first.
    past: Sequence[Application]
    decision: Decision | None
    notes: Sequence[ApplicationNote]
    award: Award | None
    # The approval waiting for a second officer, if there is one.
    pending: Decision | None
    returned: ApprovalReturn | None
    actions: OfferedActions


def application_page(session: Session, application: Application, *, by: User) -> ApplicationPage:
    """What the officer's page for ``application`` shows to ``by``."""
    timeline = session.scalars(
        select(AuditEntry)
        .where(AuditEntry.object_type == "Application", AuditEntry.object_id == application.id)
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
    ).all()
    past = session.scalars(
        select(Application)
        .where(Application.organisation_id == application.organisation_id, Application.id != application.id)
        .options(joinedload(Application.round))
        .order_by(Application.created_at.desc())
    ).all()
    decision = session.scalar(select(Decision).where(Decision.application_id == application.id))
    notes = session.scalars(
        select(ApplicationNote)
        .where(ApplicationNote.application_id == application.id)
        .options(joinedload(ApplicationNote.author))
        .order_by(ApplicationNote.created_at.desc())
    ).all()
    award = session.scalar(select(Award).where(Award.application_id == application.id))
    pending = decisions.pending_approval(session, application)
    return ApplicationPage(
        checks=due_diligence.checklist(session, application),
        timeline=timeline,
        past=past,
        decision=decision,
        notes=notes,
        award=award,
        pending=pending,
        returned=decisions.latest_return(session, application),
        actions=offered_actions(application, by=by, decision=decision, pending=pending),
    )


def _reaches(status: AwardStatus, target: AwardStatus) -> bool:
    """Whether the award workflow leads from ``status`` to ``target`` in some number of steps (or none)."""
    seen, to_visit = {status}, [status]
    while to_visit:
        for following in AWARD_TRANSITIONS[to_visit.pop()] - seen:
            seen.add(following)
            to_visit.append(following)
    return target in seen


@dataclass(frozen=True)
class AwardActions:
    """What the award page offers the officer now."""

    # Add an instalment: while the award may still be paid.
    plan_payment: bool
    # Cancel it: while it is live.
    cancel: bool


def award_actions(award: Award) -> AwardActions:
    """Which actions the award page offers, from the award workflow table."""
    status = award.status
    return AwardActions(
        plan_payment=_reaches(status, AwardStatus.PAID),
        cancel=can_advance_award(status, AwardStatus.CANCELLED),
    )
