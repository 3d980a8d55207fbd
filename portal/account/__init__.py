from flask import Blueprint

from portal.access import Rule, protect

bp = Blueprint("account", __name__, url_prefix="/account")
protect(bp, Rule.SIGNED_IN)

from portal.account import contact, your_data  # noqa: E402,F401  (registers the routes)
