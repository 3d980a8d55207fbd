"""Starting, filling in, sending and following an application."""

from __future__ import annotations

from tests.access import Arguments, Line, applicant_a_only, signed_in

MATRIX: dict[str, Line] = {
    "apply.new_application": (lambda w: {"slug": w.round_slug}, signed_in()),
    "apply.task_list": (lambda w: {"application_id": w.draft_a_id}, applicant_a_only()),
    "apply.copy_answers": (lambda w: {"application_id": w.draft_a_id}, applicant_a_only()),
    # A real page posts the revision it was opened at; without it a save is stale (409).
    "apply.section": (
        lambda w: {"application_id": w.draft_a_id, "section": "your-idea"},
        applicant_a_only(),
        {"revision": "0", "action": "later"},
    ),
    "apply.budget": (
        lambda w: {"application_id": w.draft_a_id},
        applicant_a_only(),
        {"revision": "0", "action": "later"},
    ),
    # An unfinished draft cannot be sent: the page says so (409), so post nothing and read the page.
    "apply.check_answers": (lambda w: {"application_id": w.application_a_id}, applicant_a_only()),
    "apply.submitted": (lambda w: {"application_id": w.application_a_id}, applicant_a_only()),
    "apply.status": (lambda w: {"application_id": w.application_a_id}, applicant_a_only()),
    "apply.withdraw": (lambda w: {"application_id": w.application_a_id}, applicant_a_only()),
    "apply.answer_question": (
        lambda w: {"application_id": w.application_a_id, "info_request_id": w.info_request_a_id},
        applicant_a_only(),
    ),
}

OBJECT_CHECKS: list[tuple[str, str, Arguments]] = [
    ("apply.task_list", "applicant_b", lambda w: {"application_id": w.draft_a_id}),
    ("apply.task_list", "applicant_a", lambda w: {"application_id": 999_999}),
    ("apply.section", "applicant_b", lambda w: {"application_id": w.draft_a_id, "section": "your-idea"}),
    ("apply.budget", "applicant_b", lambda w: {"application_id": w.draft_a_id}),
    ("apply.status", "applicant_b", lambda w: {"application_id": w.application_a_id}),
    (
        "apply.answer_question",
        "applicant_b",
        lambda w: {"application_id": w.application_a_id, "info_request_id": w.info_request_a_id},
    ),
    # A question about another application is not found through this one.
    (
        "apply.answer_question",
        "applicant_a",
        lambda w: {"application_id": w.draft_a_id, "info_request_id": w.info_request_a_id},
    ),
]
