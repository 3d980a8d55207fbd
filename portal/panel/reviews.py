"""Onboarding, the conflict question, the review page and its confirmation, and time: the panellist's pages."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from markupsafe import Markup
from werkzeug.wrappers import Response
from wtforms import (
    BooleanField,
    DateField,
    Field,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from portal.access import acting_user
from portal.errors import DomainError
from portal.extensions import db
from portal.form_errors import refuse
from portal.infra.i18n import _l, gettext
from portal.models.applications import Application
from portal.models.funding import Criterion
from portal.models.panels import Panel, Recommendation, Review, TimeActivity
from portal.panel import bp
from portal.services.applications import evidence as evidence_rules
from portal.services.messages.links import programme_email
from portal.services.panels import access, conflicts, membership, paid_time, scoring
from portal.services.panels.scoring import CriterionAnswer


class OnboardingForm(FlaskForm):
    accepted = BooleanField(
        _l("I will keep applications confidential, and I will declare any conflict of interest before I read one")
    )
    paid = RadioField(
        _l("Do you want to be paid for your time?"),
        choices=[
            SelectChoice("yes", _l("Yes, pay me for my time")),
            SelectChoice("no", _l("No, I will volunteer my time")),
        ],
        validators=[DataRequired(_l("Choose whether you want to be paid"))],
    )


class ConflictForm(FlaskForm):
    answer = RadioField(
        _l("Do you know this group, or have an interest in it?"),
        choices=[
            SelectChoice("no", _l("No, I do not know the group and have no interest in it")),
            SelectChoice("yes", _l("Yes: I know people in it, I am involved with it, or I would gain if it is funded")),
        ],
        validators=[DataRequired(_l("Choose yes or no"))],
    )
    nature = TextAreaField(
        _l("If yes, tell us briefly how (optional)"), validators=[Length(max=2000)], render_kw={"rows": 3}
    )


class TimeForm(FlaskForm):
    panel = RadioField(_l("Which panel was it for?"), validators=[DataRequired(_l("Choose the panel"))])
    activity = RadioField(
        _l("What did you do?"),
        choices=[SelectChoice(a.value, label) for a, label in paid_time.ACTIVITY_LABELS.items()],
        validators=[DataRequired(_l("Choose what you did"))],
    )
    worked_on = DateField(
        _l("Date"), validators=[InputRequired(_l("Enter the date, like 2027-03-14"))], format="%Y-%m-%d"
    )
    hours = IntegerField(
        _l("Hours"), validators=[Optional(), NumberRange(min=0, max=12, message=_l("Hours must be 0 to 12"))]
    )
    minutes = IntegerField(
        _l("Minutes"), validators=[Optional(), NumberRange(min=0, max=59, message=_l("Minutes must be 0 to 59"))]
    )
    note = StringField(_l("Note (optional)"), validators=[Length(max=500)])


def member_or_404(panel_id: int) -> Any:
    member = access.current_membership(db.session, acting_user(), panel_id)
    if member is None:
        abort(404)
    return member


@bp.route("/panels/<int:panel_id>/welcome", methods=["GET", "POST"])
def onboarding(panel_id: int) -> str | Response:
    member = member_or_404(panel_id)
    form = OnboardingForm(data={"paid": "yes" if member.wants_payment else "no"} if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            membership.complete_onboarding(
                db.session, member, accepted=form.accepted.data, wants_payment=form.paid.data == "yes"
            )
        except DomainError as error:
            form.accepted.errors = [error.message]
        else:
            flash(gettext("Thank you. You can now read the applications given to you."), "success")
            return redirect(url_for("panel.home"))
    panel: Panel = member.panel
    return render_template("panel/onboarding.html", panel=panel, form=form, member=member)


def _assignment_or_404(application_id: int) -> Any:
    found = access.opening(db.session, acting_user(), application_id)
    if found is None:
        abort(404)
    assignment, member = found
    if member.onboarded_at is None:
        flash(gettext("Before you read any application, please read the panel guide and agree to it."))
        abort(redirect(url_for("panel.onboarding", panel_id=assignment.panel_id)))
    return assignment


@bp.route("/applications/<int:application_id>/conflict", methods=["GET", "POST"])
def conflict(application_id: int) -> str | Response | tuple[str, int]:
    assignment = _assignment_or_404(application_id)
    application: Application = assignment.application
    form = ConflictForm()
    # Asked again from the review page, the answer may change to yes; once the review is in, it cannot.
    open_to_declare = conflicts.can_declare_late(db.session, assignment)
    status = 200
    if open_to_declare and form.validate_on_submit():
        if form.answer.data == "no":
            membership.confirm_no_conflict(db.session, assignment, by=acting_user())
            return redirect(url_for("panel.review", application_id=application_id))
        try:
            conflicts.declare_conflict(db.session, assignment, by=acting_user(), nature=form.nature.data or "")
        except DomainError as error:
            form.answer.errors = [error.message]
            status = 409
        else:
            flash(
                gettext("Thank you for telling us. The application has been given to another panel member."), "success"
            )
            return redirect(url_for("panel.home"))
    return render_template(
        "panel/conflict.html",
        application=application,
        form=form,
        blind=application.round.blind_review,
        asked_before=assignment.no_conflict_confirmed_at is not None,
        open_to_declare=open_to_declare,
        team=programme_email(),
    ), status


class ReviewForm(FlaskForm):
    """A panellist's review. ``review_form`` adds the questions, in the page's order: a score and a
    comment per criterion, then the recommendation and an overall comment."""

    # Which button was pressed ("draft" or "submit"); never rendered, the buttons carry it.
    action = HiddenField()
    recommendation: RadioField
    comment: TextAreaField

    criteria: list[Criterion]

    def score(self, criterion: Criterion) -> Field:
        return self[f"score-{criterion.id}"]

    def criterion_comment(self, criterion: Criterion) -> Field:
        return self[f"comment-{criterion.id}"]

    def answers(self) -> dict[int, CriterionAnswer]:
        found = {}
        for criterion in self.criteria:
            raw = str(self.score(criterion).data or "")
            comment = str(self.criterion_comment(criterion).data or "").strip()
            found[criterion.id] = CriterionAnswer(int(raw) if raw.isdigit() else None, comment)
        return found

    def chosen_recommendation(self) -> Recommendation | None:
        try:
            return Recommendation(self.recommendation.data or "")
        except ValueError:
            return None

    def show_problems(self, problems: dict[str, str]) -> None:
        """``scoring.problems`` beside the questions they are about."""
        for name, message in problems.items():
            self[name].errors = [message]


def _score_label(point: int, descriptor: str) -> Markup:
    return Markup("<strong>{}</strong>: {}").format(point, descriptor)


def _criterion_label(criterion: Criterion) -> Markup:
    if criterion.weight > 1:
        return Markup('{} <span class="secondary-text">(counts {} times)</span>').format(
            criterion.title, criterion.weight
        )
    return Markup("{}").format(criterion.title)


def review_form(criteria: list[Criterion], own: Review | None) -> ReviewForm:
    """The review form for a round's criteria, filled from the panellist's saved draft until they send it."""

    class RoundReviewForm(ReviewForm):
        pass

    for criterion in criteria:
        setattr(
            RoundReviewForm,
            f"score-{criterion.id}",
            RadioField(
                _criterion_label(criterion),
                choices=[
                    SelectChoice(str(point), _score_label(point, criterion.descriptors.get(str(point), "")))
                    for point in criterion.score_points
                ],
                validators=[Optional()],
                validate_choice=False,
            ),
        )
        setattr(
            RoundReviewForm,
            f"comment-{criterion.id}",
            TextAreaField(
                gettext(
                    "Comment on %(lower)s%(value)s",
                    lower=criterion.title.lower(),
                    value="" if criterion.comment_required else " (optional)",
                ),
                render_kw={"rows": 3},
            ),
        )
    RoundReviewForm.recommendation = RadioField(
        gettext("Would you fund it?"),
        choices=[SelectChoice(value.value, label) for value, label in scoring.RECOMMENDATIONS.items()],
        validators=[Optional()],
        validate_choice=False,  # a draft keeps what it can; ``scoring.problems`` says what is missing
    )
    RoundReviewForm.comment = TextAreaField(
        gettext("Anything else the panel should know? (optional)"), render_kw={"rows": 4}
    )
    saved: dict[str, Any] = {}
    if own is not None:
        saved = {"recommendation": own.recommendation.value if own.recommendation else None, "comment": own.comment}
        for score in own.scores:
            saved[f"score-{score.criterion_id}"] = str(score.value)
            saved[f"comment-{score.criterion_id}"] = score.comment
    form = RoundReviewForm(data=saved)
    form.criteria = criteria
    return form


@bp.route("/applications/<int:application_id>", methods=["GET", "POST"])
def review(application_id: int) -> str | Response | tuple[str, int]:
    assignment = _assignment_or_404(application_id)
    if assignment.no_conflict_confirmed_at is None:
        return redirect(url_for("panel.conflict", application_id=application_id))
    application: Application = assignment.application
    criteria = application.round.criteria
    own = scoring.review_of(db.session, application, acting_user())
    form = review_form(criteria, own)
    status = 200
    if form.validate_on_submit():
        answers, recommendation = form.answers(), form.chosen_recommendation()
        try:
            # Kept whichever button was pressed, so nothing is lost while they finish or confirm.
            scoring.save_draft(
                db.session,
                assignment,
                answers,
                by=acting_user(),
                recommendation=recommendation,
                comment=form.comment.data or "",
            )
        except DomainError as error:
            refuse(form, error)
            status = 409
        else:
            if form.action.data != "submit":
                flash(gettext("Your review is saved as a draft."), "success")
                return redirect(url_for("panel.review", application_id=application_id))
            problems = scoring.problems(criteria, answers, recommendation)
            form.show_problems(problems)
            if not problems:
                return redirect(url_for("panel.confirm_review", application_id=application_id))
        own = scoring.review_of(db.session, application, acting_user())
    elif request.method == "GET" and request.args.get("check") and own is not None and not own.submitted:
        # Sent back from the confirmation page: say what is missing, here beside each question.
        form.show_problems(scoring.problems(criteria, scoring.draft_answers(own), own.recommendation))
    return render_template(
        "panel/review.html",
        application=application,
        shown=access.what_panellist_reads(application),
        criteria=criteria,
        own=own,
        chosen={s.criterion_id: s for s in own.scores} if own else {},
        form=form,
        recommendations=scoring.RECOMMENDATIONS,
        others=access.others_reviews(db.session, assignment, by=acting_user(), own=own),
        photos=evidence_rules.shown_to_panel(application),
        late_conflict=conflicts.can_declare_late(db.session, assignment, own=own),
        team=programme_email(),
    ), status


class ConfirmReviewForm(FlaskForm):
    """Only the button: what is sent is the draft they have just saved and read back."""


@bp.route("/applications/<int:application_id>/submit", methods=["GET", "POST"])
def confirm_review(application_id: int) -> str | Response | tuple[str, int]:
    assignment = _assignment_or_404(application_id)
    if assignment.no_conflict_confirmed_at is None:
        return redirect(url_for("panel.conflict", application_id=application_id))
    application: Application = assignment.application
    own = scoring.review_of(db.session, application, acting_user())
    if own is None or own.submitted:
        return redirect(url_for("panel.review", application_id=application_id))
    if scoring.problems(application.round.criteria, scoring.draft_answers(own), own.recommendation):
        return redirect(url_for("panel.review", application_id=application_id, check=1))
    form = ConfirmReviewForm()
    status = 200
    if form.validate_on_submit():
        try:
            scoring.submit_draft(db.session, assignment, by=acting_user())
        except DomainError as error:
            form.form_errors.append(error.message)
            status = 409
        else:
            flash(gettext("Your review is submitted. Thank you."), "success")
            return redirect(url_for("panel.review", application_id=application_id))
    return render_template(
        "panel/confirm_review.html",
        application=application,
        group_name=None if application.round.blind_review else application.organisation.name,
        criteria=application.round.criteria,
        chosen={s.criterion_id: s for s in own.scores},
        own=own,
        form=form,
        recommendations=scoring.RECOMMENDATIONS,
    ), status


@bp.route("/time", methods=["GET", "POST"])
def time() -> str | Response:
    members = access.current_memberships(db.session, acting_user())
    form = TimeForm()
    form.panel.choices = [SelectChoice(str(m.panel_id), m.panel.name) for m in members]
    if len(members) == 1 and not form.panel.data:
        form.panel.data = str(members[0].panel_id)
    if form.validate_on_submit():
        member = next((m for m in members if str(m.panel_id) == form.panel.data), None)
        minutes = (form.hours.data or 0) * 60 + (form.minutes.data or 0)
        if member is None:
            form.panel.errors = [gettext("Choose the panel")]
        else:
            try:
                paid_time.log_time(
                    db.session,
                    member,
                    activity=TimeActivity(form.activity.data),
                    worked_on=form.worked_on.data or date.today(),
                    minutes=minutes,
                    note=form.note.data or "",
                )
            except DomainError as error:
                form.hours.errors = [error.message]
            else:
                flash(gettext("Your time is recorded."), "success")
                return redirect(url_for("panel.time"))
    return render_template(
        "panel/time.html",
        form=form,
        members=members,
        entries=paid_time.entries_of(db.session, acting_user()),
        labels=paid_time.ACTIVITY_LABELS,
    )
