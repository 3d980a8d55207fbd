"""Helping a group apply (connectors and officers), and the group's confirmation of a helped draft."""

from __future__ import annotations

from tests.access import NOT_FOUND, ROLES, SIGN_IN, Arguments, Line, only, signed_in

# Only the connector who helps group C may ask it to confirm; nobody else learns the draft exists.
HELPER_ONLY = {role: NOT_FOUND for role in ROLES} | {"anonymous": SIGN_IN, "connector": "ok"}
# Only group C's members may use the link; no matrix role is one, so for all it is not found.
NOBODY = {role: NOT_FOUND for role in ROLES} | {"anonymous": SIGN_IN}

MATRIX: dict[str, Line] = {
    # Starting for a group needs a round and a group: post a new group (the page then opens its task list).
    "apply.help_groups": (
        lambda w: {},
        only("officer", "connector") | {"anonymous": SIGN_IN},
        lambda w: {
            "round_id": str(w.round_id),
            "group": "new",
            "name": "Matrix Walkers",
            "kind": "charity",
            "contact_name": "Mo",
            "contact_email": "mo@example.org",
        },
    ),
    "apply.ask_group_to_confirm": (lambda w: {"application_id": w.helped_draft_id}, HELPER_ONLY),
    "apply.confirm_link": (lambda w: {"token": w.confirmation_token}, NOBODY),
    # Posting no code shows the page again, asking for it.
    "apply.confirm_code": (lambda w: {}, signed_in()),
}

OBJECT_CHECKS: list[tuple[str, str, Arguments]] = [
    # A connector reaches neither another group's draft nor its pages.
    ("apply.task_list", "connector", lambda w: {"application_id": w.draft_a_id}),
    ("apply.budget", "connector", lambda w: {"application_id": w.draft_a_id}),
]
