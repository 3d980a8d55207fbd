"""The programme's settings: the one place that reads and changes them.

``current(session)`` gives what is saved (or the defaults before an admin has
saved anything), read once per request or command and kept in ``flask.g``.
``update(session, values, by=admin)`` checks and saves new values and writes
an audit entry naming what changed.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask import g, has_app_context
from sqlalchemy.orm import Session

from portal.errors import DomainError
from portal.infra.i18n import _l, gettext
from portal.models import programme as defaults
from portal.models.audit import AuditAction
from portal.models.base import utcnow
from portal.models.programme import SETTINGS_ID, ProgrammeSettings
from portal.models.users import User
from portal.plain_text import is_one_line
from portal.services import audit
from portal.services.programme import content

# 360Giving identifiers are "360G-<prefix>-…": the prefix may hold lower-case letters, digits and hyphens.
PREFIX = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
MAX_PREFIX = 60
MAX_DESCRIPTION = 3000
# The most a panel member can be paid an hour, in pence: a guard against a typing slip (1360 pounds).
MAX_HOURLY_RATE_PENCE = 100_00
_CACHE = "programme_settings"


@dataclass(frozen=True)
class Programme:
    """The programme's settings as they are now (a copy: changing it changes nothing)."""

    name: str = defaults.DEFAULT_NAME
    description: str = defaults.DEFAULT_DESCRIPTION
    contact_email: str = ""
    privacy_contact: str = ""
    hourly_rate_pence: int = defaults.DEFAULT_HOURLY_RATE_PENCE
    grant_id_prefix: str = defaults.DEFAULT_GRANT_ID_PREFIX
    publisher_name: str = defaults.DEFAULT_PUBLISHER_NAME
    open_data_licence: str = defaults.DEFAULT_LICENCE

    @property
    def paragraphs(self) -> list[str]:
        """The description's paragraphs (parted by blank lines), for the home page."""
        return [" ".join(part.split()) for part in re.split(r"\n\s*\n", self.description) if part.strip()]

    @property
    def summary(self) -> str:
        """The description's first paragraph, for the foot of every page."""
        return next(iter(self.paragraphs), "")


# What each setting is called on the page, in its order there (audit summaries use the same words).
LABELS = {
    "name": _l("Programme name"),
    "description": _l("Description"),
    "contact_email": _l("Grants team's email address"),
    "privacy_contact": _l("Privacy contact's email address"),
    "hourly_rate_pence": _l("Panel members' hourly rate"),
    "grant_id_prefix": _l("Grant ID prefix"),
    "publisher_name": _l("Publisher name"),
    "open_data_licence": _l("Open data licence"),
}
FIELDS = tuple(LABELS)


def _snapshot(row: ProgrammeSettings | None) -> Programme:
    if row is None:
        return Programme()
    return Programme(**{name: getattr(row, name) for name in FIELDS})


# The settings as saved under one content version, shared by the requests of this process. A request
# uses it only when the version it read in its own queries is this one (``content.known``): an admin's
# change gives a new version in the same transaction, so every process on every host reads again.
_SHARED: dict[str, Programme] = {}


def current(session: Session) -> Programme:
    """The programme's settings now (the defaults until an admin saves some)."""
    if has_app_context() and isinstance(cached := g.get(_CACHE), Programme):
        return cached
    version = content.known()
    found = _SHARED.get(version) if version is not None else None
    if found is None:
        found = _snapshot(session.get(ProgrammeSettings, SETTINGS_ID))
        if version is not None:
            _SHARED.clear()
            _SHARED[version] = found
    if has_app_context():
        setattr(g, _CACHE, found)
    return found


def saved(session: Session) -> bool:
    """Whether an admin has saved the programme's details (the set-up checklist asks)."""
    row = session.get(ProgrammeSettings, SETTINGS_ID)
    return row is not None and row.updated_at is not None


def _valid_email(value: str) -> bool:
    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError:
        return False
    return len(value) <= 254


