from flask import Blueprint

from portal.access import Rule, protect

bp = Blueprint("eligibility", __name__)
protect(bp, Rule.PUBLIC)

from portal.eligibility import checker  # noqa: E402,F401  (registers the routes)
