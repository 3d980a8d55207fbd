from flask import Blueprint

from portal.access import Rule, protect

bp = Blueprint("admin", __name__, url_prefix="/admin")
protect(bp, Rule.ADMIN)

from portal.admin import home, people  # noqa: E402,F401  (registers the routes)
