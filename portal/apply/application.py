"""Starting an application and filling in its sections (the task list pattern).

Every page saves what was typed, even when it is not finished. A save made
from an out-of-date page is refused and both versions are shown (409), so
nothing either member wrote is lost.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.datastructures import FileStorage
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from portal.apply import bp
from portal.apply.application_forms import (
    BudgetForm,
    CopyAnswersForm,
    RevisionForm,
    StartApplicationForm,
    question_form,
    recording_field,
    remove_recording_field,
    transcript_field,
    values_from,
)
from portal.apply.helping_forms import AskToConfirmForm
from portal.apply.loaders import application_for_member
from portal.errors import DomainError, StorageUnavailable
from portal.extensions import db
from portal.form_errors import refuse
from portal.infra import i18n, rate_limits
from portal.infra.i18n import _l, gettext, ngettext
from portal.models.applications import Application, EvidenceKind
from portal.request_bodies import large_files
from portal.services.applications import answers, copying, helpers, lifecycle, spoken
from portal.services.applications import evidence as evidence_rules
from portal.services.applications import form as form_rules
from portal.services.applications.lifecycle import StaleSection
from portal.services.files import media
from portal.services.files.media import receive_recording
from portal.services.files.uploads import receive_upload
from portal.services.rounds import listing, stages
from portal.storage import get_storage

UPLOAD_OUTAGE = _l("We could not save your file just now. Your other answers are saved: try again in a few minutes.")
TOO_MANY_RECORDINGS = _l(
    "You have sent a lot of recordings in the last few minutes. Wait ten minutes, then choose the file again."
)

QUESTION_SLUGS = "any({})".format(
    ", ".join(repr(form_rules.SECTIONS_BY_KEY[key].slug) for key in form_rules.QUESTION_SECTIONS)
)


@bp.route("/rounds/<slug>/apply", methods=["GET", "POST"])
def new_application(slug: str) -> str | Response:
    grant_round = listing.round_by_slug(db.session, slug)
    if grant_round is None:
        abort(404)
    groups = lifecycle.groups_for_round(db.session, current_user, grant_round)
    form = StartApplicationForm()
    form.organisation.choices = [SelectChoice(str(o.id), o.name) for o, existing in groups if existing is None]
    if not grant_round.is_open():
        return render_template("apply/start.html", grant_round=grant_round, groups=groups, form=form, closed=True)
    if form.validate_on_submit():
        chosen = {str(o.id): o for o, existing in groups if existing is None}.get(form.organisation.data or "")
        if chosen is None:
            refuse(form, gettext("Choose the group that is applying"), at=form.organisation)
        else:
            try:
                application = lifecycle.start_application(db.session, grant_round, chosen, by=current_user)
            except DomainError as error:
                refuse(form, error.message, at=form.organisation)
            else:
                return redirect(url_for("apply.task_list", application_id=application.id))
    return render_template("apply/start.html", grant_round=grant_round, groups=groups, form=form, closed=False)


@bp.get("/applications/<int:application_id>")
def task_list(application_id: int) -> str | Response:
    application = application_for_member(application_id)
    if not lifecycle.may_edit(application):
        return redirect(url_for("apply.status", application_id=application.id))
    entries = form_rules.task_list(application)
    return render_template(
        "apply/task_list.html",
        application=application,
        first_stage=stages.at_first_stage(application),
        open_now=stages.open_for(application),
        closes_at=stages.closes_at(application),
        entries=entries,
        complete=all(entry.status.done for entry in entries),
        completed_count=sum(entry.status.done for entry in entries),
        section_url=section_url,
        as_helper=helpers.acting_as_helper(db.session, current_user, application),
        ask_form=AskToConfirmForm(),
        earlier=copying.earlier_applications(db.session, application),
        copy_form=CopyAnswersForm(formdata=None),
    )


@bp.post("/applications/<int:application_id>/copy-answers")
def copy_answers(application_id: int) -> Response:
    application = application_for_member(application_id)
    form = CopyAnswersForm()
    source = db.session.get(Application, form.source.data) if form.validate_on_submit() else None
    if source is None:
        flash(gettext("Choose one of your group's earlier applications to copy from."), "error")
        return redirect(url_for("apply.task_list", application_id=application.id))
    try:
        copied = copying.copy_answers(db.session, application, source, by=current_user)
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("apply.task_list", application_id=application.id))
    if copied:
        flash(
            gettext("Your answers are copied. Check each section and change anything that is different this time."),
            "success",
        )
    else:
        flash(gettext("That application had no answers to questions this round asks."), "info")
    return redirect(url_for("apply.task_list", application_id=application.id))


def section_url(application: Application, key: str) -> str:
    if key == "budget":
        return url_for("apply.budget", application_id=application.id)
    if key == "evidence":
        return url_for("apply.evidence", application_id=application.id)
    if form_rules.is_round_section(key):
        return url_for("apply.round_section", application_id=application.id, key=key)
    return url_for("apply.section", application_id=application.id, section=form_rules.SECTIONS_BY_KEY[key].slug)


def _draft_or_status(application: Application, key: str) -> Response | None:
    """Where to go instead of section ``key``: the status page once sent; the task list for a section the
    form does not ask yet (a two-stage round's full application, before the group is invited)."""
    if not lifecycle.may_edit(application):
        flash(gettext("This application has been sent, so it can no longer be changed."))
        return redirect(url_for("apply.status", application_id=application.id))
    if not stages.asks_now(application, key):
        flash(gettext("This part of the form opens if we invite you to send a full application."))
        return redirect(url_for("apply.task_list", application_id=application.id))
    return None


@bp.route(f"/applications/<int:application_id>/<{QUESTION_SLUGS}:section>", methods=["GET", "POST"])
@large_files("RECORDING_MAX_MB")  # a long-text question may be answered by a recording
def section(application_id: int, section: str) -> str | Response | tuple[str, int]:
    return _question_page(application_id, form_rules.SECTIONS_BY_SLUG[section].key)


@bp.route("/applications/<int:application_id>/more-questions/<key>", methods=["GET", "POST"])
@rate_limits.uploads  # its questions may take a file
@large_files("RECORDING_MAX_MB")
def round_section(application_id: int, key: str) -> str | Response | tuple[str, int]:
    """A section of the round's own questions (made in the question builder)."""
    if not form_rules.is_round_section(key):
        abort(404)
    return _question_page(application_id, key)


def _question_page(application_id: int, key: str) -> str | Response | tuple[str, int]:
    application = application_for_member(application_id)
    leave = _draft_or_status(application, key)
    if leave is not None:
        return leave
    asked = {s.key for s in form_rules.asked_round_sections(application.round)}
    if form_rules.is_round_section(key) and key not in asked:
        abort(404)
    specs = form_rules.fields_for(application, key)
    if request.method == "GET":
        form = question_form(specs, data=_form_data(application, key, specs))
        problems: dict[str, str] = {}
        return _render_section(application, key, specs, form, problems)

    form = question_form(specs)
    if not form.validate():  # only the CSRF token can fail here
        return _render_section(application, key, specs, form, {}), 400
    values = values_from(form, specs)
    replaced: list[int] = []
    upload_problems = _store_uploads(application, key, specs, form, values, replaced)
    replaced_recordings: list[int] = []
    upload_problems |= _store_recordings(application, key, specs, form, values, replaced_recordings)
    try:
        lifecycle.save_answers(
            db.session,
            application,
            key,
            values,
            by=current_user,
            revision=form.revision_number(),
            language=i18n.current_language(),
        )
    except StaleSection as stale:
        return _stale(application_id, key, stale, form, values)
    except DomainError as error:
        refuse(form, error.message)
        return _render_section(application, key, specs, form, {}), 409
    for evidence_id in replaced:
        evidence_rules.discard_replaced_answer_file(
            db.session, get_storage(), application, evidence_id, by=current_user
        )
    for evidence_id in replaced_recordings:
        spoken.discard_recording(db.session, get_storage(), application, evidence_id, by=current_user)
    if upload_problems:  # the other answers are saved (so not an error status, which rolls back)
        problems = form_rules.section_problems(application, key) | upload_problems
        return _render_section(application, key, specs, form, problems, saved_now=True)
    return _after_save(application, key, form, lambda: _render_section_after_save(application, key, specs))


def _store_uploads(
    application: Application,
    key: str,
    specs: list[form_rules.FieldSpec],
    form: RevisionForm,
    values: dict[str, Any],
    replaced: list[int],
) -> dict[str, str]:
    """Store each file chosen for a file question (checked by content, as on the documents page) and
    answer the question with it; a question with no new file keeps the file it had. Question → problem;
    the files that new ones replace are added to ``replaced``."""
    saved = (application.answers or {}).get(key, {})
    problems: dict[str, str] = {}
    max_bytes = current_app.config["MAX_UPLOAD_MB"] * 1024 * 1024
    for spec in specs:
        if spec.kind != "file":
            continue
        values[spec.name] = saved.get(spec.name)
        upload = form[spec.name].data
        if not isinstance(upload, FileStorage) or not upload.filename:
            continue
        try:
            with receive_upload(upload.stream, upload.filename, max_bytes=max_bytes) as received:
                added = evidence_rules.add_evidence(
                    db.session, get_storage(), application, received, EvidenceKind.OTHER, by=current_user
                )
        except StorageUnavailable:
            problems[spec.name] = UPLOAD_OUTAGE
        except DomainError as error:  # refused by content or size, or the application can no longer change
            problems[spec.name] = error.message
        else:
            before = saved.get(spec.name)
            if isinstance(before, dict) and before.get("evidence_id"):
                replaced.append(int(before["evidence_id"]))
            values[spec.name] = {"evidence_id": added.id, "filename": added.original_filename}
    return problems


def _form_data(application: Application, key: str, specs: list[form_rules.FieldSpec]) -> dict[str, Any]:
    """What a section's form shows of the saved answers: each answer, and each recording's transcript."""
    saved = (application.answers or {}).get(key, {})
    data: dict[str, Any] = {**saved, "revision": lifecycle.revision_of(application, key)}
    for spec in specs:
        kept = saved.get(spoken.spoken_name(spec.name))
        if spoken.takes_recording(spec.kind) and isinstance(kept, dict):
            data[transcript_field(spec.name)] = kept.get("transcript") or ""
    return data


def _store_recordings(
    application: Application,
    key: str,
    specs: list[form_rules.FieldSpec],
    form: RevisionForm,
    values: dict[str, Any],
    replaced: list[int],
) -> dict[str, str]:
    """Check and keep each recording chosen (or made in the page) for a long-text question, with its
    transcript; keep, or remove when asked, the one it had. Field → problem; replaced recordings are added
    to ``replaced``. A refused recording stores nothing, and keeps the recording the question had."""
    saved = (application.answers or {}).get(key, {})
    problems: dict[str, str] = {}
    config = current_app.config
    for spec in specs:
        if not spoken.takes_recording(spec.kind):
            continue
        name = spoken.spoken_name(spec.name)
        before = spoken.saved_spoken(application, key, spec.name)
        transcript = str(form[transcript_field(spec.name)].data or "")[: spoken.MAX_TRANSCRIPT_CHARS]
        kept: dict[str, Any] = {**(before or {}), "transcript": transcript}
        upload = form[recording_field(spec.name)].data
        if isinstance(upload, FileStorage) and upload.filename:
            try:
                if not rate_limits.recording_allowed():
                    raise DomainError(TOO_MANY_RECORDINGS)
                with receive_recording(
                    upload.stream,
                    upload.filename,
                    max_bytes=config["RECORDING_MAX_MB"] * 1024 * 1024,
                    max_seconds=config["RECORDING_MAX_SECONDS"],
                ) as received:
                    added = spoken.add_recording(db.session, get_storage(), application, received, by=current_user)
            except StorageUnavailable:
                problems[recording_field(spec.name)] = UPLOAD_OUTAGE
            except DomainError as error:  # refused by content, length or size, or the application can't change
                problems[recording_field(spec.name)] = error.message
            else:
                if before is not None:
                    replaced.append(int(before["evidence_id"]))
                kept = spoken.spoken_value(added, transcript)
        elif before is not None and form[remove_recording_field(spec.name)].data:
            replaced.append(int(before["evidence_id"]))
            kept = {"transcript": transcript}
        if kept.get("evidence_id") or kept.get("transcript"):
            values[name] = kept
        elif isinstance(saved.get(name), dict):
            values[name] = None
    return problems


def _after_save(
    application: Application, key: str, form: RevisionForm, show_problems: Callable[[], str | Response]
) -> str | Response:
    title = form_rules.section_for(application.round, key).title
    if form.come_back_later():
        flash(
            gettext("Your answers to %(lower)s are saved. You can come back to them at any time.", lower=title.lower()),
            "success",
        )
        return redirect(url_for("apply.task_list", application_id=application.id))
    if form_rules.section_problems(application, key):
        return show_problems()
    flash(gettext("You have completed %(lower)s.", lower=title.lower()), "success")
    return redirect(url_for("apply.task_list", application_id=application.id))


def _render_section_after_save(application: Application, key: str, specs: list[form_rules.FieldSpec]) -> str:
    form = question_form(specs, formdata=None, data=_form_data(application, key, specs))
    return _render_section(application, key, specs, form, form_rules.section_problems(application, key), saved_now=True)


def _render_section(
    application: Application,
    key: str,
    specs: list[form_rules.FieldSpec],
    form: RevisionForm,
    problems: dict[str, str],
    *,
    saved_now: bool = False,
    stale: StaleSection | None = None,
    differences: list[dict[str, str]] | None = None,
) -> str:
    for name, message in problems.items():
        if name in form:
            form[name].errors = [message]
        else:  # the group's profile: shown (and linked to) where the page speaks of it
            form.form_errors.append(message)
    hints = {}
    for spec in specs:
        limit = form_rules.field_word_limit(application, key, spec)
        words = ""
        if limit is not None:
            count = form_rules.count_words(str(form[spec.name].data or ""))
            left = limit - count
            words = (
                ngettext("You have %(num)d word remaining.", "You have %(num)d words remaining.", left)
                if left >= 0
                else ngettext("You have %(num)d word too many.", "You have %(num)d words too many.", -left)
            )
        uploaded = form_rules.answer(application, key, spec.name) if spec.kind == "file" else None
        if isinstance(uploaded, dict) and uploaded.get("filename"):
            words = gettext(
                "You have uploaded %(filename)s. Choose another file to replace it.", filename=uploaded["filename"]
            )
        hints[spec.name] = " ".join(filter(None, [spec.hint, words]))
    recordings = {
        spec.name: spoken.spoken_answer(application, key, spec.name)
        for spec in specs
        if spoken.takes_recording(spec.kind)
    }
    return render_template(
        "apply/section.html",
        application=application,
        section=form_rules.section_for(application.round, key),
        guidance=form_rules.guidance(application.round, key),
        specs=specs,
        form=form,
        hints=hints,
        saved_now=saved_now,
        stale=stale,
        differences=differences or [],
        recordings=recordings,
        recording_limits=media.limits_hint(
            current_app.config["RECORDING_MAX_SECONDS"], current_app.config["RECORDING_MAX_MB"]
        ),
    )


def _stale(
    application_id: int, key: str, stale: StaleSection, form: RevisionForm, mine: dict[str, Any]
) -> tuple[str, int]:
    db.session.rollback()
    application = application_for_member(application_id)
    specs = form_rules.fields_for(application, key)
    by_name = {spec.name: spec for spec in specs}
    # Read again after the rollback: what is saved now, whoever saved it.
    saved = (application.answers or {}).get(key, {})
    differences = [
        {
            "label": spec.label,
            "saved": answers.shown_answer(spec, saved.get(name)),
            "yours": answers.shown_answer(spec, mine.get(name)),
        }
        for name, spec in by_name.items()
        if (saved.get(name) or None) != (mine.get(name) or None)
    ]
    form.revision.data = str(lifecycle.revision_of(application, key))  # saving again replaces what is saved
    return _render_section(application, key, specs, form, {}, stale=stale, differences=differences), 409


def _blank(line: form_rules.BudgetLineInput) -> bool:
    return not line.item and not line.amount


@bp.route("/applications/<int:application_id>/budget", methods=["GET", "POST"])
def budget(application_id: int) -> str | Response | tuple[str, int]:
    application = application_for_member(application_id)
    leave = _draft_or_status(application, "budget")
    if leave is not None:
        return leave
    if request.method == "GET":
        form = RevisionForm(data={"revision": lifecycle.revision_of(application, "budget")})
        return _render_budget(application, form, form_rules.budget_inputs(application))

    form = BudgetForm()
    lines = form.typed_lines()
    if not form.validate():
        return _render_budget(application, form, lines), 400
    action = form.action.data or "continue"
    remove = form_rules.parse_whole_number(form.remove.data)
    if remove is not None and remove < len(lines):
        del lines[remove]
        action = "stay"
    elif action == "add":
        lines = [line for line in lines if not _blank(line)] + [form_rules.BudgetLineInput("", "")]
    else:
        lines = [line for line in lines if not _blank(line)]
    try:
        lifecycle.save_budget(db.session, application, lines, by=current_user, revision=form.revision_number())
    except StaleSection as stale:
        db.session.rollback()
        application = application_for_member(application_id)
        form.revision.data = str(lifecycle.revision_of(application, "budget"))
        saved = form_rules.budget_inputs(application)
        return _render_budget(application, form, lines, stale=stale, saved_lines=saved), 409
    except DomainError as error:
        form.form_errors.append(error.message)
        return _render_budget(application, form, lines), 409
    if action in ("add", "stay", "stay-save"):
        return redirect(url_for("apply.budget", application_id=application.id) + ("#budget-lines"))
    return _after_save(application, "budget", form, lambda: _render_budget_after_save(application))


def _render_budget_after_save(application: Application) -> str:
    form = RevisionForm(formdata=None, data={"revision": lifecycle.revision_of(application, "budget")})
    return _render_budget(
        application,
        form,
        form_rules.budget_inputs(application),
        problems=form_rules.budget_problems(application),
        saved_now=True,
    )


def _render_budget(
    application: Application,
    form: RevisionForm,
    lines: list[form_rules.BudgetLineInput],
    *,
    problems: dict[str, str] | None = None,
    saved_now: bool = False,
    stale: StaleSection | None = None,
    saved_lines: list[form_rules.BudgetLineInput] | None = None,
) -> str:
    problems = problems or {}
    if not lines:
        lines = [form_rules.BudgetLineInput("", "")]
    line_errors = {int(name.split("-")[1]): message for name, message in problems.items() if name.startswith("line-")}
    for name, message in problems.items():
        if not name.startswith("line-"):
            form.form_errors.append(message)
    return render_template(
        "apply/budget.html",
        application=application,
        form=form,
        lines=lines,
        line_errors=line_errors,
        total_pence=form_rules.budget_total_pence(lines),
        guidance=form_rules.guidance(application.round, "budget"),
        saved_now=saved_now,
        stale=stale,
        saved_lines=saved_lines or [],
        max_lines=form_rules.MAX_BUDGET_LINES,
    )
