"""The panel steps on an application: mark it eligible and assign it in one step, or close its reviewing short."""

from __future__ import annotations

from flask import flash, redirect, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from portal.errors import DomainError
from portal.extensions import db
from portal.infra.i18n import gettext
from portal.models.applications import Application
from portal.models.panels import Panel
from portal.models.users import User
from portal.officer import bp
from portal.officer.applications import _application_or_404, application_page
from portal.officer.panel_step_forms import (
    AUTOMATICALLY,
    CHOSEN,
    CloseReviewingForm,
    SendToPanelForm,
    send_form,
)
from portal.routing import parse_id
from portal.services.panels import closing, membership


@bp.post("/applications/<int:application_id>/eligible")
def mark_eligible(application_id: int) -> Response | tuple[str, int]:
    item = _application_or_404(application_id)
    if not membership.can_send_to_panel(item):
        flash(
            gettext("This application is not waiting for its checks, so it cannot be sent to the panel now."), "error"
        )
        return redirect(url_for("officer.application", application_id=item.id))
    form = send_form(db.session, item, SendToPanelForm())
    if not form.validate_on_submit():
        return application_page(item, send=form, status=400)
    how = form.how.data
    chosen = _chosen(form.panellists.data or []) if how == CHOSEN else []
    if how == CHOSEN and not chosen:
        form.panellists.errors = [gettext("Choose at least one panel member")]
        return application_page(item, send=form, status=400)
    if len({panel.id for panel, _ in chosen}) > 1:
        form.panellists.errors = [gettext("Choose panel members from one panel")]
        return application_page(item, send=form, status=400)
    panel = chosen[0][0] if chosen else _panel_for_automatic(item, form.panel.data) if how == AUTOMATICALLY else None
    try:
        sent = membership.send_to_panel(
            db.session,
            item,
            by=current_user,
            panel=panel,
            panellists=[user for _, user in chosen],
            automatically=how == AUTOMATICALLY,
        )
    except DomainError as error:
        (form.panellists if how == CHOSEN else form.panel if panel is None else form.how).errors = [error.message]
        return application_page(item, send=form, status=409)
    if not sent.assigned and how != AUTOMATICALLY:
        done = gettext("Marked eligible: the application is with the panel. Assign it from the panel page.")
    else:
        names = ", ".join(user.name or user.email for user in sent.assigned) or "nobody"
        done = gettext("Marked eligible and assigned to %(names)s.", names=names)
        if sent.short_by:
            done += gettext(
                " It still needs %(short_by)s more: nobody else on the panel can take it.", short_by=sent.short_by
            )
    flash(done, "success" if not sent.short_by else "info")
    return redirect(url_for("officer.application", application_id=item.id))


def _chosen(values: list[str]) -> list[tuple[Panel, User]]:
    """The (panel, member) pairs ticked; the service checks each may take the application."""
    ids = []
    for value in values:
        panel_id, _, user_id = value.partition("-")
        panel_number, user_number = parse_id(panel_id), parse_id(user_id)
        if panel_number is not None and user_number is not None:
            ids.append((panel_number, user_number))
    return membership.find_pairs(db.session, ids)


def _panel_for_automatic(application: Application, chosen: str | None) -> Panel | None:
    """The round's only panel, or the one chosen when it has several (None when none fits)."""
    round_panels = membership.panels_of_round(db.session, application.round_id)
    if len(round_panels) == 1:
        return round_panels[0]
    return next((p for p in round_panels if str(p.id) == chosen), None)


@bp.post("/applications/<int:application_id>/close-reviewing")
def close_reviewing(application_id: int) -> Response | tuple[str, int]:
    item = _application_or_404(application_id)
    form = CloseReviewingForm()
    if not closing.can_close_reviewing(db.session, item):
        flash(
            gettext("Reviewing can be closed only while the application is with the panel and short of reviews."),
            "error",
        )
        return redirect(url_for("officer.application", application_id=item.id))
    if not form.validate_on_submit():
        return application_page(item, close=form, status=400)
    try:
        withdrawn = closing.close_reviewing(db.session, item, by=current_user, reason=form.closing_reason.data or "")
    except DomainError as error:
        form.closing_reason.errors = [error.message]
        return application_page(item, close=form, status=409)
    done = gettext("Reviewing is closed: the application is ready to decide.")
    if withdrawn:
        done += (
            gettext(" Unfinished reviews were withdrawn from ") + ", ".join(u.name or u.email for u in withdrawn) + "."
        )
    flash(done, "success")
    return redirect(url_for("officer.application", application_id=item.id))
