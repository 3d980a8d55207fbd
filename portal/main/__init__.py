from flask import Blueprint

from portal.access import Rule, protect

bp = Blueprint("main", __name__)
protect(bp, Rule.PUBLIC)

from portal.main import language, open_data, pages  # noqa: E402,F401  (registers the routes)
