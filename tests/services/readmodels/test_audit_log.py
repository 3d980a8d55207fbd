"""The audit log as officers read it: the kinds of entry it holds, and its pages newest first."""

from __future__ import annotations

from sqlalchemy.orm import Session

from portal.models.audit import AuditAction
from portal.services import audit
from portal.services.readmodels import audit_log


def test_the_filter_offers_each_kind_of_entry_the_log_holds_once(session: Session) -> None:
    assert audit_log.actions_recorded(session) == []
    for action in (AuditAction.PAYMENT_MADE, AuditAction.ROLE_GRANTED, AuditAction.PAYMENT_MADE):
        audit.record(session, None, action, None, "")
    session.flush()
    assert audit_log.actions_recorded(session) == sorted([AuditAction.PAYMENT_MADE, AuditAction.ROLE_GRANTED])


def test_pages_follow_one_another_newest_first(session: Session) -> None:
    for number in range(5):
        audit.record(session, None, AuditAction.PAYMENT_MADE, None, f"Payment {number}")
    session.flush()
    chosen = audit_log.AuditFilter()
    seen, args = [], {}
    while True:
        page = audit_log.keyset.page(
            audit_log.filtered(chosen), audit_log.ORDER, args, lambda s: session.execute(s).all(), per_page=2
        )
        seen += [entry.summary for entry, _ in page.rows]
        if not page.next_token:
            break
        args = {"after": page.next_token}
    assert seen == [f"Payment {n}" for n in (4, 3, 2, 1, 0)]
