"""Funds, funders and a round's funders: officers only."""

from __future__ import annotations

from tests.access import Arguments, Line, only

OFFICERS = only("officer")


def _fund(w):  # type: ignore[no-untyped-def]
    return {"fund_id": w.fund_id}


def _funder(w):  # type: ignore[no-untyped-def]
    return {"funder_id": w.funder_id}


def _round(w):  # type: ignore[no-untyped-def]
    return {"round_id": w.round_id}


MATRIX: dict[str, Line] = {
    "officer.funds": (lambda w: {}, OFFICERS),
    "officer.new_fund": (lambda w: {}, OFFICERS),
    "officer.edit_fund": (_fund, OFFICERS),
    "officer.new_funder": (lambda w: {}, OFFICERS),
    "officer.edit_funder": (_funder, OFFICERS),
    "officer.round_funders": (_round, OFFICERS),
}

OBJECT_CHECKS: list[tuple[str, str, Arguments]] = [
    ("officer.edit_fund", "officer", lambda w: {"fund_id": 999_999}),
    ("officer.edit_funder", "officer", lambda w: {"funder_id": 999_999}),
    ("officer.round_funders", "officer", lambda w: {"round_id": 999_999}),
]
