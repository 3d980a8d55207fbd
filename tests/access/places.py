"""Neighbourhoods and reference data: officers only."""

from __future__ import annotations

from tests.access import Arguments, Line, only

OFFICERS = only("officer")


def _neighbourhood(w):  # type: ignore[no-untyped-def]
    return {"neighbourhood_id": w.neighbourhood_id}


def _import(w):  # type: ignore[no-untyped-def]
    return {"import_id": w.reference_import_id}


MATRIX: dict[str, Line] = {
    "officer.neighbourhoods": (lambda w: {}, OFFICERS),
    "officer.new_neighbourhood": (lambda w: {}, OFFICERS),
    "officer.edit_neighbourhood": (_neighbourhood, OFFICERS),
    "officer.retire_neighbourhood": (_neighbourhood, OFFICERS),
    "officer.reference_data": (lambda w: {}, OFFICERS),
    "officer.reference_import": (_import, OFFICERS),
}

OBJECT_CHECKS: list[tuple[str, str, Arguments]] = [
    ("officer.edit_neighbourhood", "officer", lambda w: {"neighbourhood_id": 999_999}),
    ("officer.retire_neighbourhood", "officer", lambda w: {"neighbourhood_id": 999_999}),
    ("officer.reference_import", "officer", lambda w: {"import_id": 999_999}),
]
