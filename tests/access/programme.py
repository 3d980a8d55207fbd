"""The administrators' home (set-up checklist), the programme settings and staff password links."""

from __future__ import annotations

from portal.services.people import password_links
from tests.access import Line, everyone, only
from tests.fixtures.apps import TEST_SECRET_KEY

MATRIX: dict[str, Line] = {
    "admin.home": (lambda w: {}, only("admin")),
    "admin.programme_settings": (lambda w: {}, only("admin")),
    "admin.send_password_link": (lambda w: {"user_id": w.people["officer"].id}, only("admin")),
    # The emailed link opens the page for whoever holds it (a made-up token is not found: tests/admin).
    "auth.set_password": (
        lambda w: {"token": password_links.make_token(w.people["officer"], secret_key=TEST_SECRET_KEY)},
        everyone(),
    ),
}
