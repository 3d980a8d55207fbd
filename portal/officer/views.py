"""The grants officer's pages: rounds, budgets and recent activity."""

from __future__ import annotations

from flask import render_template

from portal.extensions import db
from portal.officer import bp
from portal.services.dashboards import officer_overview


@bp.get("/")
def home() -> str:
    return render_template("officer/home.html", overview=officer_overview(db.session))
