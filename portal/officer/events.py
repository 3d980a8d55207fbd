"""The officer's event pages: setting events up, publishing and cancelling, attendance at the door,
the register, who came from where, and the resources from events and in the library."""

from __future__ import annotations

from flask import Response as FlaskResponse
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import (
    DateTimeLocalField,
    FileField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from portal.access import get_or_404
from portal.errors import DomainError, StorageUnavailable, UploadRejected
from portal.extensions import db
from portal.form_errors import refuse
from portal.formatting import UK, uk_time
from portal.forms import ButtonForm, CheckboxesField
from portal.infra import rate_limits
from portal.infra.database import writes_on_get
from portal.infra.i18n import _l, gettext
from portal.models.events import Event, EventAudience, Registration, Resource
from portal.officer import bp
from portal.plain_text import OneLine
from portal.routing import parse_id
from portal.services.events import attendance as event_attendance
from portal.services.events import registrations, resources, setup
from portal.services.files.uploads import receive_upload
from portal.services.opendata.exports import csv_lines
from portal.services.rounds import listing
from portal.storage import get_storage

AUDIENCE_LABELS = {
    EventAudience.FUNDED_GROUPS: _l("All funded groups"),
    EventAudience.ROUND_GRANTEES: _l("Groups funded in one round"),
    EventAudience.ANYONE: _l("Anyone (shown on the public list)"),
}
OUTAGE = _l("We could not save the file just now. Try again in a few minutes.")


class EventForm(FlaskForm):
    title = StringField(
        _l("Title"),
        validators=[
            DataRequired(_l("Enter a title for the event")),
            Length(max=200, message=_l("The title must be 200 characters or fewer")),
            OneLine(_l("Enter the title on one line, without line breaks or hidden characters")),
        ],
    )
    description = TextAreaField(
        _l("Description"),
        validators=[Optional(), Length(max=20_000, message=_l("The description must be 20,000 characters or fewer"))],
    )
    starts_at = DateTimeLocalField(
        _l("Starts"), format="%Y-%m-%dT%H:%M", validators=[InputRequired(_l("Enter when the event starts"))]
    )
    ends_at = DateTimeLocalField(
        _l("Ends"), format="%Y-%m-%dT%H:%M", validators=[InputRequired(_l("Enter when the event ends"))]
    )
    place = TextAreaField(_l("Place and address"), validators=[Optional(), Length(max=2000)])
    online_link = StringField(_l("Online joining link"), validators=[Optional(), Length(max=500)])
    capacity = IntegerField(
        _l("Places"),
        validators=[
            InputRequired(_l("Enter how many places there are, like 20")),
            NumberRange(min=1, max=10_000, message=_l("Enter a number of places between 1 and 10,000")),
        ],
    )
    audience = RadioField(
        _l("Who can book"),
        choices=[SelectChoice(a.value, label) for a, label in AUDIENCE_LABELS.items()],
        validators=[InputRequired(_l("Choose who can book"))],
    )
    round_id = SelectField(_l("Round (for groups funded in one round)"), validate_choice=False)


class ResourceForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(_l("Enter a title for the resource")), Length(max=200)])
    summary = TextAreaField(_l("What it is (optional)"), validators=[Optional(), Length(max=2000)])
    link = StringField(_l("Link (or upload a file below)"), validators=[Optional(), Length(max=500)])
    file = FileField(_l("File"))


class AttendanceForm(FlaskForm):
    attended = CheckboxesField(_l("Tick each person as they arrive, then save"), coerce=int)

    def offer(self, booked: list[Registration]) -> AttendanceForm:
        """Offer one box per person with a place, ticked for those already marked as attended."""
        self.attended.choices = [
            SelectChoice(r.id, r.attendee_name + (f", {r.organisation.name}" if r.organisation else "")) for r in booked
        ]
        if request.method == "GET":
            self.attended.data = [r.id for r in booked if event_attendance.attended(r)]
        return self


def _event_or_404(event_id: int) -> Event:
    return get_or_404(Event, event_id)


