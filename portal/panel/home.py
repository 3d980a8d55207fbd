"""The panel member's pages: the applications they have been asked to review."""

from __future__ import annotations

from flask import render_template

from portal.access import acting_user
from portal.extensions import db
from portal.panel import bp
from portal.services.panels import access
from portal.services.readmodels import panellist_home


@bp.get("/")
def home() -> str:
    overview = panellist_home.panellist_overview(db.session, acting_user())
    memberships = access.current_memberships(db.session, acting_user())
    return render_template(
        "panel/home.html",
        overview=overview,
        time_recorded=panellist_home.describe_minutes(overview.minutes_recorded),
        memberships=memberships,
        onboarded={m.panel_id for m in memberships if m.onboarded_at is not None},
    )
