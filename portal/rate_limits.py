"""Rate limits for uploads and exports, per account and per address.

Sign-in limits live beside the sign-in views (``portal.auth.views``). These
protect the expensive pages: every upload is read, checked and stored, and
every export reads a whole round. The per-account limit is the tight one, so
one person (or one stolen session) cannot hog the portal; the per-address
limit is looser, so people sharing a community centre's connection do not
stop each other. Nothing here locks an account: a limit only makes its owner
wait, and only someone signed in as that person can spend it. The counts live
where ``RATELIMIT_STORAGE_URI`` says (``redis://…`` for several servers).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask_login import current_user

from portal.extensions import limiter

UPLOADS_PER_ACCOUNT = "30 per 10 minutes"
UPLOADS_PER_IP = "120 per 10 minutes"
EXPORTS_PER_ACCOUNT = "20 per 10 minutes"
EXPORTS_PER_IP = "60 per 10 minutes"

View = TypeVar("View", bound=Callable[..., Any])


def _account_key() -> str:
    return f"user:{current_user.get_id() or 'anonymous'}"


def _limited(scope: str, per_account: str, per_ip: str, methods: list[str]) -> Callable[[View], View]:
    account = limiter.shared_limit(per_account, scope=f"{scope}-account", key_func=_account_key, methods=methods)
    address = limiter.shared_limit(per_ip, scope=f"{scope}-ip", methods=methods)

    def decorate(view: View) -> View:
        return address(account(view))  # type: ignore[no-any-return]

    return decorate


def uploads(view: View) -> View:
    """Limit posting files to ``view``, shared by every upload page."""
    return _limited("uploads", UPLOADS_PER_ACCOUNT, UPLOADS_PER_IP, ["POST"])(view)


def exports(view: View) -> View:
    """Limit downloading ``view``'s export, shared by every export."""
    return _limited("exports", EXPORTS_PER_ACCOUNT, EXPORTS_PER_IP, ["GET"])(view)
