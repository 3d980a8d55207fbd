"""Two-stage rounds: a short expression of interest first, then the full application for the shortlist.

In a two-stage round a group's form asks only "About your group", "Your idea" and the
round's own sections marked for the expression of interest. Sending it makes it an
expression of interest; officers then invite the group to the full application (the
draft opens again with everything asked, earlier answers kept) or do not shortlist it.
The round's closing time ends the first stage; invited groups send their full
application by ``full_applications_close_at``.

This module holds the rules; sending and inviting are in ``services.applications.shortlist``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from portal.errors import DomainError
from portal.formatting import date_long, uk_time
from portal.infra.i18n import _l, gettext
from portal.models.applications import Application, ApplicationStatus
from portal.models.audit import AuditAction
from portal.models.base import utcnow
from portal.models.funding import Round
from portal.models.users import User
from portal.services import audit

# The form's own sections that every expression of interest asks.
FIRST_STAGE_SECTIONS = ("group", "idea")
LOCKED = _l(
    "The round's stages cannot change once groups have sent applications or expressions of interest: "
    "they were told what to send."
)


def is_two_stage(grant_round: Round) -> bool:
    return grant_round.two_stages


def at_first_stage(application: Application) -> bool:
    """The group is writing or has sent its expression of interest, and has not been invited yet."""
    return application.round.two_stages and application.invited_at is None


def first_stage_keys(grant_round: Round) -> set[str]:
    """The sections an expression of interest asks: the group, the idea and the round's chosen sections."""
    own = {section.key for section in grant_round.question_sections if section.at_expression_of_interest}
    return set(FIRST_STAGE_SECTIONS) | own


def asks_now(application: Application, key: str) -> bool:
    """Whether the group's form asks this section now (every section, except at the first stage)."""
    return not at_first_stage(application) or key in first_stage_keys(application.round)


def closes_at(application: Application) -> datetime:
    """When this application can last be changed or sent: the full applications' closing time for an
    invited group, the round's closing time otherwise."""
    grant_round = application.round
    if grant_round.two_stages and application.invited_at is not None and grant_round.full_applications_close_at:
        return grant_round.full_applications_close_at
    return grant_round.closes_at


def open_for(application: Application, at: datetime | None = None) -> bool:
    """Whether the group can change and send this application now."""
    at = at or utcnow()
    return application.round.opens_at <= at < closes_at(application)


def ensure_open_for(application: Application) -> None:
    if not open_for(application):
        refuse_closed(application.round, closes_at(application))


def refuse_closed(grant_round: Round, closed_at: datetime) -> None:
    """The refusal for a round not open: not open yet, or closed (at ``closed_at``)."""
    if utcnow() < grant_round.opens_at:
        raise DomainError(
            gettext("%(grant_round_title)s is not open for applications yet.", grant_round_title=grant_round.title)
        )
    raise DomainError(
        gettext(
            "%(grant_round_title)s closed on %(date_long)s, so applications can no longer be changed or sent.",
            grant_round_title=grant_round.title,
            date_long=date_long(uk_time(closed_at)),
        )
    )


def may_shortlist(application: Application) -> bool:
    """An expression of interest waiting for officers: invite the group in full, or do not shortlist it."""
    return application.status is ApplicationStatus.EOI_SUBMITTED


def stages_locked(session: Session, grant_round: Round) -> bool:
    """Once a group has sent anything, the round's stages stay as the groups were told."""
    sent = or_(Application.submitted_at.is_not(None), Application.eoi_submitted_at.is_not(None))
    return bool(session.scalar(select(exists().where(Application.round_id == grant_round.id, sent))))


@dataclass(frozen=True)
class StageSettings:
    two_stages: bool
    # The round's own sections (by key) the expression of interest asks as well.
    section_keys: frozenset[str]
    full_applications_close_at: datetime | None


def check_settings(grant_round: Round, settings: StageSettings) -> dict[str, str]:
    """Field → problem."""
    if not settings.two_stages:
        return {}
    closing = settings.full_applications_close_at
    if closing is None:
        return {"full_applications_close_at": gettext("Enter when full applications close")}
    if closing <= grant_round.closes_at:
        return {
            "full_applications_close_at": gettext(
                "Full applications must close after expressions of interest close (%(date)s)",
                date=date_long(uk_time(grant_round.closes_at)),
            )
        }
    return {}


def set_stages(session: Session, grant_round: Round, settings: StageSettings, *, by: User) -> None:
    """Turn two stages on or off and choose what the expression of interest asks."""
    if stages_locked(session, grant_round):
        raise DomainError(LOCKED)
    problems = check_settings(grant_round, settings)
    if problems:
        raise DomainError(next(iter(problems.values())))
    grant_round.two_stages = settings.two_stages
    grant_round.full_applications_close_at = settings.full_applications_close_at if settings.two_stages else None
    chosen = []
    for section in grant_round.question_sections:
        section.at_expression_of_interest = settings.two_stages and section.key in settings.section_keys
        if section.at_expression_of_interest:
            chosen.append(section.title)
    session.flush()
    summary = (
        f"{grant_round.title}: two stages; the expression of interest also asks "
        + (", ".join(chosen) or "nothing more")
        if settings.two_stages
        else f"{grant_round.title}: one stage"
    )
    audit.record(session, by, AuditAction.ROUND_STAGES_CHANGED, grant_round, summary)
    session.flush()
