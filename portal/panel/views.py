"""The panel member's pages: the applications they have been asked to review."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal.extensions import db
from portal.models.panels import PanelMember
from portal.panel import bp
from portal.services.dashboards import describe_minutes, panellist_overview


@bp.get("/")
def home() -> str:
    overview = panellist_overview(db.session, current_user)  # type: ignore[arg-type]
    memberships = db.session.scalars(
        select(PanelMember)
        .where(PanelMember.user_id == current_user.id, PanelMember.left_at.is_(None))
        .options(joinedload(PanelMember.panel))
    ).all()
    return render_template(
        "panel/home.html",
        overview=overview,
        time_recorded=describe_minutes(overview.minutes_recorded),
        memberships=memberships,
        onboarded={m.panel_id for m in memberships if m.onboarded_at is not None},
    )
