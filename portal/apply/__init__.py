from flask import Blueprint

from portal.access import Rule, protect

bp = Blueprint("apply", __name__)
protect(bp, Rule.SIGNED_IN)

from portal.apply import application, awards, evidence, groups, submission, views  # noqa: E402,F401  (registers the routes)
