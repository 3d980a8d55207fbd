"""The question builder: a round's own sections and questions, their order, a preview, and required documents.

Every change goes through ``services.rounds.questions``; once a group has
started an application the pages show the questions read-only and say why.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from portal.access import acting_user, get_or_404
from portal.apply.application_forms import question_form
from portal.errors import DomainError
from portal.extensions import db
from portal.form_errors import refuse
from portal.forms import ButtonForm
from portal.infra.i18n import gettext
from portal.models.funding import Round
from portal.models.questions import RoundQuestion, RoundSection
from portal.officer import bp
from portal.officer.question_forms import MoveForm, QuestionForm, SectionForm
from portal.services.applications import form as form_rules
from portal.services.rounds import questions

Page = str | Response | tuple[str, int]


def _back(grant_round: Round) -> Response:
    return redirect(url_for("officer.round_questions", round_id=grant_round.id))


def _move(grant_round: Round, move: Callable[[bool], None]) -> Response:
    """A move up or down (a button in a form): refused moves are said on the list, nothing else changes."""
    form = MoveForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        move(form.direction.data == "up")
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    return _back(grant_round)


def _confirm_removal(grant_round: Round, what: str, remove: Callable[[], None], removed: str) -> Page:
    """The page asking to confirm a removal, and the removal once confirmed."""
    form = ButtonForm()
    if request.method == "POST" and not form.validate():
        abort(400)
    if request.method == "POST":
        try:
            remove()
        except DomainError as error:
            refuse(form, error)
            return render_template("officer/remove_question.html", grant_round=grant_round, form=form, what=what), 409
        flash(removed, "success")
        return _back(grant_round)
    return render_template("officer/remove_question.html", grant_round=grant_round, form=form, what=what)


def _section_of(grant_round: Round, section_id: int) -> RoundSection:
    section = get_or_404(RoundSection, section_id)
    if section.round_id != grant_round.id:
        abort(404)
    return section


def _question_of(grant_round: Round, question_id: int) -> RoundQuestion:
    question = get_or_404(RoundQuestion, question_id)
    if question.round_id != grant_round.id or question.removed:
        abort(404)
    return question


@bp.get("/rounds/<int:round_id>/questions")
def round_questions(round_id: int) -> str:
    grant_round = get_or_404(Round, round_id)
    return render_template(
        "officer/round_questions.html",
        grant_round=grant_round,
        locked=questions.is_locked(db.session, grant_round),
        locked_message=questions.LOCKED,
        move_form=MoveForm(),
    )


@bp.get("/rounds/<int:round_id>/questions/preview")
def preview_questions(round_id: int) -> str:
    """Each of the round's own sections as groups see it, its controls disabled."""
    grant_round = get_or_404(Round, round_id)
    sections = []
    for section in form_rules.asked_round_sections(grant_round):
        specs = [form_rules.question_spec(q) for q in section.asked]
        # Each control's id names its section (the prefix), as several sections share the page.
        form = question_form(specs, formdata=None, prefix=section.key, meta={"csrf": False})
        sections.append((section, specs, form))
    return render_template("officer/question_preview.html", grant_round=grant_round, sections=sections)


def _section_page(grant_round: Round, form: SectionForm, section: RoundSection | None, status: int = 200) -> Page:
    page = render_template(
        "officer/round_section_form.html",
        grant_round=grant_round,
        form=form,
        section=section,
        locked=questions.is_locked(db.session, grant_round),
        locked_message=questions.LOCKED,
    )
    return (page, status) if status != 200 else page


@bp.route("/rounds/<int:round_id>/questions/sections/new", methods=["GET", "POST"])
def add_round_section(round_id: int) -> Page:
    grant_round = get_or_404(Round, round_id)
    form = SectionForm()
    if request.method == "GET":
        return _section_page(grant_round, form, None)
    if not form.validate():  # only the CSRF token can fail here
        return _section_page(grant_round, form, None, 400)
    problems = questions.section_problems(form.title.data or "", form.intro.data or "")
    for name, message in problems.items():
        refuse(form, message, at=form[name])
    if problems:
        return _section_page(grant_round, form, None)
    try:
        section = questions.add_section(
            db.session, grant_round, title=form.title.data or "", intro=form.intro.data or "", by=acting_user()
        )
    except DomainError as error:
        refuse(form, error)
        return _section_page(grant_round, form, None, 409)
    flash(gettext("The section %(section_title)s is added. Add its questions.", section_title=section.title), "success")
    return _back(grant_round)


