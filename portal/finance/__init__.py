from flask import Blueprint

from portal.access import Rule, protect

bp = Blueprint("finance", __name__, url_prefix="/finance")
protect(bp, Rule.FINANCE)

from portal.finance import runs, views  # noqa: E402,F401  (registers the routes)
