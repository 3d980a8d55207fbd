"""Full links to portal pages for emails, built without a request (the outbox and CLI have none)."""

from __future__ import annotations

from email.utils import parseaddr
from typing import Any

from flask import current_app

from portal.extensions import db
from portal.services.programme import settings


def absolute_url(endpoint: str, **values: Any) -> str:
    """``PORTAL_BASE_URL`` + the path of ``endpoint``, e.g. for a link in an email."""
    path = current_app.url_map.bind("").build(endpoint, values)
    base: str = current_app.config["PORTAL_BASE_URL"]
    return base + path


def programme_email() -> str:
    """Where the programme team reads mail: the grants team's address in the programme
    settings, else the address mail is sent from.

    There is always one, so a change the team must hear about (new bank details,
    say) is never told to nobody.
    """
    return settings.current(db.session).contact_email or parseaddr(current_app.config["MAIL_FROM"])[1]