def _event_form(event: Event | None = None) -> EventForm:
    form = EventForm(obj=None)
    if event is not None and request.method == "GET":
        form.title.data = event.title
        form.description.data = event.description_html
        form.starts_at.data = uk_time(event.starts_at).replace(tzinfo=None)
        form.ends_at.data = uk_time(event.ends_at).replace(tzinfo=None)
        form.place.data = event.place
        form.online_link.data = event.online_link or ""
        form.capacity.data = event.capacity
        form.audience.data = event.audience.value
        form.round_id.data = str(event.round_id or "")
    rounds = listing.all_rounds(db.session)
    form.round_id.choices = [SelectChoice("", gettext("Not for one round"))] + [
        SelectChoice(str(r.id), r.title) for r in rounds
    ]
    return form


def _settings(form: EventForm) -> setup.EventSettings:
    round_id = form.round_id.data
    return setup.EventSettings(
        title=form.title.data or "",
        description=form.description.data or "",
        starts_at=form.starts_at.data.replace(tzinfo=UK),
        ends_at=form.ends_at.data.replace(tzinfo=UK),
        place=form.place.data or "",
        online_link=form.online_link.data or "",
        capacity=form.capacity.data or 0,
        audience=EventAudience(form.audience.data),
        round_id=parse_id(round_id),
    )


@bp.get("/events")
def events_list() -> str:
    rows = registrations.events_with_places(db.session)
    return render_template(
        "officer/events.html",
        events=rows,
        status_labels=setup.STATUS_LABELS,
        not_attended=event_attendance.funded_groups_not_attended(db.session),
    )


@bp.route("/events/new", methods=["GET", "POST"])
def new_event() -> str | Response | tuple[str, int]:
    form = _event_form()
    if form.validate_on_submit():
        try:
            event = setup.create_event(db.session, _settings(form), by=current_user)
        except DomainError as error:
            refuse(form, error)
            return render_template("officer/event_form.html", form=form, event=None), 400
        flash(gettext("The event is saved as a draft. Publish it when it is ready."), "success")
        return redirect(url_for("officer.event", event_id=event.id))
    return render_template("officer/event_form.html", form=form, event=None)


@bp.route("/events/<int:event_id>/edit", methods=["GET", "POST"])
def edit_event(event_id: int) -> str | Response | tuple[str, int]:
    event = _event_or_404(event_id)
    form = _event_form(event)
    if form.validate_on_submit():
        try:
            moved = setup.update_event(db.session, event, _settings(form), by=current_user)
        except DomainError as error:
            refuse(form, error)
            return render_template("officer/event_form.html", form=form, event=event), 400
        flash(
            gettext("The event is changed.")
            + (gettext(" %(moved)s moved up from the waiting list.", moved=moved) if moved else ""),
            "success",
        )
        return redirect(url_for("officer.event", event_id=event.id))
    return render_template("officer/event_form.html", form=form, event=event)


def _event_page(event: Event, resource_form: ResourceForm | None = None, status: int = 200) -> tuple[str, int]:
    booked, waiting = registrations.booked_and_waiting(db.session, event)
    return (
        render_template(
            "officer/event.html",
            event=event,
            booked=booked,
            waiting=waiting,
            audience=AUDIENCE_LABELS[event.audience],
            status=setup.STATUS_LABELS[event.status],
            groups=event_attendance.groups_attended(db.session, event),
            resources=resources.of_event(db.session, event),
            resource_form=resource_form or ResourceForm(formdata=None),
            may_publish=setup.may_publish(event),
            may_change=setup.may_change(event),
            attended=event_attendance.attended,
            is_link=resources.is_link,
            form=ButtonForm(),
        ),
        status,
    )


@bp.get("/events/<int:event_id>")
def event(event_id: int) -> tuple[str, int]:
    return _event_page(_event_or_404(event_id))


@bp.post("/events/<int:event_id>/publish")
def publish_event(event_id: int) -> Response:
    event = _event_or_404(event_id)
    try:
        setup.publish_event(db.session, event, by=current_user)
        flash(gettext("The event is published: groups can now book."), "success")
    except DomainError as error:
        flash(error.message, "error")
    return redirect(url_for("officer.event", event_id=event.id))


@bp.post("/events/<int:event_id>/cancel")
def cancel_event(event_id: int) -> Response:
    event = _event_or_404(event_id)
    try:
        told = setup.cancel_event(db.session, event, by=current_user)
        flash(
            gettext(
                "The event is cancelled. We are emailing the %(told)s people who had booked or were waiting.", told=told
            ),
            "success",
        )
    except DomainError as error:
        flash(error.message, "error")
    return redirect(url_for("officer.event", event_id=event.id))


