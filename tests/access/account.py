"""A person's own data, and erasure of a person by an administrator."""

from __future__ import annotations

from tests.access import Arguments, Line, only, signed_in

MATRIX: dict[str, Line] = {
    # No id in the URL: each person can only ever get their own data.
    "account.your_data": (lambda w: {}, signed_in()),
    "account.download_data": (lambda w: {}, signed_in()),
    # No id either: each person chooses how they are contacted, for themselves only.
    "account.contact_choice": (lambda w: {}, signed_in()),
    # An empty form (no confirmation ticked) is shown again with an error.
    "admin.erase_user": (lambda w: {"user_id": w.people["applicant_a"].id}, only("admin")),
}

OBJECT_CHECKS: list[tuple[str, str, Arguments]] = [
    ("admin.erase_user", "admin", lambda w: {"user_id": 999_999}),
]
