"""The group's side of a grant: the offer, accepting it, bank details, and its monitoring reports."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_limiter.errors import RateLimitExceeded
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from markupsafe import Markup, escape
from werkzeug.datastructures import FileStorage
from werkzeug.wrappers import Response
from wtforms import BooleanField, HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError
from wtforms.widgets import TextArea, html_params

from portal.apply import bp
from portal.apply.loaders import award_for_member
from portal.errors import DomainError, StorageUnavailable, UploadRejected
from portal.extensions import db
from portal.form_errors import refuse
from portal.forms import strip
from portal.infra import rate_limits
from portal.infra.i18n import _l, gettext
from portal.models.awards import Award, MonitoringReport
from portal.request_bodies import text_beside_files
from portal.services.applications.form import count_words, parse_whole_number
from portal.services.awards import acceptance, bank_confirmation, bank_details, report_reviews, reports
from portal.services.files.uploads import receive_upload
from portal.services.messages import threads
from portal.storage import get_storage
from portal.workflow import AWARD_LABELS


class AcceptForm(FlaskForm):
    name = StringField(
        _l("Your full name"), filters=[strip], validators=[DataRequired(_l("Enter your full name")), Length(max=200)]
    )
    agreed = BooleanField(_l("I accept this grant and its conditions on behalf of the group"))

    def validate_agreed(self, field: Any) -> None:
        if not field.data:
            raise ValidationError(gettext("Tick the box to accept the grant and its conditions"))


class BankForm(FlaskForm):
    account_name = StringField(
        _l("Name on the account"),
        filters=[strip],
        validators=[
            DataRequired(_l("Enter the name on the account")),
            Length(max=140, message=_l("The name must be 140 characters or fewer")),
        ],
    )
    sort_code = StringField(_l("Sort code"), filters=[strip], validators=[DataRequired(_l("Enter the sort code"))])
    account_number = StringField(
        _l("Account number"), filters=[strip], validators=[DataRequired(_l("Enter the account number"))]
    )

    def validate_sort_code(self, field: Any) -> None:
        if field.data and bank_details.clean_sort_code(field.data) is None:
            raise ValidationError(gettext("Enter a valid sort code, like 30-94-57"))

    def validate_account_number(self, field: Any) -> None:
        if field.data and bank_details.clean_account_number(field.data) is None:
            raise ValidationError(gettext("Enter a valid account number, like 00733445. It must be 8 digits"))


class _ReportTextArea(TextArea):
    """The text exactly as typed between the tags, as the report page has always written it."""

    def __call__(self, field: Any, **kwargs: Any) -> Markup:
        kwargs.setdefault("id", field.id)
        attributes, text = html_params(name=field.name, **kwargs), escape(field._value())
        return Markup(f"<textarea {attributes}>{text}</textarea>")  # noqa: S704  (html_params and escape escaped both)


class ReportForm(FlaskForm):
    """A monitoring report: its questions, and (when it asks) people, spending per budget line and photos;
    the pressed button says what to do."""

    # Filled by the pressed button (check, save, upload) or a photo's Remove button (its id); never rendered.
    action = HiddenField()
    remove = HiddenField()

    def spend_fields(self, item: MonitoringReport) -> list[tuple[Any, Any]]:
        """(budget line, its spending field), in the application's order; none when the report does not ask."""
        if not reports.asks_spending(item):
            return []
        return [(line, self[f"spend-{line.id}"]) for line in item.award.application.budget_lines]


def report_form(item: MonitoringReport, **kwargs: Any) -> ReportForm:
    """A ReportForm with a field for each of the report's questions and for what else it asks."""
    fields: dict[str, Any] = {
        q.name: TextAreaField(q.label, widget=_ReportTextArea(), render_kw={"rows": 6}) for q in reports.questions(item)
    }
    if reports.asks_people(item):
        fields["people"] = StringField(gettext("How many people took part?"), render_kw={"inputmode": "numeric"})
    if reports.asks_spending(item):
        fields |= {f"spend-{line.id}": StringField(line.item) for line in item.award.application.budget_lines}
    fields["share_story"] = BooleanField(reports.SHARE_STORY)
    if reports.allows_photos(item):
        fields["share_photos"] = BooleanField(reports.SHARE_PHOTOS)
        fields["photo"] = FileField(gettext("Add a photo"), render_kw={"accept": "image/*,.heic,.heif"})
    form: ReportForm = type("ReportFormFor", (ReportForm,), fields)(**kwargs)
    return form


@bp.get("/awards/<int:award_id>")
def award(award_id: int) -> str:
    item = award_for_member(award_id)
    return render_template(
        "apply/awards/award.html",
        award=item,
        status_label=AWARD_LABELS[item.status],
        reports=[(report, reports.title(report)) for report in item.reports],
        schedule=item.schedule,
        masked=_masked(item),
        may_accept=acceptance.may_accept(item),
        is_running=acceptance.is_running(item),
        unread=threads.unread_for(db.session, item, by=current_user),
    )


