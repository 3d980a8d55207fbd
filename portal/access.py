"""Who may use which pages: deny by default.

Each blueprint declares one rule with ``protect(blueprint, rule)``; the rule
runs before every view of that blueprint. Object-level checks are explicit
helpers that answer 404, so nobody learns that someone else's object exists.
The table ``RULES`` is read by the access-matrix test.

Whoever is not signed in is sent to sign in (``sign_in_redirect``): to the
staff sign-in for staff pages, and for any page when the browser holds a
session too weak for its staff person (``portal.services.people.sessions``),
with a message saying why; to the emailed sign-in otherwise.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from typing import TypeVar

from flask import Blueprint, abort, flash, g, redirect, request, url_for
from flask_login import current_user
from sqlalchemy.orm import Session
from sqlalchemy.orm.interfaces import ORMOption
from werkzeug.wrappers import Response

from portal.extensions import db
from portal.infra.i18n import _l
from portal.models.users import Role, User
from portal.services.applications import organisations


class Rule(enum.StrEnum):
    PUBLIC = "public"
    SIGNED_IN = "signed_in"
    PANELLIST = "panellist"
    OFFICER = "officer"
    ADMIN = "admin"
    FINANCE = "finance"


_M = TypeVar("_M")

# Blueprint name -> rule. Every blueprint must appear here.
RULES: dict[str, Rule] = {}

_ROLE_FOR_RULE = {
    Rule.PANELLIST: Role.PANELLIST,
    Rule.OFFICER: Role.OFFICER,
    Rule.ADMIN: Role.ADMIN,
    Rule.FINANCE: Role.FINANCE,
}


def allows(rule: Rule, user: User | None) -> bool:
    """Whether ``user`` (None when signed out) passes ``rule``."""
    if rule is Rule.PUBLIC:
        return True
    if user is None:
        return False
    if rule is Rule.SIGNED_IN:
        return True
    role = _ROLE_FOR_RULE[rule]
    # Admins manage people; they are not automatically officers, panellists or finance.
    return user.has_role(role)


STAFF_RULES = frozenset({Rule.OFFICER, Rule.ADMIN, Rule.FINANCE})
STEP_UP_MESSAGE = _l(
    "To use the staff pages, sign in with your email address, password and the code from your authenticator app."
)


def mark_staff_sign_in_needed() -> None:
    """Note that this request's browser holds a session too weak for its staff person."""
    g.staff_sign_in_needed = True


def sign_in_redirect(*, staff_page: bool = False) -> Response:
    """Send someone who is not signed in (enough) to the right sign-in page, coming back here after."""
    next_path = request.full_path.rstrip("?")
    if g.get("staff_sign_in_needed"):
        flash(STEP_UP_MESSAGE, "info")
        return redirect(url_for("auth.staff", next=next_path))
    if staff_page:
        return redirect(url_for("auth.staff", next=next_path))
    return redirect(url_for("auth.start", next=next_path))


def _current() -> User | None:
    user = current_user._get_current_object()  # the real User, not Flask-Login's proxy
    return user if isinstance(user, User) else None


def acting_user() -> User:
    """The signed-in person making this request. Only for views behind ``protect`` (never signed out)."""
    user = _current()
    if user is None:
        abort(401)
    return user


def get_or_404(model: type[_M], ident: int | None, *, options: Sequence[ORMOption] = ()) -> _M:
    """The ``model`` row with primary key ``ident``, or a 404 page: the lookup every page starts with."""
    found = db.session.get(model, ident, options=options) if ident is not None else None
    if found is None:
        abort(404)
    return found


def protect(blueprint: Blueprint, rule: Rule) -> None:
    """Give every view in ``blueprint`` the access rule ``rule``."""
    RULES[blueprint.name] = rule
    if rule is Rule.PUBLIC:
        return

    @blueprint.before_request
    def _check_access() -> Response | None:
        user = _current()
        if user is None:
            return sign_in_redirect(staff_page=rule in STAFF_RULES)
        if not allows(rule, user):
            abort(403)
        return None


def require_member(session: Session, user: User, organisation_id: int) -> None:
    """404 unless ``user`` belongs to the organisation (object-level check)."""
    if not organisations.is_member(session, user, organisation_id):
        abort(404)
