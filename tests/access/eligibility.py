"""The eligibility checker: public, like the round pages."""

from __future__ import annotations

from tests.access import Arguments, Line, everyone

MATRIX: dict[str, Line] = {
    "eligibility.start": (lambda w: {"slug": w.round_slug}, everyone()),
    "eligibility.question": (
        lambda w: {"slug": w.round_slug, "question": "postcode"},
        everyone(),
        {"answer": "WD24 4AB"},
    ),
    "eligibility.result": (lambda w: {"slug": w.round_slug}, everyone()),
}

OBJECT_CHECKS: list[tuple[str, str, Arguments]] = [
    ("eligibility.start", "anonymous", lambda w: {"slug": "no-such-round"}),
    ("eligibility.question", "anonymous", lambda w: {"slug": "no-such-round", "question": "group"}),
]
