"""Setting up a funding round: its dates, money and the guidance for each section of its form.

``RoundSettings`` is what an officer fills in; ``check`` says what is wrong in
plain words; ``save`` writes it (a new round, or changes to one) with an
audit entry. A round's eligibility rules and neighbourhoods (``eligibility_rules``),
scoring scale and criteria (``scoring_setup``) and decline reasons
(``decline_reasons``, which a new round starts with) are set on their own pages.

The round's own sections and questions are made in the question builder
(``rounds.questions``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.errors import DomainError
from portal.infra.i18n import gettext
from portal.models.audit import AuditAction
from portal.models.funding import Fund, Round
from portal.models.users import User
from portal.plain_text import is_one_line
from portal.services import audit
from portal.services.panels import scoring
from portal.services.programme import settings as programme
from portal.services.rounds import decline_reasons

SECTION_KEYS = ("group", "idea", "benefit", "budget")


@dataclass
class RoundSettings:
    fund_id: int | None
    title: str
    slug: str
    summary: str
    opens_at: datetime | None
    closes_at: datetime | None
    decisions_by: datetime | None
    budget_pence: int | None
    min_award_pence: int | None
    max_award_pence: int | None
    reviews_per_application: int | None
    blind_review: bool
    second_approval_above_pence: int | None
    hourly_rate_pence: int | None
    questions: dict[str, Any]


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80]


def check(session: Session, settings: RoundSettings, existing: Round | None) -> dict[str, str]:
    """Field name → what to fix. Empty when the settings can be saved."""
    problems: dict[str, str] = {}
    if settings.fund_id is None or session.get(Fund, settings.fund_id) is None:
        problems["fund_id"] = gettext("Choose the fund the round's money comes from")
    if not settings.title.strip():
        problems["title"] = gettext("Enter the round's title")
    elif not is_one_line(settings.title):
        problems["title"] = gettext("Enter the round's title on one line, without line breaks or hidden characters")
    slug = settings.slug or slugify(settings.title)
    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug or ""):
        problems["slug"] = gettext("The web address can only use lower-case letters, numbers and hyphens")
    elif session.scalar(select(Round.id).where(Round.slug == slug, Round.id != (existing.id if existing else 0))):
        problems["slug"] = gettext("Another round already uses this web address")
    if settings.opens_at is None:
        problems["opens_at"] = gettext("Enter when the round opens")
    if settings.closes_at is None:
        problems["closes_at"] = gettext("Enter when the round closes")
    elif settings.opens_at is not None and settings.closes_at <= settings.opens_at:
        problems["closes_at"] = gettext("The round must close after it opens")
    for name, label in (
        ("budget_pence", gettext("the total budget")),
        ("min_award_pence", gettext("the smallest award")),
        ("max_award_pence", gettext("the largest award")),
    ):
        if getattr(settings, name) is None:
            problems[name] = gettext("Enter %(amount)s in pounds, like 5000", amount=label)
    if (
        settings.min_award_pence is not None
        and settings.max_award_pence is not None
        and settings.max_award_pence < settings.min_award_pence
    ):
        problems["max_award_pence"] = gettext("The largest award must be at least the smallest")
    if existing is not None and settings.budget_pence is not None and settings.budget_pence < existing.committed_pence:
        problems["budget_pence"] = gettext(
            "The budget cannot be less than the %(pounds)s pounds already awarded",
            pounds=format(existing.committed_pence / 100, ",.2f"),
        )
    if settings.reviews_per_application is None or not 1 <= settings.reviews_per_application <= 10:
        problems["reviews_per_application"] = gettext("Enter how many panel members score each application: 1 to 10")
    if settings.hourly_rate_pence is None:
        problems["hourly_rate_pence"] = gettext("Enter the panel's hourly rate in pounds, like 13.60")
    return problems


def save(session: Session, settings: RoundSettings, existing: Round | None = None, *, by: User) -> Round:
    problems = check(session, settings, existing)
    if problems:
        raise DomainError(gettext("Fix the problems on the page: %(problems)s", problems="; ".join(problems.values())))
    fund = session.get(Fund, settings.fund_id)
    if fund is None:
        raise DomainError(gettext("Choose the fund the round's money comes from"), field="fund_id")
    if existing is not None and existing.fund_id != fund.id and existing.funders:
        raise DomainError(
            gettext(
                "The round's funders belong to its fund. Take them off “Funders for this round” "
                "before changing the fund."
            ),
            field="fund_id",
        )
    grant_round = existing or Round(fund=fund)
    reviews_before = existing.reviews_per_application if existing is not None else None
    grant_round.fund = fund
    grant_round.title = settings.title.strip()[:200]
    grant_round.slug = settings.slug or slugify(settings.title)
    grant_round.summary = settings.summary.strip()
    # Optional in the settings, but check() reports any that is missing as a problem.
    grant_round.opens_at = settings.opens_at  # type: ignore[assignment]
    grant_round.closes_at = settings.closes_at  # type: ignore[assignment]
    grant_round.decisions_by = settings.decisions_by
    grant_round.budget_pence = settings.budget_pence  # type: ignore[assignment]
    grant_round.min_award_pence = settings.min_award_pence  # type: ignore[assignment]
    grant_round.max_award_pence = settings.max_award_pence  # type: ignore[assignment]
    grant_round.reviews_per_application = settings.reviews_per_application  # type: ignore[assignment]
    grant_round.blind_review = settings.blind_review
    grant_round.second_approval_above_pence = settings.second_approval_above_pence
    grant_round.hourly_rate_pence = settings.hourly_rate_pence or programme.current(session).hourly_rate_pence
    grant_round.questions = settings.questions
    session.add(grant_round)
    session.add(grant_round)
    session.flush()
    if existing is None:
        decline_reasons.start_with_defaults(session, grant_round)
    audit.record(
        session,
        by,
        AuditAction.ROUND_CHANGED if existing else AuditAction.ROUND_CREATED,
        grant_round,
        grant_round.title,
    )
    if reviews_before is not None and grant_round.reviews_per_application < reviews_before:
        # Fewer reviews asked for: applications waiting on the panel may now have all they need.
        scoring.recheck_waiting(session, grant_round, by=by)
    session.flush()
    return grant_round


def settings_of(grant_round: Round) -> RoundSettings:
    """The settings a round has now, to fill in the form."""
    return RoundSettings(
        fund_id=grant_round.fund_id,
        title=grant_round.title,
        slug=grant_round.slug,
        summary=grant_round.summary,
        opens_at=grant_round.opens_at,
        closes_at=grant_round.closes_at,
        decisions_by=grant_round.decisions_by,
        budget_pence=grant_round.budget_pence,
        min_award_pence=grant_round.min_award_pence,
        max_award_pence=grant_round.max_award_pence,
        reviews_per_application=grant_round.reviews_per_application,
        blind_review=grant_round.blind_review,
        second_approval_above_pence=grant_round.second_approval_above_pence,
        hourly_rate_pence=grant_round.hourly_rate_pence,
        questions=dict(grant_round.questions or {}),
    )
