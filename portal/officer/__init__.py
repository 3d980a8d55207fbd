from flask import Blueprint

from portal.access import Rule, protect

bp = Blueprint("officer", __name__, url_prefix="/officer")
protect(bp, Rule.OFFICER)

from portal.officer import (  # noqa: E402,F401  (registers the routes)
    applications,
    audit_log,
    conflicts,
    events,
    funds,
    home,
    messages,
    neighbourhoods,
    opendata,
    panel_steps,
    panels,
    report_schedules,
    reports,
    round_decline_reasons,
    round_documents,
    round_eligibility,
    round_questions,
    round_scoring,
    round_stages,
    rounds,
)
