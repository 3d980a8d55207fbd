"""Peer-learning events for groups: the public list, event pages, booking, the resource library.

The list, event pages and calendar files are public (DESIGN §5: "public
event list"), each event still checking who may see it; booking, bookings
and resources need a signed-in person.
"""

from flask import Blueprint, request
from flask_login import current_user
from werkzeug.wrappers import Response

from portal.access import Rule, protect, sign_in_redirect

bp = Blueprint("events", __name__, url_prefix="/events")
protect(bp, Rule.PUBLIC)

# Everything else in this blueprint needs a signed-in person.
OPEN_TO_ALL = frozenset({"events.index", "events.event", "events.calendar"})


@bp.before_request
def _sign_in_unless_open() -> Response | None:
    if request.endpoint not in OPEN_TO_ALL and not current_user.is_authenticated:
        return sign_in_redirect()
    return None


from portal.events import views  # noqa: E402,F401  (registers the routes)
