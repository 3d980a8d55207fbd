"""Loading a group's objects for its members, or 404 (object-level access, DESIGN §5)."""

from __future__ import annotations

from flask_login import current_user
from sqlalchemy.orm import selectinload

from portal.access import get_or_404, require_member
from portal.extensions import db
from portal.models.applications import Application
from portal.models.funding import Round


def application_for_member(application_id: int) -> Application:
    """The application, if the signed-in person belongs to its group; otherwise 404."""
    application = get_or_404(
        Application,
        application_id,
        options=[
            selectinload(Application.round).selectinload(Round.neighbourhoods),
            selectinload(Application.budget_lines),
        ],
    )
    require_member(db.session, current_user, application.organisation_id)
    return application
