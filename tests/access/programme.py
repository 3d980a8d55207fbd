"""The administrators' home (set-up checklist) and the programme settings."""

from __future__ import annotations

from tests.access import Line, only

MATRIX: dict[str, Line] = {
    "admin.home": (lambda w: {}, only("admin")),
    "admin.programme_settings": (lambda w: {}, only("admin")),
}
