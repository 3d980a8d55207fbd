from flask import Blueprint, Flask

from portal.access import Rule, protect

bp = Blueprint("auth", __name__)
protect(bp, Rule.PUBLIC)

from portal.auth import set_password, views  # noqa: E402,F401  (registers the routes)


def init_app(app: Flask) -> None:
    from portal.auth.sessions import init_login

    init_login(app)
