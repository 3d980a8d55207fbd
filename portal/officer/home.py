"""The grants officer's pages: the work queue, rounds, budgets and recent activity."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from portal.extensions import db
from portal.officer import bp
from portal.services.people import totp
from portal.services.readmodels import officer_home, work_queue


@bp.get("/")
def home() -> str:
    return render_template(
        "officer/home.html",
        overview=officer_home.officer_overview(db.session),
        queue=work_queue.work_queue(db.session, by=current_user),
        offer_authenticator=totp.offer_setup(current_user),
    )