def _masked(item: Award) -> dict[str, str] | None:
    if not item.bank_account_last4:
        return None
    return {
        "account": gettext("Account ending %(bank_account_last4)s", bank_account_last4=item.bank_account_last4),
        "added": item.bank_details_added_at,  # type: ignore[dict-item]
    }


@bp.route("/awards/<int:award_id>/accept", methods=["GET", "POST"])
def accept_award(award_id: int) -> str | Response | tuple[str, int]:
    item = award_for_member(award_id)
    if not acceptance.may_accept(item):
        return redirect(url_for("apply.award", award_id=item.id))
    form = AcceptForm()
    if form.validate_on_submit():
        try:
            acceptance.accept_award(db.session, item, by=current_user, name=form.name.data, agreed=form.agreed.data)
        except DomainError as error:
            refuse(form, error)
            return render_template("apply/awards/accept.html", award=item, form=form), 409
        flash(gettext("You have accepted the grant. Now give us your bank details so we can pay it."), "success")
        return redirect(url_for("apply.bank_details", award_id=item.id))
    status = 200
    return render_template("apply/awards/accept.html", award=item, form=form), status


@bp.route("/awards/<int:award_id>/bank-details", methods=["GET", "POST"], endpoint="bank_details")
def bank_details_page(award_id: int) -> str | Response | tuple[str, int]:
    item = award_for_member(award_id)
    form = BankForm()
    if form.validate_on_submit():
        details = bank_details.BankDetails(
            account_name=form.account_name.data,
            sort_code=bank_details.clean_sort_code(form.sort_code.data) or "",
            account_number=bank_details.clean_account_number(form.account_number.data) or "",
        )
        try:
            bank_details.save_bank_details(db.session, item, details, by=current_user)
        except DomainError as error:
            refuse(form, error)
            return _bank_details_page(item, form, 409)
        flash(gettext("Your bank details are saved."), "success")
        return redirect(url_for("apply.award", award_id=item.id))
    return _bank_details_page(item, form, 200)


def _bank_details_page(item: Award, form: BankForm, status: int) -> tuple[str, int]:
    page = render_template(
        "apply/awards/bank_details.html",
        award=item,
        form=form,
        masked=_masked(item),
        group_is_told=bank_details.payments_began(item),
        details_confirmed=bank_confirmation.is_confirmed(item),
    )
    return page, status


def report_for_member(award_id: int, report_id: int | None) -> MonitoringReport:
    """The award's report named by ``report_id``; without one, the first still to send (else the last)."""
    item = award_for_member(award_id)
    if not item.reports:
        # The reports are made when the grant is accepted.
        flash(gettext("You can write your reports once you have accepted the grant."))
        abort(redirect(url_for("apply.award", award_id=item.id)))
    if report_id is None:
        return next((r for r in item.reports if r.submitted_at is None), item.reports[-1])
    found = next((r for r in item.reports if r.id == report_id), None)
    if found is None:
        abort(404)
    return found


def _not_open(report: MonitoringReport) -> Response | None:
    """Before acceptance (or after cancellation) the report cannot be written: say so on the grant page."""
    if not reports.may_write(report):
        flash(gettext("You can write your reports once you have accepted the grant."))
        return redirect(url_for("apply.award", award_id=report.award_id))
    return None


def _report_page(
    report: MonitoringReport,
    *,
    errors: dict[str, str] | None = None,
    typed: dict[str, Any] | None = None,
    status: int = 200,
) -> tuple[str, int]:
    """The report form; ``errors`` are keyed by the id of the field they belong to,
    ``typed`` (when the save was refused) is shown instead of what is saved."""
    answers = typed if typed is not None else report.answers or {}
    spend = answers.get("spend") or {}
    asked = reports.questions(report)
    data = {q.name: answers.get(q.name, "") for q in asked} | {"people": answers.get("people", "")}
    data |= {f"spend-{line.id}": spend.get(str(line.id), "") for line in report.award.application.budget_lines}
    consent = typed if typed is not None else {"share_story": report.share_story, "share_photos": report.share_photos}
    data |= {name: consent.get(name, False) for name in ("share_story", "share_photos")}
    form = report_form(report, formdata=None, data=data)
    for name, message in (errors or {}).items():
        if name in form:
            form[name].errors = [message]
    words = {q.name: q.word_limit - count_words(str(answers.get(q.name) or "")) for q in asked}
    return (
        render_template(
            "apply/awards/report.html",
            report=report,
            title=reports.title(report),
            award=report.award,
            questions=asked,
            words=words,
            photos=reports.report_files(db.session, report),
            changes=report_reviews.changes_to_make(report),
            form=form,
            max_mb=current_app.config["MAX_UPLOAD_MB"],
        ),
        status,
    )


