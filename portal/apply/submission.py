"""Checking answers and sending; then where the application stands, answering questions, withdrawing."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_limiter.errors import RateLimitExceeded
from flask_login import current_user
from werkzeug.datastructures import FileStorage
from werkzeug.wrappers import Response

from portal.apply import bp
from portal.apply.application import section_url
from portal.apply.application_forms import AnswerForm, SubmitForm, WithdrawForm
from portal.apply.loaders import application_for_member
from portal.errors import DomainError, StorageUnavailable, UploadRejected
from portal.extensions import db
from portal.form_errors import refuse
from portal.infra import rate_limits
from portal.infra.i18n import _l, gettext
from portal.services.applications import answers, evidence, lifecycle, timeline
from portal.services.applications import form as form_rules
from portal.services.awards import decisions
from portal.services.files.uploads import ReceivedFile, receive_upload
from portal.services.rounds import stages
from portal.storage import get_storage
from portal.workflow import APPLICATION_LABELS


def answer_rows(application: Any) -> list[dict[str, Any]]:
    """Every answer, grouped by section, with a change link to its page."""
    groups = []
    for entry in form_rules.task_list(application):
        key = entry.section.key
        href = section_url(application, key)
        rows: list[dict[str, Any]] = []
        if form_rules.is_question_section(key):
            for row in answers.answer_rows(application, key, form_rules.fields_for(application, key)):
                rows.append({"key": row.label, "value": row.value, "href": href, "spoken": row.spoken})
        elif key == "budget":
            for line in application.budget_lines:
                rows.append({"key": line.item, "value": line.amount_pence, "money": True, "href": href})
            rows.append(
                {
                    "key": gettext("Total you are asking for"),
                    "value": application.amount_requested_pence,
                    "money": True,
                    "href": href,
                }
            )
        elif key == "evidence":
            for need in evidence.evidence_needed(application):
                names = ", ".join(e.original_filename for e in need.files) or gettext("None")
                rows.append({"key": need.label, "value": names, "href": href})
        groups.append(
            {
                "title": entry.section.title,
                "rows": rows,
                "status": entry.status,
                "by_helper": key in (application.helper_sections or []),
            }
        )
    return groups


@bp.route("/applications/<int:application_id>/check-your-answers", methods=["GET", "POST"])
def check_answers(application_id: int) -> str | Response | tuple[str, int]:
    application = application_for_member(application_id)
    if not lifecycle.may_edit(application):
        return redirect(url_for("apply.submitted", application_id=application.id))
    form = SubmitForm()
    if form.validate_on_submit():
        try:
            lifecycle.submit_application(db.session, application, by=current_user)
        except DomainError as error:
            refuse(form, error.message)
            return _check_page(application, form), 409
        # Sent now or by a double tap a moment ago: the same confirmation either way.
        return redirect(url_for("apply.submitted", application_id=application.id))
    return _check_page(application, form)


def _check_page(application: Any, form: SubmitForm) -> str:
    return render_template(
        "apply/check_answers.html",
        application=application,
        groups=answer_rows(application),
        form=form,
        first_stage=stages.at_first_stage(application),
    )


@bp.get("/applications/<int:application_id>/sent")
def submitted(application_id: int) -> str | Response:
    application = application_for_member(application_id)
    first_stage = stages.at_first_stage(application)
    if (application.eoi_submitted_at if first_stage else application.submitted_at) is None:
        return redirect(url_for("apply.task_list", application_id=application.id))
    return render_template("apply/submitted.html", application=application, first_stage=first_stage)


@bp.get("/applications/<int:application_id>/status")
def status(application_id: int) -> str | Response:
    application = application_for_member(application_id)
    return render_template(
        "apply/status.html",
        application=application,
        status_label=APPLICATION_LABELS[application.status],
        timeline=timeline.timeline(db.session, application),
        next_step=timeline.next_step(application),
        outcome=timeline.outcome_message(db.session, application),
        question=timeline.open_question(application),
        award=decisions.award_for(db.session, application),
        may_edit=lifecycle.may_edit(application),
        can_withdraw=lifecycle.may_withdraw(application),
    )


@bp.route("/applications/<int:application_id>/withdraw", methods=["GET", "POST"])
def withdraw(application_id: int) -> str | Response | tuple[str, int]:
    application = application_for_member(application_id)
    if not lifecycle.may_withdraw(application):
        flash(
            gettext(
                "This application is %(lower)s, so it cannot be withdrawn.",
                lower=APPLICATION_LABELS[application.status].lower(),
            )
        )
        return redirect(url_for("apply.status", application_id=application.id))
    form = WithdrawForm()
    if form.validate_on_submit():
        try:
            lifecycle.withdraw_application(db.session, application, by=current_user, reason=form.reason.data or "")
        except DomainError as error:
            refuse(form, error.message)
            return render_template("apply/withdraw.html", application=application, form=form), 409
        flash(gettext("You have withdrawn the application."), "success")
        return redirect(url_for("apply.status", application_id=application.id))
    return render_template("apply/withdraw.html", application=application, form=form)


@bp.route("/applications/<int:application_id>/questions/<int:info_request_id>", methods=["GET", "POST"])
def answer_question(application_id: int, info_request_id: int) -> str | Response | tuple[str, int]:
    application = application_for_member(application_id)
    info_request = lifecycle.info_request_of(db.session, application, info_request_id)
    if info_request is None:
        abort(404)
    if not lifecycle.may_answer(application, info_request):
        return render_template("apply/answered.html", application=application, info_request=info_request)
    form = AnswerForm()
    max_mb = current_app.config["MAX_UPLOAD_MB"]
    page = {"application": application, "info_request": info_request, "form": form, "max_mb": max_mb}
    if not form.validate_on_submit():
        return render_template("apply/answer_question.html", **page), 200
    received: list[ReceivedFile] = []
    uploads = [upload for upload in request.files.getlist(form.files.name) if upload and upload.filename]
    try:
        if uploads:
            _receive_files(uploads, max_bytes=max_mb * 1024 * 1024, into=received)
        lifecycle.answer_info_request(
            db.session, get_storage(), info_request, by=current_user, answer=form.answer.data or "", files=received
        )
    except RateLimitExceeded:
        refuse(form, TOO_MANY_UPLOADS, at=form.files)
        return render_template("apply/answer_question.html", **page), 429
    except UploadRejected as error:
        form.files.errors = [error.message]
        return render_template("apply/answer_question.html", **page), 400
    except StorageUnavailable:
        refuse(
            form,
            gettext(
                "We could not save your files just now, so nothing has been sent. Try again in a few "
                "minutes: your answer is still here."
            ),
            at=form.files,
        )
        return render_template("apply/answer_question.html", **page), 503
    except DomainError as error:
        refuse(form, error.message)
        return render_template("apply/answer_question.html", **page), 409
    finally:
        for item in received:
            item.close()
    flash(gettext("Thank you. We have your answer and will carry on checking your application."), "success")
    return redirect(url_for("apply.status", application_id=application.id))


TOO_MANY_UPLOADS = _l(
    "Your answer has not been sent: you have uploaded a lot of files in a short while. Your answer "
    "is still here. Wait a few minutes, then send it again with the files."
)


@rate_limits.uploads
def _receive_files(uploads: list[FileStorage], *, max_bytes: int, into: list[ReceivedFile]) -> None:
    # Limited here rather than on the page, so an answer without files is never held back,
    # and going over the limit keeps what the person typed. Each checked file goes into
    # ``into`` at once, so the caller closes it even when a later one is refused.
    for upload in uploads:
        into.append(receive_upload(upload.stream, upload.filename or "", max_bytes=max_bytes))
