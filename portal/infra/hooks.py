"""Request lifecycle: one commit per request, security headers, error pages."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException
from werkzeug.local import LocalProxy
from werkzeug.wrappers import Response

from portal.errors import DomainError
from portal.extensions import db
from portal.infra.i18n import _l, gettext
from portal.services.programme import settings as programme_settings

log = logging.getLogger(__name__)

# A view's own Cache-Control is kept when it says one of these; any other answer is never stored.
KEPT = ("no-store", "public", "no-cache")

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)

# Plain-English titles and messages for the errors people can meet.
ERROR_PAGES: dict[int, tuple[str, str]] = {
    400: (_l("Something was wrong with that request"), _l("Go back, check what you entered and try again.")),
    403: (_l("You cannot see this page"), _l("Your account does not have access to this page.")),
    404: (_l("Page not found"), _l("Check the web address, or go back to the page you came from.")),
    405: (_l("That action is not available here"), _l("Go back to the page you came from and try again.")),
    409: (_l("That could not be done"), _l("Go back, reload the page and try again.")),
    413: (_l("The file is too large"), _l("Choose a smaller file and try again.")),
    429: (
        _l("Too many attempts"),
        _l("You have tried this too many times in a short while. Wait a few minutes, then try again."),
    ),
    500: (
        _l("Sorry, something went wrong on our side"),
        _l("Nothing you entered has been lost. Try again in a few minutes."),
    ),
    503: (_l("Sorry, the service is unavailable"), _l("Try again in a few minutes.")),
}


def error_page(status: int, message: str | None = None) -> tuple[str, int]:
    title, default_message = ERROR_PAGES.get(status, ERROR_PAGES[500])
    return render_template("error.html", title=title, message=message or str(default_message)), status


NULL_CHARACTER = _l(
    "Something you entered contains a hidden character (a null byte) that cannot be saved. "
    "Type it again rather than pasting it, then try again."
)


def programme_for_pages() -> programme_settings.Programme:
    """The programme's settings for the page frame and emails; the defaults when the
    database cannot answer, so that even the error page about it can be shown."""
    try:
        return programme_settings.current(db.session)
    except SQLAlchemyError:
        log.warning("Programme settings could not be read; the page shows the defaults.")
        return programme_settings.Programme()


def _holds_null(values: Any) -> bool:
    return any("\x00" in key or any("\x00" in value for value in values.getlist(key)) for key in values)


def register(app: Flask) -> None:
    @app.context_processor
    def programme() -> dict[str, Any]:
        # Read only when a template uses it (every page's frame does, once).
        return {"programme": LocalProxy(programme_for_pages)}

    @app.before_request
    def refuse_null_characters() -> tuple[str, int] | None:
        # No database stores U+0000 in text (PostgreSQL refuses it outright), and
        # no person types it: refuse the request before any view sees it.
        if _holds_null(request.args) or _holds_null(request.form):
            return error_page(400, NULL_CHARACTER)
        return None

    @app.after_request
    def commit_or_rollback(response: Response) -> Response:
        # The one commit of the request: services only flush.
        if response.status_code < 400:
            db.session.commit()
        else:
            db.session.rollback()
        return response

    @app.after_request
    def security_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Permissions-Policy", "camera=(self), geolocation=(), microphone=(self)")
        if app.config["PRODUCTION"]:
            headers.setdefault("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
        cache_control = headers.get("Cache-Control", "")
        if request.endpoint != "static" and not any(kept in cache_control for kept in KEPT):
            # Any page may hold personal data: a signed-in person's, or the
            # address a sign-in code was just sent to. Only the fingerprinted
            # static files, responses their view marks public (the open data
            # files, the same for everyone) and the public pages that answer
            # conditional requests (private, no-cache: portal.main.conditional)
            # may be kept.
            headers["Cache-Control"] = "no-store"
        if request.endpoint != "static" and current_user.is_authenticated:
            # A signed-in page differs from one person to the next. (Loading the
            # person here also drops an ended session from the cookie.)
            response.vary.add("Cookie")
        return response

    @app.errorhandler(DomainError)
    def domain_error(exc: DomainError) -> tuple[str, int]:
        db.session.rollback()
        return error_page(409, exc.message)

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError) -> tuple[str, int]:
        return error_page(
            400,
            gettext("This page had been open too long, or your session ended. Go back, reload the page and try again."),
        )

    @app.errorhandler(413)
    def too_large(exc: HTTPException) -> tuple[str, int]:
        return error_page(
            413,
            gettext(
                "Files must be smaller than %(megabytes)s MB. Choose a smaller file, or take a new photo at a "
                "lower size.",
                megabytes=app.config["MAX_UPLOAD_MB"],
            ),
        )

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> tuple[str, int] | HTTPException:
        if exc.code is None or exc.code < 400:
            return exc
        return error_page(exc.code)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> tuple[str, int]:
        log.exception("Unhandled error on %s %s", request.method, request.path)
        db.session.rollback()
        return error_page(500)
