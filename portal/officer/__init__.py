from flask import Blueprint

from portal.access import Rule, protect

bp = Blueprint("officer", __name__, url_prefix="/officer")
protect(bp, Rule.OFFICER)

from portal.officer import applications, audit_log, opendata, panels, rounds, views  # noqa: E402,F401  (registers the routes)
