"""Finance pages: finance staff only; officers, admins and everyone else are refused."""

from __future__ import annotations

from tests.access import Arguments, Line, only

MATRIX: dict[str, Line] = {
    "finance.home": (lambda w: {}, only("finance")),
    "finance.award": (lambda w: {"award_id": w.award_a_id}, only("finance")),
    "finance.show_bank_details": (
        lambda w: {"award_id": w.award_a_id},
        only("finance"),
        {"reason": "To pay the first instalment"},
    ),
    "finance.confirm_bank_details": (lambda w: {"award_id": w.award_a_id}, only("finance")),
}

OBJECT_CHECKS: list[tuple[str, str, Arguments]] = [
    ("finance.award", "finance", lambda w: {"award_id": 999_999}),
]
