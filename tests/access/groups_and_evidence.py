"""Group profiles, documents and photos."""

from __future__ import annotations

from tests.access import NOT_FOUND, OK, Arguments, Line, applicant_a_only

# Officers may download any evidence; other people only their own group's.
A_AND_OFFICERS = applicant_a_only() | {"officer": OK}

MATRIX: dict[str, Line] = {
    "apply.new_group": (
        lambda w: {},
        {**applicant_a_only(), "applicant_b": OK, "panellist": OK, "officer": OK, "admin": OK}
        | {"finance": OK, "funder": OK, "connector": OK},
    ),
    "apply.group": (lambda w: {"organisation_id": w.organisation_a_id}, applicant_a_only()),
    "apply.edit_group": (lambda w: {"organisation_id": w.organisation_a_id, "part": "details"}, applicant_a_only()),
    "apply.group_members": (lambda w: {"organisation_id": w.organisation_a_id}, applicant_a_only()),
    "apply.remove_member": (
        lambda w: {"organisation_id": w.organisation_a_id, "user_id": w.people["a_helper"].id},
        applicant_a_only(),
    ),
    "apply.evidence": (lambda w: {"application_id": w.draft_a_id}, applicant_a_only()),
    # Posting no document to use again is answered on the documents page.
    "apply.reuse_evidence": (lambda w: {"application_id": w.draft_a_id}, applicant_a_only()),
    "apply.download_evidence": (lambda w: {"evidence_id": w.evidence_a_id}, A_AND_OFFICERS),
    "apply.recording": (lambda w: {"evidence_id": w.recording_a_id}, A_AND_OFFICERS),
    "apply.evidence_thumbnail": (
        lambda w: {"evidence_id": w.evidence_a_id},
        {**A_AND_OFFICERS, "applicant_a": NOT_FOUND, "officer": NOT_FOUND},
    ),
    # Last: removing the file means the lines above could not find it.
    "apply.remove_evidence": (
        lambda w: {"application_id": w.draft_a_id, "evidence_id": w.evidence_a_id},
        applicant_a_only(),
    ),
}

OBJECT_CHECKS: list[tuple[str, str, Arguments]] = [
    ("apply.group", "applicant_b", lambda w: {"organisation_id": w.organisation_a_id}),
    ("apply.group", "applicant_a", lambda w: {"organisation_id": 999_999}),
    ("apply.edit_group", "applicant_b", lambda w: {"organisation_id": w.organisation_a_id, "part": "address"}),
    ("apply.group_members", "applicant_b", lambda w: {"organisation_id": w.organisation_a_id}),
    (
        "apply.remove_member",
        "applicant_a",
        lambda w: {"organisation_id": w.organisation_a_id, "user_id": w.people["applicant_b"].id},
    ),
    ("apply.evidence", "applicant_b", lambda w: {"application_id": w.draft_a_id}),
    ("apply.download_evidence", "applicant_b", lambda w: {"evidence_id": w.evidence_a_id}),
    ("apply.download_evidence", "panellist", lambda w: {"evidence_id": w.evidence_a_id}),
    # The panellist may see the photos of the application assigned to them, never its bank statement.
    ("apply.download_evidence", "panellist", lambda w: {"evidence_id": w.panel_statement_id}),
    ("apply.evidence_thumbnail", "panellist", lambda w: {"evidence_id": w.panel_statement_id}),
    ("apply.download_evidence", "applicant_b", lambda w: {"evidence_id": w.panel_photo_id}),
    # A recorded answer: not another group's member, nor a panellist the application is not assigned to.
    ("apply.recording", "applicant_b", lambda w: {"evidence_id": w.recording_a_id}),
    ("apply.recording", "panellist", lambda w: {"evidence_id": w.recording_a_id}),
    (
        "apply.remove_evidence",
        "applicant_a",
        lambda w: {"application_id": w.draft_b_id, "evidence_id": w.evidence_a_id},
    ),
]
