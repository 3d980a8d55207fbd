"""A round's scoring scale and criteria, on their own page.

Choosing the scale (a GET form) shows one descriptor box per point of it; the
criteria form posts the scale with them, so both are saved together.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)

from portal.access import acting_user, get_or_404
from portal.errors import DomainError
from portal.extensions import db
from portal.form_errors import refuse
from portal.infra.i18n import _l, gettext
from portal.models.funding import Round
from portal.officer import bp
from portal.services.applications.form import parse_whole_number
from portal.services.rounds import scoring_setup
from portal.services.rounds.scoring_setup import HIGHEST_POINT, LOWEST_POINT, MAX_CRITERIA, CriterionSettings

LOW_CHOICES = [SelectChoice(str(p), str(p)) for p in range(LOWEST_POINT, HIGHEST_POINT)]
HIGH_CHOICES = [SelectChoice(str(p), str(p)) for p in range(LOWEST_POINT + 1, HIGHEST_POINT + 1)]


class ScaleForm(Form):
    """Which scale to describe: sent by GET, so no CSRF token and nothing saved."""

    low = SelectField(_l("Lowest point"), choices=LOW_CHOICES, validate_choice=False)
    high = SelectField(_l("Highest point"), choices=HIGH_CHOICES, validate_choice=False)


class CriterionForm(Form):
    title = StringField(_l("Title"))
    guidance = TextAreaField(_l("Guidance for the panel"))
    weight = StringField(_l("Weight (1 to 10)"), default="1")
    comment = BooleanField(_l("Panel members must comment on this criterion"))
    # One box per point of the scale, named point-N.
    points = FieldList(StringField(), min_entries=0)


class ScoringForm(FlaskForm):
    low = HiddenField()
    high = HiddenField()
    criterion = FieldList(FormField(CriterionForm), min_entries=MAX_CRITERIA, max_entries=MAX_CRITERIA)


def _whole(raw: str | None) -> int | None:
    raw = (raw or "").strip()
    if raw.isdigit():
        return int(raw)
    return None


def _scale(grant_round: Round) -> tuple[int, int]:
    """The scale asked for in the address, when it is a possible one; else the round's."""
    low, high = _whole(request.args.get("low")), _whole(request.args.get("high"))
    if low is not None and high is not None and not scoring_setup.check_scale(low, high):
        return low, high
    return grant_round.scale_low, grant_round.scale_high


def _label_points(form: ScoringForm, low: int, high: int) -> None:
    for entry in form.criterion:
        # Every row shows one box per point, even where fewer were posted.
        while len(entry.form.points) < high - low + 1:
            entry.form.points.append_entry()
        for point, box in zip(range(low, high + 1), entry.form.points, strict=False):
            box.label.text = gettext("What a score of %(point)s means", point=point)


def _fresh_form(grant_round: Round, low: int, high: int) -> ScoringForm:
    rows = [
        {
            "title": c.title,
            "guidance": c.guidance,
            "weight": str(c.weight),
            "comment": c.comment_required,
            "points": [c.descriptors.get(str(p), "") for p in range(low, high + 1)],
        }
        for c in grant_round.criteria
    ]
    rows += [{"points": [""] * (high - low + 1)} for _ in range(MAX_CRITERIA - len(rows))]
    form = ScoringForm(formdata=None, data={"low": str(low), "high": str(high), "criterion": rows})
    _label_points(form, low, high)
    return form


def _gather_errors(form: ScoringForm) -> None:
    """A list gathers its entries' errors only when validated: gather them again after a refusal."""
    for entry in form.criterion:
        entry.form.points.errors = [box.errors for box in entry.form.points if box.errors]
        entry.form._errors = None
    form.criterion.errors = [entry.errors for entry in form.criterion if entry.errors]


def _read(form: ScoringForm, low: int, high: int) -> list[CriterionSettings]:
    criteria = []
    for entry in form.criterion:
        row = entry.form
        title = (row.title.data or "").strip()
        if not title:
            continue
        boxes = [str(box.data or "").strip() for box in row.points]
        criteria.append(
            CriterionSettings(
                title=title[:200],
                guidance=(row.guidance.data or "").strip(),
                weight=parse_whole_number(row.weight.data or "") or 0,
                descriptors={str(p): words for p, words in zip(range(low, high + 1), boxes, strict=False)},
                comment_required=bool(row.comment.data),
            )
        )
    return criteria


def _page(grant_round: Round, form: ScoringForm, low: int, high: int, status: int = 200) -> tuple[str, int]:
    scale = ScaleForm(data={"low": str(low), "high": str(high)})
    locked = scoring_setup.scoring_started(db.session, grant_round)
    return (
        render_template(
            "officer/round_scoring.html",
            grant_round=grant_round,
            form=form,
            scale=scale,
            low=low,
            high=high,
            locked=locked,
        ),
        status,
    )


@bp.route("/rounds/<int:round_id>/scoring", methods=["GET", "POST"])
def round_scoring(round_id: int) -> Response | tuple[str, int]:
    grant_round = get_or_404(Round, round_id)
    if request.method == "GET":
        shown = _scale(grant_round)
        return _page(grant_round, _fresh_form(grant_round, *shown), *shown)
    form = ScoringForm()
    low, high = _whole(form.low.data), _whole(form.high.data)
    if not form.validate() or low is None or high is None or scoring_setup.check_scale(low, high):
        saved = grant_round.scale_low, grant_round.scale_high
        fresh = _fresh_form(grant_round, *saved)
        refuse(fresh, gettext("Choose the scale again, then fill in the criteria"), at=fresh.criterion[0].form.title)
        return _page(grant_round, fresh, *saved, status=400)
    _label_points(form, low, high)
    criteria = _read(form, low, high)
    try:
        scoring_setup.save_scoring(db.session, grant_round, by=acting_user(), low=low, high=high, criteria=criteria)
    except DomainError as error:
        db.session.rollback()
        grant_round = get_or_404(Round, round_id)
        titled = [entry.form for entry in form.criterion if (entry.form.title.data or "").strip()]
        at = form.criterion[0].form.title
        name = error.field or ""
        if name.startswith("criterion-") and name.removeprefix("criterion-").isdigit():
            row = titled[int(name.removeprefix("criterion-"))]
            empty = [box for box in row.points if not str(box.data or "").strip()]
            at = empty[0] if empty else row.weight
        refuse(form, error.message, at=at)
        _gather_errors(form)
        return _page(grant_round, form, low, high, status=400)
    db.session.commit()
    flash(gettext("The scale and criteria are saved."), "success")
    return redirect(url_for("officer.round_scoring", round_id=round_id))