@bp.route("/awards/<int:award_id>/report", methods=["GET", "POST"], defaults={"report_id": None})
@bp.route("/awards/<int:award_id>/reports/<int:report_id>", methods=["GET", "POST"])
@text_beside_files
def report(award_id: int, report_id: int | None) -> Response | tuple[str, int]:
    """One form for the text and the photos, so no button loses what was typed or chosen."""
    item = report_for_member(award_id, report_id)
    here: dict[str, Any] = {"award_id": award_id, "report_id": item.id}
    leave = _not_open(item)
    if leave is not None:
        return leave
    if item.submitted_at is not None:
        page = render_template(
            "apply/awards/report_sent.html", report=item, award=item.award, title=reports.title(item)
        )
        return page, 200
    if request.method == "GET":
        return _report_page(item)
    form = report_form(item)
    typed = _typed(item, form)
    try:
        reports.save_report(db.session, item, typed, by=current_user)
    except DomainError as error:
        first = next(iter(reports.questions(item)), None)
        return _report_page(item, errors={first.name if first else "action": error.message}, typed=typed, status=409)
    # A photo's Remove button carries the photo's id instead of an action.
    action = "remove" if form.remove.data else (form.action.data or "save")
    photo_problem = _photo_change(item, form, action)
    if photo_problem is not None:
        # The text is saved (the page answers 200, so it is kept); only the photo step failed.
        return _report_page(item, errors={"photo": photo_problem})
    if action == "check":
        return redirect(url_for("apply.check_report", **here))
    if action in {"upload", "remove"}:
        flash(
            gettext("Your photo is added and your report is saved.")
            if action == "upload"
            else gettext("The photo is removed and your report is saved."),
            "success",
        )
        return redirect(url_for("apply.report", **here) + "#photos")
    flash(gettext("Your report is saved. You can come back to it at any time before you send it."), "success")
    return redirect(url_for("apply.report", **here))


def _typed(item: MonitoringReport, form: ReportForm) -> dict[str, Any]:
    values: dict[str, Any] = {q.name: form[q.name].data or "" for q in reports.questions(item)}
    values["people"] = form["people"].data or "" if "people" in form else ""
    values["spend"] = {str(line.id): field.data or "" for line, field in form.spend_fields(item)}
    values["share_story"] = bool(form.share_story.data)
    values["share_photos"] = bool(form["share_photos"].data) if "share_photos" in form else False
    return values


def _photo_change(item: MonitoringReport, form: ReportForm, action: str) -> str | None:
    """Add the chosen photo (whichever button was pressed) or remove one; what went wrong, in plain words."""
    chosen = form["photo"].data if "photo" in form else None
    upload = chosen if isinstance(chosen, FileStorage) else None
    if action == "remove":
        photo = reports.report_photo(db.session, item, parse_whole_number(form.remove.data) or 0)
        if photo is None:
            abort(404)
        try:
            reports.remove_photo(db.session, get_storage(), item, photo, by=current_user)
        except StorageUnavailable:
            return gettext("We could not remove the photo just now. Your report is saved: try again in a few minutes.")
    if upload is None or not upload.filename:
        return gettext("Choose a photo to upload") if action == "upload" else None
    try:
        _add_photo(item, upload)
    except RateLimitExceeded:
        return gettext(
            "Your photo was not added: you have uploaded a lot of files in a short while. Your "
            "report is saved. Wait a few minutes, then add the photo again."
        )
    except UploadRejected as error:
        return gettext("Your photo was not added. %(message)s", message=error.message)
    except StorageUnavailable:
        return gettext(
            "Your photo was not added: we could not store it just now. Your report is saved. Try again soon."
        )
    return None


@rate_limits.uploads
def _add_photo(item: MonitoringReport, upload: FileStorage) -> None:
    # Limited here rather than on the page, so only a post that carries a file counts,
    # and going over the limit still saves the report's text.
    with receive_upload(
        upload.stream, upload.filename or "", max_bytes=current_app.config["MAX_UPLOAD_MB"] * 1024 * 1024
    ) as received:
        reports.add_photo(db.session, get_storage(), item, received, by=current_user)


class SendReportForm(FlaskForm):
    """Only the button: what is sent is the report the group has just read back."""


@bp.route("/awards/<int:award_id>/report/check", methods=["GET", "POST"], defaults={"report_id": None})
@bp.route("/awards/<int:award_id>/reports/<int:report_id>/check", methods=["GET", "POST"])
def check_report(award_id: int, report_id: int | None) -> Response | tuple[str, int]:
    item = report_for_member(award_id, report_id)
    leave = _not_open(item)
    if leave is not None:
        return leave
    form = SendReportForm()
    problems = reports.report_problems(item)
    if item.submitted_at is None and form.validate_on_submit():
        try:
            reports.submit_report(db.session, item, by=current_user)
        except DomainError as error:
            refuse(form, error)
        else:
            flash(
                gettext(
                    "Thank you. Your %(in_sentence)s is sent.", in_sentence=reports.in_sentence(reports.title(item))
                ),
                "success",
            )
            return redirect(url_for("apply.report", award_id=award_id, report_id=item.id))
    page = render_template(
        "apply/awards/check_report.html",
        report=item,
        title=reports.title(item),
        rows=reports.answer_rows(item),
        award=item.award,
        problems=problems,
        form=form,
        photos=reports.report_files(db.session, item),
        changes=report_reviews.changes_to_make(item),
    )
    return page, (409 if form.form_errors else 200)
