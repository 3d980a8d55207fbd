"""The applicant's pages: where their applications stand."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from portal.apply import bp
from portal.extensions import db
from portal.services.events import registrations
from portal.services.readmodels.applicant_home import applicant_overview


@bp.get("/dashboard")
def dashboard() -> str:
    overview = applicant_overview(db.session, current_user)
    return render_template("apply/dashboard.html", overview=overview, on_waiting_list=registrations.on_waiting_list)
