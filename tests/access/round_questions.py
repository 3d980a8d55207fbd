"""The question builder and a round's required documents (officers); a round's own section (its group)."""

from __future__ import annotations

from tests.access import Arguments, Line, World, applicant_a_only, only

OFFICERS = only("officer")


def _round(w: World) -> dict[str, int]:
    return {"round_id": w.builder_round_id}


def _section(w: World) -> dict[str, int]:
    return _round(w) | {"section_id": w.builder_section_id}


def _question(w: World) -> dict[str, int]:
    return _round(w) | {"question_id": w.builder_question_id}


QUESTION = {"kind": "short_text", "question": "Who helps you?", "required": "yes"}

# In this order: the removals come last, after the pages that use what they remove.
MATRIX: dict[str, Line] = {
    "apply.round_section": (
        lambda w: {"application_id": w.draft_a_id, "key": "s1"},
        applicant_a_only(),
        {"revision": "0", "action": "later"},
    ),
    "officer.round_questions": (_round, OFFICERS),
    "officer.preview_questions": (_round, OFFICERS),
    "officer.round_documents": (_round, OFFICERS, {"required": "bank_statement"}),
    "officer.round_stages": (_round, OFFICERS, {"two_stages": ""}),
    "officer.add_round_section": (_round, OFFICERS, {"title": "Your partners"}),
    "officer.edit_round_section": (_section, OFFICERS, {"title": "Your partners"}),
    "officer.move_round_section": (_section, OFFICERS, {"direction": "up"}),
    "officer.add_round_question": (_section, OFFICERS, QUESTION),
    "officer.edit_round_question": (_question, OFFICERS, QUESTION),
    "officer.move_round_question": (_question, OFFICERS, {"direction": "down"}),
    "officer.remove_round_question": (_question, OFFICERS),
    "officer.remove_round_section": (_section, OFFICERS),
}

OBJECT_CHECKS: list[tuple[str, str, Arguments]] = [
    ("apply.round_section", "applicant_b", lambda w: {"application_id": w.draft_a_id, "key": "s1"}),
    ("apply.round_section", "applicant_a", lambda w: {"application_id": w.draft_a_id, "key": "s9"}),
    (
        "officer.edit_round_question",
        "officer",
        lambda w: {"round_id": w.round_id, "question_id": w.builder_question_id},
    ),
]
