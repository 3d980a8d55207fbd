"""Event pages for groups and the public; booking and cancelling places; the resource library."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Response as FlaskResponse
from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from portal.access import acting_user, get_or_404, sign_in_redirect
from portal.errors import DomainError
from portal.events import bp
from portal.events.forms import BookingForm, CancelPlaceForm
from portal.extensions import db
from portal.form_errors import refuse
from portal.infra.i18n import gettext
from portal.models.events import Event, EventAudience, Registration, Resource
from portal.models.users import User
from portal.services.events import audience, registrations, resources
from portal.services.events.calendar import event_ics
from portal.services.messages.links import absolute_url
from portal.storage import get_storage
from portal.storage.download import download_response

NO_GROUP = "none"


def _user() -> User | None:
    return current_user if current_user.is_authenticated else None


def _event_or_404(event_id: int) -> Event:
    """The event, if this person may see it. Someone signed out is asked to sign in
    first (the event may be for funded groups); a signed-in person who may not see it gets 404."""
    event = get_or_404(Event, event_id)
    user = _user()
    if user is None and not audience.can_see(db.session, event, by=None):
        abort(sign_in_redirect())
    if not audience.can_see(db.session, event, by=user):
        abort(404)
    return event


@bp.get("")
def index() -> str:
    user = _user()
    return render_template(
        "events/index.html",
        events=audience.visible_events(db.session, user),
        bookings=audience.my_registrations(db.session, user) if user else [],
    )


@bp.get("/<int:event_id>")
def event(event_id: int) -> str:
    item = _event_or_404(event_id)
    user = _user()
    mine = audience.my_registrations(db.session, user, item) if user else []
    return render_template(
        "events/event.html",
        event=item,
        mine=mine,
        places_left=registrations.places_left(db.session, item),
        show_link=audience.sees_joining_link(db.session, item, by=user),
        can_book=registrations.taking_bookings(item)
        and (
            user is None
            or item.audience is EventAudience.ANYONE
            or bool(audience.bookable_organisations(db.session, user, item))
        ),
        resources=resources.of_event(db.session, item),
        is_cancelled=registrations.is_cancelled(item),
        is_published=registrations.is_published(item),
        may_cancel=registrations.may_cancel,
        place_tag=registrations.place_tag,
        form=CancelPlaceForm(),
    )


@bp.get("/<int:event_id>/calendar.ics")
def calendar(event_id: int) -> FlaskResponse:
    item = _event_or_404(event_id)
    text = event_ics(
        item,
        event_url=absolute_url("events.event", event_id=item.id),
        host=urlsplit(current_app.config["PORTAL_BASE_URL"]).hostname or "localhost",
        include_joining_link=audience.sees_joining_link(db.session, item, by=_user()),
    )
    response = FlaskResponse(text, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="event-{item.id}.ics"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/<int:event_id>/book", methods=["GET", "POST"])
def book(event_id: int) -> str | Response | tuple[str, int]:
    item = _event_or_404(event_id)
    user = acting_user()
    groups = audience.bookable_organisations(db.session, user, item)
    if not registrations.taking_bookings(item) or (not groups and item.audience is not EventAudience.ANYONE):
        abort(404)
    form = BookingForm()
    form.organisation.choices = [SelectChoice(str(g.id), g.name) for g in groups]
    if item.audience is EventAudience.ANYONE:
        form.organisation.choices.append(SelectChoice(NO_GROUP, gettext("Not for a group")))
    if form.validate_on_submit():
        chosen = next((g for g in groups if str(g.id) == form.organisation.data), None)
        if chosen is None and form.organisation.data != NO_GROUP:
            refuse(form, gettext("Choose the group you are booking for"), at=form.organisation)
        else:
            attendees = [
                registrations.Attendee(a.form.name.data or "", a.form.access_needs.data or "") for a in form.attendees
            ]
            try:
                made = registrations.book(db.session, item, chosen, attendees, by=user)
            except registrations.AttendeesRefused as error:
                form.refuse_attendees(error.message)
                return render_template("events/book.html", event=item, form=form), 400
            except DomainError as error:
                refuse(form, error.message)
                return render_template("events/book.html", event=item, form=form), 409
            waiting = sum(1 for r in made if registrations.on_waiting_list(r))
            if waiting == len(made):
                flash(
                    gettext(
                        "The event is full, so you are on the waiting list. We will email you if a place comes up."
                    ),
                    "success",
                )
            elif waiting:
                flash(
                    gettext(
                        "Booked %(len)s; %(waiting)s on the waiting list. We have emailed you the details.",
                        len=len(made) - waiting,
                        waiting=waiting,
                    ),
                    "success",
                )
            else:
                flash(gettext("Your places are booked. We have emailed you the details."), "success")
            return redirect(url_for("events.event", event_id=item.id))
    return render_template("events/book.html", event=item, form=form)


@bp.get("/bookings")
def bookings() -> str:
    bookings = audience.my_registrations(db.session, acting_user())
    return render_template(
        "events/bookings.html", bookings=bookings, form=CancelPlaceForm(), place_tag=registrations.place_tag
    )


@bp.post("/registrations/<int:registration_id>/cancel")
def cancel_registration(registration_id: int) -> Response:
    user = acting_user()
    registration = get_or_404(Registration, registration_id)
    if not audience.may_manage_registration(db.session, registration, by=user):
        abort(404)
    if not CancelPlaceForm().validate():
        abort(400)
    try:
        registrations.cancel_registration(db.session, registration, by=user)
        flash(gettext("%(attendee_name)s's place is cancelled.", attendee_name=registration.attendee_name), "success")
    except DomainError as error:
        flash(error.message, "error")
    return redirect(url_for("events.event", event_id=registration.event_id))


@bp.get("/resources")
def library() -> str:
    return render_template("events/library.html", resources=resources.library(db.session))


@bp.get("/resources/<int:resource_id>")
def download_resource(resource_id: int) -> Response:
    resource = get_or_404(Resource, resource_id)
    if not resources.may_download(db.session, resource, by=_user()):
        abort(404)
    try:
        return download_response(get_storage(), resource)  # type: ignore[arg-type]
    except FileNotFoundError:
        abort(404)
