"""A group's grant: the offer, accepting, bank details and the end-of-grant report."""

from __future__ import annotations

from tests.access import Arguments, Line, applicant_a_only

MATRIX: dict[str, Line] = {
    "apply.award": (lambda w: {"award_id": w.award_a_id}, applicant_a_only()),
    "apply.award_messages": (lambda w: {"award_id": w.award_a_id}, applicant_a_only(), {"body": "A question"}),
    "apply.accept_award": (lambda w: {"award_id": w.award_a_id}, applicant_a_only()),
    "apply.bank_details": (lambda w: {"award_id": w.award_a_id}, applicant_a_only()),
    # The one report form saves the text, adds a chosen photo and removes one (tests/apply/test_report.py).
    "apply.report": (lambda w: {"award_id": w.award_a_id}, applicant_a_only()),
    "apply.check_report": (lambda w: {"award_id": w.award_a_id}, applicant_a_only()),
}

OBJECT_CHECKS: list[tuple[str, str, Arguments]] = [
    ("apply.award", "applicant_b", lambda w: {"award_id": w.award_a_id}),
    ("apply.award_messages", "applicant_b", lambda w: {"award_id": w.award_a_id}),
    ("apply.award", "applicant_a", lambda w: {"award_id": 999_999}),
    ("apply.bank_details", "applicant_b", lambda w: {"award_id": w.award_a_id}),
    ("apply.report", "applicant_b", lambda w: {"award_id": w.award_a_id}),
]
