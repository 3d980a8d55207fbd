"""Files streamed to officers straight from the database."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from flask import Response as FlaskResponse
from sqlalchemy.orm import Session

from portal.extensions import db


def streamed(build: Callable[[Session], Iterator[str]], filename: str, mimetype: str) -> FlaskResponse:
    """A download of ``build(session)``, read from the database batch by batch as it is sent.

    The body is sent after the request has ended (and committed the view's
    audit entry), so it reads through a session of its own, closed at the end.
    """

    def body() -> Iterator[str]:
        session = db.session_factory()
        try:
            yield from build(session)
        finally:
            session.close()

    response = FlaskResponse(body(), mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