@bp.route("/rounds/<int:round_id>/questions/sections/<int:section_id>/edit", methods=["GET", "POST"])
def edit_round_section(round_id: int, section_id: int) -> Page:
    grant_round = get_or_404(Round, round_id)
    section = _section_of(grant_round, section_id)
    form = SectionForm(data={"title": section.title, "intro": section.intro})
    if request.method == "GET":
        return _section_page(grant_round, form, section)
    if not form.validate():
        return _section_page(grant_round, form, section, 400)
    problems = questions.section_problems(form.title.data or "", form.intro.data or "")
    for name, message in problems.items():
        refuse(form, message, at=form[name])
    if problems:
        return _section_page(grant_round, form, section)
    try:
        questions.change_section(
            db.session, section, title=form.title.data or "", intro=form.intro.data or "", by=acting_user()
        )
    except DomainError as error:
        refuse(form, error)
        return _section_page(grant_round, form, section, 409)
    flash(gettext("The section %(section_title)s is saved.", section_title=section.title), "success")
    return _back(grant_round)


@bp.post("/rounds/<int:round_id>/questions/sections/<int:section_id>/move")
def move_round_section(round_id: int, section_id: int) -> Response:
    grant_round = get_or_404(Round, round_id)
    section = _section_of(grant_round, section_id)
    return _move(grant_round, lambda up: questions.move_section(db.session, section, up=up, by=acting_user()))


@bp.route("/rounds/<int:round_id>/questions/sections/<int:section_id>/remove", methods=["GET", "POST"])
def remove_round_section(round_id: int, section_id: int) -> Page:
    grant_round = get_or_404(Round, round_id)
    section = _section_of(grant_round, section_id)
    return _confirm_removal(
        grant_round,
        gettext(
            "the section %(section_title)s and its %(len)s questions",
            section_title=section.title,
            len=len(section.questions),
        ),
        lambda: questions.remove_section(db.session, section, by=acting_user()),
        gettext("The section %(section_title)s is removed.", section_title=section.title),
    )


def _question_page(
    grant_round: Round, section: RoundSection, form: QuestionForm, question: RoundQuestion | None, status: int = 200
) -> Page:
    page = render_template(
        "officer/round_question_form.html",
        grant_round=grant_round,
        section=section,
        form=form,
        question=question,
        locked=questions.is_locked(db.session, grant_round),
        locked_message=questions.LOCKED,
    )
    return (page, status) if status != 200 else page


def _refused(form: QuestionForm) -> bool:
    problems = questions.question_problems(form.settings())
    for name, message in problems.items():
        refuse(form, message, at=form[name])
    return bool(problems)


@bp.route("/rounds/<int:round_id>/questions/sections/<int:section_id>/add", methods=["GET", "POST"])
def add_round_question(round_id: int, section_id: int) -> Page:
    grant_round = get_or_404(Round, round_id)
    section = _section_of(grant_round, section_id)
    form = QuestionForm()
    if request.method == "GET":
        return _question_page(grant_round, section, form, None)
    if not form.validate():
        return _question_page(grant_round, section, form, None, 400)
    if _refused(form):
        return _question_page(grant_round, section, form, None)
    try:
        added = questions.add_question(db.session, section, form.settings(), by=acting_user())
    except DomainError as error:
        refuse(form, error)
        return _question_page(grant_round, section, form, None, 409)
    flash(gettext("The question “%(question)s” is added.", question=added.question), "success")
    return _back(grant_round)


@bp.route("/rounds/<int:round_id>/questions/<int:question_id>/edit", methods=["GET", "POST"])
def edit_round_question(round_id: int, question_id: int) -> Page:
    grant_round = get_or_404(Round, round_id)
    question = _question_of(grant_round, question_id)
    form = QuestionForm.of(question)
    if request.method == "GET":
        return _question_page(grant_round, question.section, form, question)
    if not form.validate():
        return _question_page(grant_round, question.section, form, question, 400)
    if _refused(form):
        return _question_page(grant_round, question.section, form, question)
    try:
        questions.change_question(db.session, question, form.settings(), by=acting_user())
    except DomainError as error:
        refuse(form, error)
        return _question_page(grant_round, question.section, form, question, 409)
    flash(gettext("The question “%(question)s” is saved.", question=question.question), "success")
    return _back(grant_round)


@bp.post("/rounds/<int:round_id>/questions/<int:question_id>/move")
def move_round_question(round_id: int, question_id: int) -> Response:
    grant_round = get_or_404(Round, round_id)
    question = _question_of(grant_round, question_id)
    return _move(grant_round, lambda up: questions.move_question(db.session, question, up=up, by=acting_user()))


@bp.route("/rounds/<int:round_id>/questions/<int:question_id>/remove", methods=["GET", "POST"])
def remove_round_question(round_id: int, question_id: int) -> Page:
    grant_round = get_or_404(Round, round_id)
    question = _question_of(grant_round, question_id)
    return _confirm_removal(
        grant_round,
        gettext("the question “%(question)s”", question=question.question),
        lambda: questions.remove_question(db.session, question, by=acting_user()),
        gettext("The question “%(question)s” is removed.", question=question.question),
    )
