"""Loading a group's objects for its members, or 404 (object-level access, DESIGN §5)."""

from __future__ import annotations

from flask import abort
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from portal.extensions import db
from portal.models.applications import Application
from portal.models.awards import Award
from portal.models.funding import Round
from portal.services.applications import helpers, organisations


def application_for_member(application_id: int) -> Application:
    """The application, if the signed-in person may fill it (``helpers.may_fill``: a member of its group,
    or the connector or officer helping the group with the draft); otherwise 404.

    One query loads the application with its round and group and asks the membership rule; its budget
    lines and the round's neighbourhoods follow in one more each (every application page shows them).
    """
    found = db.session.execute(
        select(Application, organisations.member_of(current_user, Application.organisation_id))
        .where(Application.id == application_id)
        .options(
            joinedload(Application.round).selectinload(Round.neighbourhoods),
            joinedload(Application.organisation),
            selectinload(Application.budget_lines),
        )
    ).one_or_none()
    if found is None:
        abort(404)
    application: Application = found[0]
    if not found[1] and not helpers.may_fill(db.session, current_user, application):
        abort(404)
    return application


def award_for_member(award_id: int) -> Award:
    """The award, if the signed-in person belongs to its group; otherwise 404.

    One query loads the award with its application and group and asks the membership rule; the payments and
    budget lines follow in one more each.
    """
    found = db.session.execute(
        select(Award, organisations.member_of(current_user, Application.organisation_id))
        .join(Application, Application.id == Award.application_id)
        .where(Award.id == award_id)
        .options(
            joinedload(Award.application).joinedload(Application.organisation),
            joinedload(Award.application).selectinload(Application.budget_lines),
            selectinload(Award.payments),
        )
    ).one_or_none()
    if found is None or not found[1]:
        abort(404)
    award: Award = found[0]
    return award
