"""Paying into a group's account safely: finance reads the details only for a stated reason,
a second person confirms them, and a change after confirmation holds payment.

The person who gave or last changed the details may not confirm them, so no one
person can both set where the money goes and approve it. Confirmation belongs to
the details as they were checked: any change clears it (``bank_details.save_bank_details``),
and a change of confirmed details puts payment on hold until they are confirmed again.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from portal.errors import DomainError
from portal.infra.i18n import gettext
from portal.models.audit import AuditAction
from portal.models.awards import Award
from portal.models.base import utcnow
from portal.models.users import Role, User
from portal.services import audit
from portal.services.awards.bank_details import BankDetails, lock_for_bank_details, masked, reveal

REASON_LIMIT = 200


def may_handle_bank_details(user: User) -> bool:
    """Only finance staff read bank details in full and confirm them."""
    return user.has_role(Role.FINANCE)


def is_confirmed(award: Award) -> bool:
    return award.bank_details_encrypted is not None and award.bank_details_confirmed_at is not None


def is_on_hold(award: Award) -> bool:
    """Confirmed details were changed: nothing is paid until they are confirmed again."""
    return award.bank_details_on_hold_since is not None


def needs_confirming(award: Award) -> bool:
    return award.bank_details_encrypted is not None and award.bank_details_confirmed_at is None


def payment_blocked_reason(award: Award) -> str | None:
    """Why no money may go to the award's account now, in words for staff; None when it may."""
    if award.bank_details_encrypted is None:
        return gettext("The group has not given its bank details yet.")
    if is_on_hold(award):
        return gettext(
            "Payment is on hold: the group's bank details changed after they were confirmed. Check "
            "the change with the group, then finance must confirm the new details."
        )
    if award.bank_details_confirmed_at is None:
        return gettext("The group's bank details must be confirmed by finance before anything is paid.")
    return None


def may_pay(award: Award) -> bool:
    """Money may go to the award's account: details given, confirmed by a second person, unchanged since."""
    return payment_blocked_reason(award) is None


def may_confirm(award: Award, user: User) -> bool:
    return may_handle_bank_details(user) and needs_confirming(award) and user.id != award.bank_details_entered_by_id


def view_for_payment(session: Session, award: Award, *, by: User, reason: str) -> BankDetails:
    """The details in full, for paying the grant; every view is audited with who and why (never the details)."""
    if not may_handle_bank_details(by):
        raise DomainError(gettext("Only finance staff can see a group's bank details."))
    why = " ".join(reason.split())
    if not why:
        raise DomainError(gettext("Say why you need to see the bank details"))
    details = reveal(award)
    if details is None:
        raise DomainError(gettext("The group has not given its bank details yet."))
    audit.record(
        session,
        by,
        AuditAction.BANK_DETAILS_VIEWED,
        award,
        f"{masked(award.bank_account_last4).capitalize()} viewed: {why[:REASON_LIMIT]}",
    )
    session.flush()
    return details


def version(award: Award) -> str:
    """Names the details as given, so a confirmation cannot apply to details changed after they were checked."""
    return award.bank_details_added_at.isoformat() if award.bank_details_added_at else ""


def confirm(session: Session, award: Award, *, by: User, checked: str | None = None) -> None:
    """Record that ``by`` checked the details (against a bank statement, say); payment may then go ahead.

    ``checked`` is the ``version`` of the details ``by`` saw, when they saw them on a page."""
    if not may_handle_bank_details(by):
        raise DomainError(gettext("Only finance staff can confirm a group's bank details."))
    lock_for_bank_details(session, award)
    if award.bank_details_encrypted is None:
        raise DomainError(gettext("The group has not given its bank details yet."))
    if by.id == award.bank_details_entered_by_id:
        raise DomainError(gettext("You gave or last changed these bank details, so someone else must confirm them."))
    if checked is not None and checked != version(award):
        raise DomainError(gettext("The bank details changed while you were checking them. Check the new details."))
    if award.bank_details_confirmed_at is not None:
        raise DomainError(gettext("These bank details are already confirmed."))
    award.bank_details_confirmed_at = utcnow()
    award.bank_details_confirmed_by_id = by.id
    award.bank_details_on_hold_since = None
    audit.record(
        session,
        by,
        AuditAction.BANK_DETAILS_CONFIRMED,
        award,
        f"{masked(award.bank_account_last4).capitalize()} confirmed",
    )
    session.flush()
