"""Public pages, sign-in, role home pages and people management."""

from __future__ import annotations

from tests.access import Arguments, Line, everyone, only, signed_in

MATRIX: dict[str, Line] = {
    "main.index": (lambda w: {}, everyone()),
    "main.round_detail": (lambda w: {"slug": w.round_slug}, everyone()),
    "main.accessibility": (lambda w: {}, everyone()),
    "main.privacy": (lambda w: {}, everyone()),
    "main.open_data": (lambda w: {}, everyone()),
    "main.open_data_json": (lambda w: {}, everyone()),
    "main.open_data_csv": (lambda w: {}, everyone()),
    "main.healthz": (lambda w: {}, everyone()),
    "main.choose_language": (lambda w: {}, everyone()),
    "static": (lambda w: {"filename": "css/portal.css"}, everyone()),
    "auth.start": (lambda w: {}, everyone()),
    "auth.check_email": (lambda w: {}, everyone()),
    "auth.code": (lambda w: {}, everyone()),
    # With no sign-in under way it sends nothing and goes back to the start.
    "auth.by_email": (lambda w: {}, everyone()),
    "auth.link": (lambda w: {"handle": "nohandle", "token": "notoken"}, everyone()),
    "auth.staff": (lambda w: {}, everyone()),
    "auth.totp": (lambda w: {}, everyone()),
    "auth.totp_setup": (lambda w: {}, everyone()),
    "auth.sign_out": (lambda w: {}, everyone()),
    "apply.dashboard": (lambda w: {}, signed_in()),
    "panel.home": (lambda w: {}, only("panellist")),
    "officer.home": (lambda w: {}, only("officer")),
    "admin.users": (lambda w: {}, only("admin")),
    "admin.new_user": (lambda w: {}, only("admin")),
    "admin.edit_user": (lambda w: {"user_id": w.people["applicant_a"].id}, only("admin")),
}

OBJECT_CHECKS: list[tuple[str, str, Arguments]] = [
    ("admin.edit_user", "admin", lambda w: {"user_id": 999_999}),
    ("main.round_detail", "anonymous", lambda w: {"slug": "no-such-round"}),
]
