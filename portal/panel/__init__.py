from flask import Blueprint

from portal.access import Rule, protect

bp = Blueprint("panel", __name__, url_prefix="/panel")
protect(bp, Rule.PANELLIST)

from portal.panel import home, results, reviews  # noqa: E402,F401  (registers the routes)
