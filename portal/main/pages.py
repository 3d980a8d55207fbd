"""Public pages: the landing page, round information, statements, health check."""

from __future__ import annotations

import logging

from flask import abort, jsonify, render_template, url_for
from werkzeug.wrappers import Response

from portal.extensions import db
from portal.infra import database
from portal.infra.i18n import gettext
from portal.main import bp, conditional
from portal.models.base import utcnow
from portal.services.funders import funds
from portal.services.messages.links import programme_email
from portal.services.programme import settings as programme
from portal.services.rounds import listing
from portal.storage import get_storage

log = logging.getLogger(__name__)


@bp.get("/")
def index() -> Response:
    session = db.session
    tag = conditional.etag(session)
    if (unchanged := conditional.not_modified(tag)) is not None:
        return unchanged
    open_rounds = listing.open_rounds(session)
    upcoming = None if open_rounds else listing.next_round(session)
    return conditional.page(render_template("main/index.html", rounds=open_rounds, upcoming=upcoming), tag)


@bp.get("/rounds/<slug>")
def round_detail(slug: str) -> Response:
    # The browser's copy can only be of a round that existed: renaming or removing one changes the version.
    tag = conditional.etag(db.session, slug)
    if (unchanged := conditional.not_modified(tag)) is not None:
        return unchanged
    grant_round = listing.round_by_slug(db.session, slug)
    if grant_round is None:
        abort(404)
    now = utcnow()
    total_weight = sum(criterion.weight for criterion in grant_round.criteria)
    criteria_rows = [
        [
            criterion.title,
            criterion.guidance,
            gettext("%(weight)s of %(total_weight)s", weight=criterion.weight, total_weight=total_weight),
        ]
        for criterion in grant_round.criteria
    ]
    page = render_template(
        "main/round.html",
        round=grant_round,
        eligibility=listing.describe_eligibility(grant_round.eligibility),
        is_open=grant_round.is_open(now),
        opens_later=grant_round.opens_at > now,
        criteria_rows=criteria_rows,
        funded_by=funds.funded_by(grant_round),
        start_url=url_for("auth.start", next=url_for("apply.new_application", slug=grant_round.slug)),
    )
    return conditional.page(page, tag)


@bp.get("/accessibility")
def accessibility() -> str:
    return render_template("main/accessibility.html", email=programme_email())


@bp.get("/privacy")
def privacy() -> str:
    # Questions about personal data go to the privacy contact, else to the programme team.
    return render_template(
        "main/privacy.html", email=programme.current(db.session).privacy_contact or programme_email()
    )


def _storage_ok() -> bool:
    try:
        return bool(get_storage().ping())
    except Exception:  # any failure of the backend means "unavailable"
        log.warning("Health check: file storage is unavailable", exc_info=True)
        return False


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    checks = {
        "database": "ok" if database.reachable(db.session) else "unavailable",
        "storage": "ok" if _storage_ok() else "unavailable",
    }
    healthy = all(value == "ok" for value in checks.values())
    response = jsonify({**checks, "status": "ok" if healthy else "unavailable"})
    response.headers["Cache-Control"] = "no-store"
    return response, 200 if healthy else 503
