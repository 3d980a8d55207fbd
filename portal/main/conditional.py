"""Conditional GET for the public pages that show only what officers and admins edit.

A page's ETag is worked out without rendering it, from what it shows:

- the version of what officers and admins edit (``portal.services.programme.content``),
  which changes in the same transaction as any edit of a round, neighbourhood,
  funder or the programme's settings, on whichever host it is made;
- when the next round opens and the next open one closes, so a round opening or
  closing by the clock changes it too;
- who is looking: nobody, or a signed-in person's id, roles and session CSRF token
  (the page frame shows their menu and a sign-out form).

A browser that has the page already (``If-None-Match``) gets a 304 and no
page. The answer is ``private, no-cache`` with ``Vary: Cookie``: a browser may
keep it but must ask each time, and no shared cache keeps it. A request with a
message waiting to be shown (flashed) always gets the page.
"""

from __future__ import annotations

import hashlib

from flask import Response as FlaskResponse
from flask import make_response, request, session
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from portal.infra import i18n
from portal.services.rounds import listing

CACHE_CONTROL = "private, no-cache"


def _person() -> str:
    # The language form's token (and a signed-in person's sign-out form's): made now
    # if the session has none yet, as rendering would.
    generate_csrf()
    token = session.get("csrf_token", "")
    language = i18n.request_language()
    if not current_user.is_authenticated:
        return f"nobody:{language}:{token}"
    roles = ",".join(sorted(role.value for role in current_user.roles))
    return f"{current_user.id}:{roles}:{language}:{token}"


def etag(db_session: Session, *parts: str) -> str | None:
    """The public page's ETag now, or None when it must be rendered whatever the browser has."""
    if session.get("_flashes"):
        return None
    state = listing.public_state(db_session)
    if state is None:
        return None
    seen = "|".join((*state, _person(), *parts))
    return hashlib.sha256(seen.encode()).hexdigest()[:32]


def not_modified(tag: str | None) -> Response | None:
    """A 304 when the browser's copy has ``tag``; else None (render the page)."""
    if tag is None or not request.if_none_match.contains_weak(tag):
        return None
    return _mark(FlaskResponse(status=304), tag)


def page(body: str, tag: str | None) -> Response:
    """The rendered page with its ETag and caching headers."""
    return _mark(make_response(body), tag)


def _mark(response: Response, tag: str | None) -> Response:
    if tag is not None:
        # Weak: the same page gzipped or not.
        response.set_etag(tag, weak=True)
    response.headers["Cache-Control"] = CACHE_CONTROL
    response.vary.add("Cookie")
    return response
