"""The panel's pages (panellists) and running panels (officers)."""

from __future__ import annotations

from tests.access import Arguments, Line, only

MATRIX: dict[str, Line] = {
    "panel.onboarding": (lambda w: {"panel_id": w.panel_id}, only("panellist")),
    "panel.conflict": (lambda w: {"application_id": w.panel_application_id}, only("panellist")),
    "panel.review": (lambda w: {"application_id": w.panel_application_id}, only("panellist")),
    "panel.confirm_review": (lambda w: {"application_id": w.panel_application_id}, only("panellist")),
    "panel.results_page": (lambda w: {"panel_id": w.panel_id}, only("panellist")),
    "panel.time": (lambda w: {}, only("panellist")),
    "officer.round_panels": (lambda w: {"round_id": w.round_id}, only("officer")),
    "officer.panel": (lambda w: {"panel_id": w.panel_id}, only("officer")),
    "officer.invite_panellist": (lambda w: {"panel_id": w.panel_id}, only("officer")),
    "officer.auto_assign": (lambda w: {"panel_id": w.panel_id}, only("officer")),
    "officer.assign": (lambda w: {"panel_id": w.panel_id}, only("officer")),
    "officer.results": (lambda w: {"round_id": w.round_id}, only("officer")),
    "officer.conflict_register": (lambda w: {}, only("officer")),
    "officer.end_conflict": (lambda w: {"entry_id": w.conflict_id}, only("officer")),
    "officer.close_reviewing": (lambda w: {"application_id": w.panel_application_id}, only("officer")),
    "officer.decide_from_results": (lambda w: {"round_id": w.round_id}, only("officer")),
    "officer.moderate": (lambda w: {"application_id": w.panel_application_id}, only("officer")),
    "officer.panel_time_page": (lambda w: {"panel_id": w.panel_id}, only("officer")),
    "officer.mark_time_paid": (
        lambda w: {"panel_id": w.panel_id, "user_id": w.people["panellist"].id},
        only("officer"),
    ),
    "officer.panel_time_csv": (lambda w: {"panel_id": w.panel_id}, only("officer")),
    # Last: the member leaves the panel.
    "officer.panellist_leaves": (lambda w: {"panel_id": w.panel_id, "member_id": w.panel_member_id}, only("officer")),
}

OBJECT_CHECKS: list[tuple[str, str, Arguments]] = [
    # A panellist never opens an application that is not assigned to them.
    ("panel.review", "panellist", lambda w: {"application_id": w.draft_a_id}),
    ("panel.conflict", "panellist", lambda w: {"application_id": w.application_a_id}),
    ("panel.onboarding", "panellist", lambda w: {"panel_id": 999_999}),
    ("panel.results_page", "panellist", lambda w: {"panel_id": 999_999}),
    ("panel.confirm_review", "panellist", lambda w: {"application_id": w.draft_a_id}),
    ("officer.end_conflict", "officer", lambda w: {"entry_id": 999_999}),
    ("officer.panel", "officer", lambda w: {"panel_id": 999_999}),
    ("officer.round_panels", "officer", lambda w: {"round_id": 999_999}),
    ("officer.moderate", "officer", lambda w: {"application_id": 999_999}),
]
