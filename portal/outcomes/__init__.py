"""What funded rounds achieved: for officers (any round) and funders' people (their rounds)."""

from flask import Blueprint

from portal.access import Rule, protect

bp = Blueprint("outcomes", __name__, url_prefix="/outcomes")
# Signed in; the views then ask portal.services.outcomes.access who may read which rounds.
protect(bp, Rule.SIGNED_IN)

from portal.outcomes import views  # noqa: E402,F401  (registers the routes)
