"""Outcomes: officers and admins read any round, the funder's person only the rounds its funder
pays for; everyone else is refused. A photo is served only when its group agreed to share it."""

from __future__ import annotations

from tests.access import NOT_FOUND, Arguments, Line, only

READERS = ("officer", "admin", "funder")
# An application's photo is never a report's shared photo, whoever asks.
NEVER_SHARED = only(*READERS) | {role: NOT_FOUND for role in READERS}

MATRIX: dict[str, Line] = {
    "outcomes.index": (lambda w: {}, only(*READERS)),
    "outcomes.figures_csv": (lambda w: {"round": w.round_id}, only(*READERS)),
    "outcomes.photo": (lambda w: {"photo_id": w.panel_photo_id}, NEVER_SHARED),
}

OBJECT_CHECKS: list[tuple[str, str, Arguments]] = [
    # Another funder's round is not found for the funder's person, on the page and in its CSV.
    ("outcomes.index", "funder", lambda w: {"round": w.other_funders_round_id}),
    ("outcomes.figures_csv", "funder", lambda w: {"round": w.other_funders_round_id}),
    ("outcomes.index", "officer", lambda w: {"round": 999_999}),
]
