"""Setting up and changing funding rounds."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms import Field, SelectChoice

from portal.access import get_or_404
from portal.errors import DomainError
from portal.extensions import db
from portal.form_errors import refuse
from portal.formatting import UK, uk_time
from portal.infra.i18n import gettext
from portal.models.funding import Round
from portal.officer import bp
from portal.officer.round_forms import SECTION_TITLES, WORD_LIMITED, RoundForm
from portal.routing import parse_id
from portal.services.applications.form import DEFAULT_WORD_LIMITS, parse_pounds, parse_whole_number
from portal.services.funders import funds
from portal.services.programme import settings as programme
from portal.services.rounds import setup
from portal.services.rounds.setup import SECTION_KEYS, RoundSettings


def uk_moment(raw: str) -> datetime | None:
    try:
        return datetime.fromisoformat(raw).replace(tzinfo=UK).astimezone(UTC) if raw else None
    except ValueError:
        return None


def _pence(raw: str) -> int | None:
    return parse_pounds(raw) if raw.strip() else None


def _text(field: Field) -> str:
    return str(field.data or "").strip()


def uk_local(moment: datetime | None, fmt: str) -> str:
    return uk_time(moment).strftime(fmt) if moment else ""


def _pounds(pence: int | None) -> str:
    return f"{pence / 100:.2f}" if pence is not None else ""


def read_form(form: RoundForm) -> RoundSettings:
    """The settings as the officer typed them (unchecked)."""
    sections = {}
    for key in SECTION_KEYS:
        words = form.words(key)
        limit = parse_whole_number(words.data or "") if words is not None else None
        sections[key] = {"guidance": _text(form.guidance(key))} | ({"word_limit": limit} if limit else {})
    decisions_by = form.decisions_by.data or ""
    return RoundSettings(
        fund_id=parse_id(form.fund_id.data or ""),
        title=_text(form.title),
        slug=_text(form.slug),
        summary=form.summary.data or "",
        opens_at=uk_moment(form.opens_at.data or ""),
        closes_at=uk_moment(form.closes_at.data or ""),
        decisions_by=uk_moment(decisions_by + "T12:00" if decisions_by else ""),
        budget_pence=_pence(form.budget.data or ""),
        min_award_pence=_pence(form.min_award.data or ""),
        max_award_pence=_pence(form.max_award.data or ""),
        reviews_per_application=parse_whole_number(form.reviews.data or ""),
        blind_review=bool(form.blind_review.data),
        second_approval_above_pence=_pence(form.second_approval_above.data or ""),
        hourly_rate_pence=_pence(form.hourly_rate.data or ""),
        questions={"sections": sections},
    )


def form_data(settings: RoundSettings) -> dict[str, Any]:
    """What the form shows for a round's saved settings."""
    sections = settings.questions.get("sections") or {}
    data: dict[str, Any] = {
        "fund_id": str(settings.fund_id or ""),
        "title": settings.title,
        "slug": settings.slug,
        "summary": settings.summary,
        "opens_at": uk_local(settings.opens_at, "%Y-%m-%dT%H:%M"),
        "closes_at": uk_local(settings.closes_at, "%Y-%m-%dT%H:%M"),
        "decisions_by": uk_local(settings.decisions_by, "%Y-%m-%d"),
        "budget": _pounds(settings.budget_pence),
        "min_award": _pounds(settings.min_award_pence),
        "max_award": _pounds(settings.max_award_pence),
        "second_approval_above": _pounds(settings.second_approval_above_pence),
        "reviews": "" if settings.reviews_per_application is None else str(settings.reviews_per_application),
        "blind_review": settings.blind_review,
        "hourly_rate": _pounds(settings.hourly_rate_pence or programme.current(db.session).hourly_rate_pence),
    }
    for key in SECTION_KEYS:
        section = sections.get(key) or {}
        data[f"guidance_{key}"] = section.get("guidance", "")
        if key in WORD_LIMITED:
            data[f"words_{key}"] = str(section.get("word_limit", DEFAULT_WORD_LIMITS.get(key)) or "")
    return data


def _round_form(settings: RoundSettings | None) -> RoundForm:
    if request.method == "POST":
        form = RoundForm()
    else:
        # A new round starts at the programme's hourly rate for panel members.
        rate = _pounds(programme.current(db.session).hourly_rate_pence)
        form = RoundForm(data=form_data(settings) if settings else {"hourly_rate": rate})
    form.fund_id.choices = [SelectChoice("", gettext("Choose a fund"))] + [
        SelectChoice(str(fund.id), fund.name) for fund in funds.all_funds(db.session)
    ]
    return form


# The settings' names for what the form calls by another name.
FIELD_NAMES = {
    "budget_pence": "budget",
    "min_award_pence": "min_award",
    "max_award_pence": "max_award",
    "second_approval_above_pence": "second_approval_above",
    "reviews_per_application": "reviews",
    "hourly_rate_pence": "hourly_rate",
}


def _field_for(form: RoundForm, problem: str) -> Field:
    """The box a problem from setup.check (or a refused save) is about."""
    name = FIELD_NAMES.get(problem, problem)
    try:
        return form[name]
    except KeyError:
        return form.title


def _page(form: RoundForm, existing: Round | None, status: int = 200) -> tuple[str, int]:
    return (
        render_template(
            "officer/round_form.html",
            form=form,
            existing=existing,
            section_titles=SECTION_TITLES,
        ),
        status,
    )


def _refused(
    form: RoundForm, settings: RoundSettings, existing: Round | None, problems: dict[str, str], status: int
) -> tuple[str, int]:
    for name, message in problems.items():
        refuse(form, message, at=_field_for(form, name))
    return _page(form, existing, status)


def _submit(existing: Round | None) -> Response | tuple[str, int]:
    form = _round_form(None)
    if not form.validate_on_submit():
        abort(400)
    settings = read_form(form)
    problems = setup.check(db.session, settings, existing)
    if problems:
        return _refused(form, settings, existing, problems, 200)
    try:
        saved = setup.save(db.session, settings, existing, by=current_user)
    except DomainError as error:
        db.session.rollback()
        return _refused(form, settings, existing, {error.field or "title": error.message}, 409)
    if existing is None:
        # A new round's next steps (funders, who can apply, questions, scoring) are linked from its page.
        flash(
            gettext(
                "%(saved_title)s is saved. Now set up the rest of it from the pages listed here.",
                saved_title=saved.title,
            ),
            "success",
        )
        return redirect(url_for("officer.edit_round", round_id=saved.id))
    flash(gettext("%(saved_title)s is saved.", saved_title=saved.title), "success")
    return redirect(url_for("officer.home"))


@bp.route("/rounds/new", methods=["GET", "POST"])
def new_round() -> Any:
    return _submit(None) if request.method == "POST" else _page(_round_form(None), None)


@bp.route("/rounds/<int:round_id>/edit", methods=["GET", "POST"])
def edit_round(round_id: int) -> Any:
    existing = get_or_404(Round, round_id)
    if request.method == "POST":
        return _submit(existing)
    settings = setup.settings_of(existing)
    return _page(_round_form(settings), existing)
