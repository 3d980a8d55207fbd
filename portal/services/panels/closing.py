"""Closing an application's reviewing short, with the reviews in hand.

When conflicts of interest or drop-outs leave an application with fewer
reviews than the round asks, and nobody else can take it, an officer may
close its reviewing with a reason: unfinished assignments are withdrawn
(their drafts removed) and the application moves on to be decided.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from portal.errors import DomainError
from portal.infra.i18n import gettext
from portal.models.applications import Application, ApplicationStatus
from portal.models.audit import AuditAction
from portal.models.base import utcnow
from portal.models.panels import Assignment, Panel, Review
from portal.models.users import User
from portal.services import audit
from portal.services.panels import membership
from portal.workflow import advance_application

MAX_REASON = 2000


@dataclass(frozen=True)
class ReviewCount:
    submitted: int
    # What the round asks for each application.
    needed: int
    # Assigned but not submitted.
    outstanding: int
    # No member of any of the round's panels may be given it who does not have it already.
    nobody_left: bool


def review_count(session: Session, application: Application) -> ReviewCount:
    assigned = set(session.scalars(select(Assignment.panellist_id).where(Assignment.application_id == application.id)))
    submitted = set(
        session.scalars(
            select(Review.panellist_id).where(Review.application_id == application.id, Review.submitted.is_(True))
        )
    )
    round_panels = session.scalars(select(Panel).where(Panel.round_id == application.round_id)).all()
    return ReviewCount(
        submitted=len(submitted),
        needed=application.round.reviews_per_application,
        outstanding=len(assigned - submitted),
        nobody_left=not any(membership.candidates(session, panel, application) for panel in round_panels),
    )


def can_close_reviewing(session: Session, application: Application) -> bool:
    """With the panel, at least one review in, and fewer than the round asks."""
    if application.status is not ApplicationStatus.WITH_PANEL:
        return False
    count = review_count(session, application)
    return 0 < count.submitted < count.needed


def close_reviewing(session: Session, application: Application, *, by: User, reason: str) -> list[User]:
    """Close reviewing with the reviews in hand; returns the panellists whose unfinished reviews were withdrawn."""
    reason = reason.strip()
    if not reason:
        raise DomainError(gettext("Give the reason for closing reviewing with fewer reviews"))
    if not can_close_reviewing(session, application):
        raise DomainError(
            gettext(
                "Reviewing can be closed only while the application is with the panel, with at least "
                "one review in and fewer than the round asks for."
            )
        )
    count = review_count(session, application)
    submitted = set(
        session.scalars(
            select(Review.panellist_id).where(Review.application_id == application.id, Review.submitted.is_(True))
        )
    )
    withdrawn = []
    for assignment in session.scalars(
        select(Assignment)
        .where(Assignment.application_id == application.id)
        .options(joinedload(Assignment.panellist))
        .order_by(Assignment.id)
    ).all():
        if assignment.panellist_id in submitted:
            continue
        withdrawn.append(assignment.panellist)
        membership.withdraw(session, assignment)
    application.reviews_closed_at = utcnow()
    application.reviews_closed_by_id = by.id
    application.reviews_closed_reason = reason[:MAX_REASON]
    advance_application(application, ApplicationStatus.SCORED)
    summary = f"Closed with {count.submitted} of {count.needed} reviews: {application.reviews_closed_reason}"
    if withdrawn:
        summary += ". Unfinished reviews withdrawn from: " + ", ".join(p.email for p in withdrawn)
    audit.record(session, by, AuditAction.REVIEWING_CLOSED, application, summary)
    session.flush()
    return withdrawn