def check(values: Programme) -> dict[str, str]:
    """What is wrong with ``values``, by setting name, in the words the page shows."""
    problems: dict[str, str] = {}
    if not values.name.strip():
        problems["name"] = gettext("Enter the programme's name")
    elif not is_one_line(values.name):
        problems["name"] = gettext("The programme's name must be on one line")
    elif len(values.name) > 100:
        problems["name"] = gettext("The programme's name must be 100 characters or fewer")
    if len(values.description) > MAX_DESCRIPTION:
        problems["description"] = gettext(
            "The description must be %(limit)s characters or fewer", limit=format(MAX_DESCRIPTION, ",")
        )
    if not values.contact_email:
        problems["contact_email"] = gettext("Enter the grants team's email address")
    elif not _valid_email(values.contact_email):
        problems["contact_email"] = gettext(
            "Enter the grants team's email address in the right format, like grants@example.org"
        )
    if values.privacy_contact and not _valid_email(values.privacy_contact):
        problems["privacy_contact"] = gettext(
            "Enter the privacy contact's email address in the right format, like privacy@example.org, "
            "or leave it empty to use the grants team's"
        )
    if values.hourly_rate_pence <= 0:
        problems["hourly_rate_pence"] = gettext(
            "Enter the panel members' hourly rate in pounds, more than 0, like 13.45"
        )
    elif values.hourly_rate_pence > MAX_HOURLY_RATE_PENCE:
        problems["hourly_rate_pence"] = gettext(
            "The hourly rate must be %(pounds)s pounds or less: check the amount", pounds=MAX_HOURLY_RATE_PENCE // 100
        )
    if not values.grant_id_prefix:
        problems["grant_id_prefix"] = gettext("Enter the grant ID prefix registered with 360Giving, like anchoroffer")
    elif len(values.grant_id_prefix) > MAX_PREFIX or not PREFIX.fullmatch(values.grant_id_prefix):
        problems["grant_id_prefix"] = gettext(
            "The grant ID prefix can only use lower-case letters, numbers and single hyphens between them, "
            "up to %(length)s characters, like anchoroffer",
            length=MAX_PREFIX,
        )
    if not values.publisher_name.strip():
        problems["publisher_name"] = gettext("Enter the name the open data file gives as its publisher")
    elif not is_one_line(values.publisher_name):
        problems["publisher_name"] = gettext("The publisher name must be on one line")
    elif len(values.publisher_name) > 200:
        problems["publisher_name"] = gettext("The publisher name must be 200 characters or fewer")
    licence = values.open_data_licence
    if not re.fullmatch(r"https?://[^\s]{4,290}", licence):
        problems["open_data_licence"] = gettext(
            "Enter the web address of the licence the open data is published under, "
            "like https://creativecommons.org/licenses/by/4.0/"
        )
    return problems


def _shown(name: str, value: Any) -> str:
    if name == "hourly_rate_pence":
        return f"£{value / 100:,.2f}"
    if name == "description":
        return "changed"
    return f"{value}" if value else "(none)"


def update(session: Session, values: Programme, *, by: User) -> list[str]:
    """Save ``values`` as the programme's settings; the names (``LABELS``) of those that changed.

    Raises DomainError (naming the first setting at fault) when ``check`` finds a problem.
    """
    values = dataclasses.replace(
        values,
        name=values.name.strip(),
        description=values.description.strip(),
        contact_email=values.contact_email.strip(),
        privacy_contact=values.privacy_contact.strip(),
        grant_id_prefix=values.grant_id_prefix.strip(),
        publisher_name=values.publisher_name.strip(),
        open_data_licence=values.open_data_licence.strip(),
    )
    problems = check(values)
    if problems:
        field, message = next(iter(problems.items()))
        raise DomainError(message, field=field)
    row = session.get(ProgrammeSettings, SETTINGS_ID)
    before = _snapshot(row)
    if row is None:
        row = ProgrammeSettings(id=SETTINGS_ID)
        session.add(row)
    changed = [name for name in FIELDS if getattr(before, name) != getattr(values, name)]
    for name in FIELDS:
        setattr(row, name, getattr(values, name))
    row.updated_at = utcnow()
    row.updated_by_id = by.id
    if changed:
        audit.record(
            session,
            by,
            AuditAction.PROGRAMME_SETTINGS_CHANGED,
            row,
            "; ".join(f"{LABELS[name]}: {_shown(name, getattr(values, name))}" for name in changed),
        )
    session.flush()
    if has_app_context():
        setattr(g, _CACHE, values)
    return [LABELS[name] for name in changed]


def forget() -> None:
    """Read the settings afresh at the next ``current`` (after they were changed some other way)."""
    if has_app_context():
        g.pop(_CACHE, None)