@bp.route("/events/<int:event_id>/attendance", methods=["GET", "POST"])
def attendance(event_id: int) -> str | Response:
    event = _event_or_404(event_id)
    booked, _waiting = registrations.booked_and_waiting(db.session, event)
    form = AttendanceForm().offer(booked)
    if form.validate_on_submit():
        ticked = set(form.attended.data or [])
        try:
            count = event_attendance.mark_attendance(db.session, event, ticked, by=current_user)
            flash(gettext("Attendance saved: %(count)s attended.", count=count), "success")
        except DomainError as error:
            flash(error.message, "error")
        return redirect(url_for("officer.attendance", event_id=event.id))
    return render_template("officer/attendance.html", event=event, booked=booked, form=form)


@bp.get("/events/<int:event_id>/register.csv")
@writes_on_get
@rate_limits.exports
def event_register(event_id: int) -> FlaskResponse:
    event = _event_or_404(event_id)
    rows = event_attendance.register_rows(db.session, event, by=current_user)
    response = FlaskResponse(csv_lines(event_attendance.REGISTER_HEADER, rows), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="event-{event.id}-register.csv"'
    return response


def _add_resource(form: ResourceForm, event: Event | None) -> bool:
    """Add the resource the form describes; False (with the problem shown at its field) when it cannot be."""
    upload = request.files.get("file")
    link = (form.link.data or "").strip()
    if (upload is None or not upload.filename) and not link:
        refuse(form, gettext("Upload a file or give a link"), at=form.link)
        return False
    try:
        if link:
            resources.add_link(
                db.session,
                by=current_user,
                title=form.title.data or "",
                url=link,
                summary=form.summary.data or "",
                event=event,
            )
        else:
            max_bytes = current_app.config["MAX_UPLOAD_MB"] * 1024 * 1024
            with receive_upload(upload.stream, upload.filename or "", max_bytes=max_bytes) as received:  # type: ignore[union-attr]
                resources.add_file(
                    db.session,
                    get_storage(),
                    received,
                    by=current_user,
                    title=form.title.data or "",
                    summary=form.summary.data or "",
                    event=event,
                )
    except StorageUnavailable:
        refuse(form, OUTAGE, at=form.file)
        return False
    except UploadRejected as error:
        refuse(form, error, at=form.file)
        return False
    except DomainError as error:
        refuse(form, error, at=None if error.field else (form.link if link else form.file))
        return False
    return True


@bp.post("/events/<int:event_id>/resources")
@rate_limits.uploads
def add_event_resource(event_id: int) -> Response | tuple[str, int]:
    event = _event_or_404(event_id)
    form = ResourceForm()
    if form.validate_on_submit() and _add_resource(form, event):
        flash(gettext("The resource is added to the event."), "success")
        return redirect(url_for("officer.event", event_id=event.id))
    return _event_page(event, form, status=400)


@bp.route("/resources", methods=["GET", "POST"])
@rate_limits.uploads
def resource_library() -> str | Response | tuple[str, int]:
    form = ResourceForm() if request.method == "POST" else ResourceForm(formdata=None)
    if form.validate_on_submit() and _add_resource(form, None):
        flash(gettext("The resource is added to the library."), "success")
        return redirect(url_for("officer.resource_library"))
    status = 400 if request.method == "POST" else 200
    return (
        render_template(
            "officer/resources.html",
            resources=resources.library(db.session),
            is_link=resources.is_link,
            form=form,
            action_form=ButtonForm(),
        ),
        status,
    )


@bp.post("/resources/<int:resource_id>/remove")
def remove_resource(resource_id: int) -> Response:
    resource = get_or_404(Resource, resource_id)
    event_id = resource.event_id
    try:
        resources.remove(db.session, get_storage(), resource, by=current_user)
        flash(gettext("%(resource_title)s is removed.", resource_title=resource.title), "success")
    except StorageUnavailable:
        flash(OUTAGE, "error")
    if event_id is not None:
        return redirect(url_for("officer.event", event_id=event_id))
    return redirect(url_for("officer.resource_library"))
