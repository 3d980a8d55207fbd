"""Where people land after signing in."""

from __future__ import annotations

from flask import url_for

from portal.models.users import Role, User


def home_for(user: User) -> str:
    """The URL of the first page for ``user``'s main role."""
    if user.has_role(Role.OFFICER):
        return url_for("officer.home")
    if user.has_role(Role.FINANCE):
        return url_for("finance.home")
    if user.has_role(Role.ADMIN):
        return url_for("admin.home")
    if user.has_role(Role.FUNDER):
        # A funder's people read outcomes and nothing else: that page is their home.
        return url_for("outcomes.index")
    if user.has_role(Role.PANELLIST):
        return url_for("panel.home")
    if user.has_role(Role.CONNECTOR):
        return url_for("apply.help_groups")
    return url_for("apply.dashboard")
