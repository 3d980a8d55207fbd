"""The officer's application pages and decisions: officers only; applicants and panellists get nothing."""

from __future__ import annotations

from tests.access import Arguments, Line, only

OFFICERS = only("officer")
SCORING = {"low": "0", "high": "2", "criterion-0-title": "Need", "criterion-0-weight": "1"} | {
    f"criterion-0-points-{n}": f"Point {n}" for n in range(3)
}

MATRIX: dict[str, Line] = {
    "officer.applications": (lambda w: {"round_id": w.round_id}, OFFICERS),
    "officer.applications_csv": (lambda w: {"round_id": w.round_id}, OFFICERS),
    "officer.route_applications": (lambda w: {"round_id": w.round_id}, OFFICERS),
    "officer.application": (lambda w: {"application_id": w.application_a_id}, OFFICERS),
    "officer.ask_question": (
        lambda w: {"application_id": w.application_a_id},
        OFFICERS,
        {"question": "Can you send the hall quote?"},
    ),
    "officer.mark_eligible": (lambda w: {"application_id": w.application_a_id}, OFFICERS),
    "officer.mark_ineligible": (
        lambda w: {"application_id": w.application_a_id},
        OFFICERS,
        {"reason": "Outside the area"},
    ),
    "officer.approve": (lambda w: {"application_id": w.application_a_id}, OFFICERS, {"amount": "100"}),
    "officer.decline": (lambda w: {"application_id": w.application_a_id}, OFFICERS),
    "officer.add_note": (lambda w: {"application_id": w.application_a_id}, OFFICERS, {"note": "Phoned the group"}),
    "officer.confirm_award": (lambda w: {"application_id": w.application_a_id}, OFFICERS),
    "officer.invite": (lambda w: {"application_id": w.application_a_id}, OFFICERS),
    "officer.return_approval": (
        lambda w: {"application_id": w.application_a_id},
        OFFICERS,
        {"reason": "Check the costs first"},
    ),
    "officer.budget": (lambda w: {"round_id": w.round_id}, OFFICERS),
    "officer.audit_log": (lambda w: {}, OFFICERS),
    "officer.audit_csv": (lambda w: {}, OFFICERS),
    "officer.new_round": (lambda w: {}, OFFICERS),
    "officer.edit_round": (lambda w: {"round_id": w.round_id}, OFFICERS),
    "officer.round_eligibility": (lambda w: {"round_id": w.round_id}, OFFICERS, {"kinds": ["charity"]}),
    "officer.round_scoring": (lambda w: {"round_id": w.round_id}, OFFICERS, SCORING),
    "officer.round_decline_reasons": (lambda w: {"round_id": w.round_id}, OFFICERS, {"words": "Apply again"}),
    "officer.change_decline_reason": (
        lambda w: {"round_id": w.round_id, "reason_id": w.decline_reason_id},
        OFFICERS,
        {"reason-1-action": "up"},
    ),
    "officer.award": (lambda w: {"award_id": w.award_a_id}, OFFICERS),
    "officer.award_messages": (lambda w: {"award_id": w.award_a_id}, OFFICERS, {"body": "An answer"}),
    "officer.broadcasts": (
        lambda w: {},
        OFFICERS,
        {"audience": "all", "subject": "Peer learning", "body": "Join us", "token": "matrix-token"},
    ),
    "officer.plan_payment": (lambda w: {"award_id": w.award_a_id}, OFFICERS, {"amount": "100", "due_on": "2027-01-31"}),
    "officer.record_payment": (lambda w: {"payment_id": w.payment_a_id}, OFFICERS, {"reference": "BACS-1"}),
    # Reading one report, accepting it or sending it back (tests/officer/test_reports.py).
    "officer.report": (lambda w: {"report_id": w.report_a_id}, OFFICERS),
    "officer.accept_report": (lambda w: {"report_id": w.report_a_id}, OFFICERS, {"sent": "0"}),
    "officer.ask_for_report_changes": (
        lambda w: {"report_id": w.report_a_id},
        OFFICERS,
        {"message": "Add the spending", "sent": "0"},
    ),
    "officer.cancel_award": (lambda w: {"award_id": w.award_a_id}, OFFICERS, {"reason": "The group closed"}),
    # Report schedules: the round's default, and the offered award's own copy (tests/officer/test_report_schedules.py).
    "officer.round_reports": (lambda w: {"round_id": w.round_id}, OFFICERS),
    "officer.round_report": (
        lambda w: {"round_id": w.round_id, "item_id": w.round_report_item_id},
        OFFICERS,
        {"title": "Final report", "months_after": "12", "asks_people_reached": "y"},
    ),
    "officer.remove_round_report": (lambda w: {"round_id": w.round_id, "item_id": w.round_report_item_id}, OFFICERS),
    "officer.award_report": (
        lambda w: {"award_id": w.award_a_id, "item_id": w.award_report_item_id},
        OFFICERS,
        {"title": "Final report", "months_after": "12", "asks_people_reached": "y"},
    ),
    "officer.remove_award_report": (lambda w: {"award_id": w.award_a_id, "item_id": w.award_report_item_id}, OFFICERS),
}

OBJECT_CHECKS: list[tuple[str, str, Arguments]] = [
    ("officer.application", "officer", lambda w: {"application_id": 999_999}),
    ("officer.award", "officer", lambda w: {"award_id": 999_999}),
    ("officer.report", "officer", lambda w: {"report_id": 999_999}),
    ("officer.applications", "officer", lambda w: {"round_id": 999_999}),
    # An entry of another round's or award's schedule is not found through this one.
    ("officer.round_report", "officer", lambda w: {"round_id": w.round_id, "item_id": w.award_report_item_id}),
    ("officer.award_report", "officer", lambda w: {"award_id": w.award_a_id, "item_id": w.round_report_item_id}),
]
