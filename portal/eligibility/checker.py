"""The eligibility checker: the round's questions one per page, then an immediate answer.

Answers live in the signed session cookie, per round, so it works without
an account and without JavaScript, and nothing about the person is stored.
"""

from __future__ import annotations

from typing import Any

from flask import abort, redirect, render_template, session, url_for
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import RadioField, SelectChoice, StringField
from wtforms.validators import DataRequired, ValidationError

from portal.eligibility import bp
from portal.extensions import db
from portal.forms import CheckboxesField
from portal.infra.i18n import _l, gettext
from portal.models.base import utcnow
from portal.models.funding import Round
from portal.models.organisations import INCOME_BAND_LABELS, ORGANISATION_KIND_LABELS
from portal.services.applications import eligibility
from portal.services.applications.postcodes import normalise_postcode
from portal.services.messages.links import programme_email
from portal.services.rounds import listing

SESSION_KEY = "eligibility"


class PostcodeForm(FlaskForm):
    answer = StringField(
        _l("What is the postcode where your group meets or works?"), validators=[DataRequired(_l("Enter a postcode"))]
    )

    def validate_answer(self, field: Any) -> None:
        if field.data and normalise_postcode(field.data) is None:
            raise ValidationError(gettext("Enter a real postcode, like WD24 4AB"))


class GroupForm(FlaskForm):
    answer = RadioField(
        _l("What kind of group is it?"),
        choices=[SelectChoice(k.value, label) for k, label in ORGANISATION_KIND_LABELS.items()],
        validators=[DataRequired(_l("Choose what kind of group it is"))],
    )


class IncomeForm(FlaskForm):
    answer = RadioField(
        _l("How much money does your group have coming in each year?"),
        choices=[SelectChoice(b.value, label) for b, label in INCOME_BAND_LABELS.items()],
        validators=[DataRequired(_l("Choose your group's yearly income"))],
    )


class PurposeForm(FlaskForm):
    answer = CheckboxesField(
        _l("What is the money for?"),
        choices=[SelectChoice(key, label) for key, label in eligibility.PURPOSES.items()],
        validators=[DataRequired(_l("Choose what the money is for"))],
    )


QUESTIONS: dict[str, tuple[type[FlaskForm], str]] = {
    "postcode": (
        PostcodeForm,
        _l("For example, the community centre or hall you use. It does not have to be anyone's home."),
    ),
    "group": (GroupForm, _l("If your group has no written rules or constitution, choose unconstituted group.")),
    "income": (
        IncomeForm,
        _l("Include grants, donations and money from events in a normal year. An estimate is fine."),
    ),
    "purpose": (PurposeForm, _l("Choose all that apply.")),
}
QUESTIONS_ORDER = list(QUESTIONS)
SLUGS = "any(" + ", ".join(f"'{q}'" for q in QUESTIONS) + ")"


def _round(slug: str) -> Round:
    grant_round = listing.round_by_slug(db.session, slug)
    if grant_round is None:
        abort(404)
    return grant_round


def answers_given() -> dict[str, dict[str, Any]]:
    """Every round's answers this browser gave the checker, by round slug (for pre-filling a profile)."""
    return {slug: dict(answers) for slug, answers in session.get(SESSION_KEY, {}).items()}


def _answers(slug: str) -> dict[str, Any]:
    return dict(session.get(SESSION_KEY, {}).get(slug, {}))


def _store(slug: str, answers: dict[str, Any]) -> None:
    everything = dict(session.get(SESSION_KEY, {}))
    everything[slug] = answers
    session[SESSION_KEY] = everything


def _closed(grant_round: Round) -> str | None:
    if grant_round.is_open():
        return None
    return render_template("eligibility/closed.html", round=grant_round, opens_later=utcnow() < grant_round.opens_at)


@bp.get("/rounds/<slug>/check")
def start(slug: str) -> str:
    grant_round = _round(slug)
    return _closed(grant_round) or render_template("eligibility/start.html", round=grant_round)


@bp.route(f"/rounds/<slug>/check/<{SLUGS}:question>", methods=["GET", "POST"])
def question(slug: str, question: str) -> str | Response | tuple[str, int]:
    grant_round = _round(slug)
    closed = _closed(grant_round)
    if closed:
        return closed
    answers = _answers(slug)
    asked = eligibility.questions_for(grant_round)
    if question not in asked:  # the round's rules do not need it
        following = [q for q in asked if QUESTIONS_ORDER.index(q) > QUESTIONS_ORDER.index(question)]
        target = following[0] if following else None
        return redirect(
            url_for("eligibility.question", slug=slug, question=target)
            if target
            else url_for("eligibility.result", slug=slug)
        )
    earlier = asked[: asked.index(question)]
    missing = next((q for q in earlier if q not in answers), None)
    if missing:
        return redirect(url_for("eligibility.question", slug=slug, question=missing))
    form_class, hint = QUESTIONS[question]
    form = form_class(data={"answer": answers.get(question)}) if not form_class().is_submitted() else form_class()
    if form.validate_on_submit():
        value = form.answer.data
        answers[question] = normalise_postcode(value) if question == "postcode" else value
        _store(slug, answers)
        following = asked[asked.index(question) + 1 :]
        target = next((q for q in following if q not in answers), None)
        if target:
            return redirect(url_for("eligibility.question", slug=slug, question=target))
        return redirect(url_for("eligibility.result", slug=slug))
    back = (
        url_for("eligibility.question", slug=slug, question=earlier[-1])
        if earlier
        else url_for("eligibility.start", slug=slug)
    )
    page = render_template(
        "eligibility/question.html", round=grant_round, form=form, hint=hint, back=back, question=question
    )
    return page


@bp.get("/rounds/<slug>/check/result")
def result(slug: str) -> str | Response:
    grant_round = _round(slug)
    closed = _closed(grant_round)
    if closed:
        return closed
    answers = _answers(slug)
    missing = eligibility.first_missing(grant_round, answers)
    if missing:
        return redirect(url_for("eligibility.question", slug=slug, question=missing))
    asked = eligibility.questions_for(grant_round)
    # Only the answers to this round's questions count (another round may have asked more).
    answers = {question: answers[question] for question in asked}
    place = (
        eligibility.neighbourhood_in_round(db.session, grant_round, answers["postcode"])
        if "postcode" in asked
        else None
    )
    outcome = eligibility.check(
        grant_round, answers, neighbourhood=place.name if place else None, contact=programme_email()
    )
    rows = [
        {
            "key": gettext("Postcode"),
            "value": answers.get("postcode", ""),
            "href": url_for("eligibility.question", slug=slug, question="postcode"),
        },
        {
            "key": gettext("Kind of group"),
            "value": ORGANISATION_KIND_LABELS.get(answers.get("group", ""), ""),
            "href": url_for("eligibility.question", slug=slug, question="group"),
        },
        {
            "key": gettext("Yearly income"),
            "value": INCOME_BAND_LABELS.get(answers.get("income", ""), ""),
            "href": url_for("eligibility.question", slug=slug, question="income"),
        },
        {
            "key": gettext("What the money is for"),
            "value": ", ".join(str(eligibility.PURPOSES.get(p, p)) for p in answers.get("purpose") or []),
            "href": url_for("eligibility.question", slug=slug, question="purpose"),
        },
    ]
    summary = [row for question, row in zip(QUESTIONS_ORDER, rows, strict=True) if question in asked]
    return render_template("eligibility/result.html", round=grant_round, outcome=outcome, summary=summary)
