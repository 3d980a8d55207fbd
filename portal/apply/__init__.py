from flask import Blueprint

from portal.access import Rule, protect

bp = Blueprint("apply", __name__)
protect(bp, Rule.SIGNED_IN)

from portal.apply import application, awards, dashboard, evidence, groups, helping, messages, recordings, submission  # noqa: E402,F401  (registers the routes)
