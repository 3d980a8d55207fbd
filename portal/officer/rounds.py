"""Setting up and changing funding rounds."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from portal.access import get_or_404
from portal.errors import DomainError
from portal.extensions import db
from portal.formatting import UK, uk_time
from portal.models.funding import Round
from portal.models.organisations import INCOME_BAND_LABELS, ORGANISATION_KIND_LABELS
from portal.officer import bp
from portal.routing import parse_id
from portal.services.applications.eligibility import DEFAULT_EXCLUDED, PURPOSES
from portal.services.applications.form import (
    DEFAULT_WORD_LIMITS,
    MAX_EXTRA_QUESTIONS,
    SECTIONS_BY_KEY,
    asked_questions,
    parse_pounds,
    parse_whole_number,
    removed_questions,
)
from portal.services.rounds import listing, setup
from portal.services.rounds.setup import MAX_CRITERIA, SECTION_KEYS, CriterionSettings, RoundSettings

SECTION_TITLES = {key: SECTIONS_BY_KEY[key].title for key in SECTION_KEYS}


def _moment(raw: str) -> datetime | None:
    try:
        return datetime.fromisoformat(raw).replace(tzinfo=UK).astimezone(UTC) if raw else None
    except ValueError:
        return None


def _pence(raw: str) -> int | None:
    return parse_pounds(raw) if raw.strip() else None


def read_form() -> RoundSettings:
    """The settings as the officer typed them (unchecked)."""
    form = request.form
    sections = {}
    for key in SECTION_KEYS:
        limit = parse_whole_number(form.get(f"words-{key}", ""))
        sections[key] = {"guidance": form.get(f"guidance-{key}", "").strip()} | ({"word_limit": limit} if limit else {})
    rows = []
    for index in range(MAX_EXTRA_QUESTIONS):
        question = form.get(f"extra-{index}-question", "").strip()
        if question:
            limit = parse_whole_number(form.get(f"extra-{index}-words", ""))
            place = parse_whole_number(form.get(f"extra-{index}-place", "")) or index + 1
            # The key travels with its question (a hidden field), so answers stay with it.
            row = {
                "key": form.get(f"extra-{index}-key", "").strip()[:40],
                "question": question,
                "hint": form.get(f"extra-{index}-hint", "").strip(),
            }
            rows.append(((place, index), row | ({"word_limit": limit} if limit else {})))
    extra = [row for _, row in sorted(rows, key=lambda item: item[0])]
    criteria = []
    for index in range(MAX_CRITERIA):
        title = form.get(f"criterion-{index}-title", "").strip()
        if title:
            criteria.append(
                CriterionSettings(
                    title=title[:200],
                    guidance=form.get(f"criterion-{index}-guidance", "").strip(),
                    weight=parse_whole_number(form.get(f"criterion-{index}-weight", "")) or 0,
                    descriptors={p: form.get(f"criterion-{index}-point-{p}", "").strip() for p in setup.SCORE_POINTS},
                    comment_required=form.get(f"criterion-{index}-comment") == "y",
                )
            )
    requirements = [line.strip() for line in form.get("requirements", "").splitlines() if line.strip()]
    return RoundSettings(
        fund_name=form.get("fund_name", "").strip(),
        title=form.get("title", "").strip(),
        slug=form.get("slug", "").strip(),
        summary=form.get("summary", ""),
        opens_at=_moment(form.get("opens_at", "")),
        closes_at=_moment(form.get("closes_at", "")),
        decisions_by=_moment(form.get("decisions_by", "") + "T12:00" if form.get("decisions_by") else ""),
        budget_pence=_pence(form.get("budget", "")),
        min_award_pence=_pence(form.get("min_award", "")),
        max_award_pence=_pence(form.get("max_award", "")),
        reviews_per_application=parse_whole_number(form.get("reviews", "")),
        blind_review=form.get("blind_review") == "y",
        second_approval_above_pence=_pence(form.get("second_approval_above", "")),
        hourly_rate_pence=_pence(form.get("hourly_rate", "")),
        neighbourhood_ids=[number for number in map(parse_id, form.getlist("neighbourhoods")) if number],
        eligibility={
            "requirements": requirements,
            "kinds": form.getlist("kinds"),
            "income_bands": form.getlist("income_bands"),
            "excluded_purposes": form.getlist("excluded_purposes"),
        },
        questions={"sections": sections, "extra": extra},
        criteria=criteria,
    )


# The settings' names for what the form calls by another name; each problem is shown at its field.
FIELD_IDS = {
    "budget_pence": "budget",
    "min_award_pence": "min_award",
    "max_award_pence": "max_award",
    "second_approval_above_pence": "second_approval_above",
    "reviews_per_application": "reviews",
    "hourly_rate_pence": "hourly_rate",
    "extra": "extra-0-question",
}


def _page(
    settings: RoundSettings | None, existing: Round | None, problems: dict[str, str], status: int = 200
) -> tuple[str, int]:
    return (
        render_template(
            "officer/round_form.html",
            s=settings,
            existing=existing,
            problems={FIELD_IDS.get(name, name): message for name, message in problems.items()},
            typed=request.form if request.method == "POST" else {},
            form=FlaskForm(),
            neighbourhoods=listing.all_neighbourhoods(db.session),
            kinds=ORGANISATION_KIND_LABELS,
            bands=INCOME_BAND_LABELS,
            purposes=PURPOSES,
            default_excluded=DEFAULT_EXCLUDED,
            section_titles=SECTION_TITLES,
            default_words=DEFAULT_WORD_LIMITS,
            max_extra=MAX_EXTRA_QUESTIONS,
            asked=asked_questions(settings.questions) if settings else [],
            removed=removed_questions(existing.questions) if existing else [],
            max_criteria=MAX_CRITERIA,
            local=lambda moment, fmt: uk_time(moment).strftime(fmt) if moment else "",
        ),
        status,
    )


def _submit(existing: Round | None) -> Response | tuple[str, int]:
    if not FlaskForm().validate():
        abort(400)
    settings = read_form()
    problems = setup.check(db.session, settings, existing)
    if problems:
        return _page(settings, existing, problems)
    try:
        saved = setup.save(db.session, settings, existing, by=current_user)
    except DomainError as error:
        db.session.rollback()
        return _page(settings, existing, {error.field or "title": error.message}, 409)
    flash(f"{saved.title} is saved.", "success")
    return redirect(url_for("officer.home"))


@bp.route("/rounds/new", methods=["GET", "POST"])
def new_round() -> Any:
    return _submit(None) if request.method == "POST" else _page(None, None, {})


@bp.route("/rounds/<int:round_id>/edit", methods=["GET", "POST"])
def edit_round(round_id: int) -> Any:
    existing = get_or_404(Round, round_id, options=[selectinload(Round.criteria), selectinload(Round.neighbourhoods)])
    if request.method == "POST":
        return _submit(existing)
    return _page(setup.settings_of(existing), existing, {})
