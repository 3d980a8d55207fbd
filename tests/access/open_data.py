"""Open data, exports and the equity view: officers only."""

from __future__ import annotations

from tests.access import Arguments, Line, only

OFFICERS = only("officer")


def _round(w):  # type: ignore[no-untyped-def]
    return {"round_id": w.round_id}


MATRIX: dict[str, Line] = {
    "officer.open_data": (_round, OFFICERS),
    "officer.publish_awards": (_round, OFFICERS),
    "officer.threesixty_json": (_round, OFFICERS),
    "officer.threesixty_csv": (_round, OFFICERS),
    "officer.awards_csv": (_round, OFFICERS),
    "officer.payments_csv": (_round, OFFICERS),
    "officer.equity_page": (_round, OFFICERS),
}

OBJECT_CHECKS: list[tuple[str, str, Arguments]] = [
    ("officer.open_data", "officer", lambda w: {"round_id": 999_999}),
    ("officer.threesixty_json", "officer", lambda w: {"round_id": 999_999}),
    ("officer.equity_page", "officer", lambda w: {"round_id": 999_999}),
    ("officer.awards_csv", "officer", lambda w: {"round_id": 999_999}),
]
