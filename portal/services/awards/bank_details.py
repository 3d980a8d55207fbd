"""A group's bank details for paying its grant: checked, encrypted at rest, shown masked.

The details are stored only as Fernet ciphertext made with ``BANK_DETAILS_KEYS``
(``portal.infra.encryption``: the first key encrypts, all of them decrypt,
so keys can be rotated); the last four digits of the account number are kept
apart so pages can say which account without decrypting.

Any member of the group can give or change the details, so no change is
quiet: the programme team hears of every one, and once payments have begun
or the details were confirmed (when a change is most likely to be fraud)
every member of the group hears too, payment is held until finance confirms
the new details (``bank_confirmation``), and the officer's award page shows who changed them, when, and from
which account to which (``latest_change``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.errors import DomainError
from portal.infra import encryption
from portal.infra.i18n import _l, gettext
from portal.models.audit import AuditAction, AuditEntry
from portal.models.awards import Award, AwardStatus
from portal.models.base import utcnow
from portal.models.users import User
from portal.services import audit
from portal.services.applications.organisations import members_emails
from portal.services.messages import notify
from portal.services.messages.links import absolute_url, programme_email

ADDED = AuditAction.BANK_DETAILS_ADDED
CHANGED = AuditAction.BANK_DETAILS_CHANGED


@dataclass(frozen=True)
class BankDetails:
    account_name: str
    sort_code: str  # six digits
    account_number: str  # eight digits

    @property
    def sort_code_shown(self) -> str:
        return f"{self.sort_code[:2]}-{self.sort_code[2:4]}-{self.sort_code[4:]}"


def clean_sort_code(raw: str | None) -> str | None:
    """``"12-34-56"``, ``"12 34 56"`` or ``"123456"`` → ``"123456"``; None otherwise."""
    text = re.sub(r"[\s-]", "", raw or "")
    return text if re.fullmatch(r"\d{6}", text) else None


def clean_account_number(raw: str | None) -> str | None:
    text = re.sub(r"\s", "", raw or "")
    return text if re.fullmatch(r"\d{8}", text) else None


def encrypt(details: BankDetails) -> bytes:
    payload = {
        "account_name": details.account_name,
        "sort_code": details.sort_code,
        "account_number": details.account_number,
    }
    return encryption.encrypt(json.dumps(payload).encode())


def decrypt(token: bytes) -> BankDetails:
    try:
        payload = json.loads(encryption.decrypt(token))
    except encryption.CannotDecrypt as error:
        raise DomainError(
            gettext("These bank details cannot be read with the current keys. Ask the group to give them again.")
        ) from error
    return BankDetails(**payload)


def reveal(award: Award) -> BankDetails | None:
    """The award's bank details in clear, for making the payment."""
    return decrypt(award.bank_details_encrypted) if award.bank_details_encrypted else None


def masked(last4: str | None) -> str:
    """How an account is named anywhere outside the payment itself: by its last four digits."""
    return f"account ending {last4}" if last4 else "no account"


def first_payment_at(award: Award) -> datetime | None:
    paid = [payment.paid_at for payment in award.payments if payment.paid_at is not None]
    return min(paid) if paid else None


def payments_began(award: Award) -> bool:
    """Whether money has been paid on the award: from then on a change of bank details is told to the whole group."""
    return first_payment_at(award) is not None


@dataclass(frozen=True)
class BankDetailsChange:
    """The last change of an award's bank details, for the officer: who, when and which accounts (masked)."""

    by: str
    at: datetime
    summary: str  # "Account ending 1234 changed to account ending 5678"
    after_payments_began: bool


def latest_change(session: Session, award: Award) -> BankDetailsChange | None:
    """The award's last change of bank details (never the first time they were given), if any."""
    row = session.execute(
        select(AuditEntry, User)
        .outerjoin(User, User.id == AuditEntry.actor_id)
        .where(AuditEntry.action == CHANGED, AuditEntry.object_type == "Award", AuditEntry.object_id == award.id)
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    entry, person = row
    began = first_payment_at(award)
    return BankDetailsChange(
        by=_name(person),
        at=entry.created_at,
        summary=entry.summary,
        after_payments_began=began is not None and entry.created_at > began,
    )


def _name(person: User | None) -> str:
    if person is None:
        return "a person whose account has since been removed"
    return person.name or person.email


def lock_for_bank_details(session: Session, award: Award) -> None:
    """Hold the award's row until commit and reload it, so a change of details, a confirmation and
    a payment never act on each other's stale state (one waits for the other on PostgreSQL)."""
    # The row must be fetched, not just selected: only loading it refreshes the award's attributes.
    session.execute(
        select(Award).where(Award.id == award.id).with_for_update().execution_options(populate_existing=True)
    ).scalar_one()


def save_bank_details(session: Session, award: Award, details: BankDetails, *, by: User) -> None:
    """Store (or replace) the account to pay the grant into, and tell whoever must know."""
    lock_for_bank_details(session, award)
    if award.status not in (AwardStatus.ACCEPTED, AwardStatus.PAID, AwardStatus.REPORT_DUE):
        raise DomainError(gettext("Accept the grant before you give your bank details."))
    replacing = award.bank_details_encrypted is not None
    before = award.bank_account_last4
    # Confirmed details that change are the classic fraud: payment waits for a fresh confirmation.
    was_confirmed = award.bank_details_confirmed_at is not None or award.bank_details_on_hold_since is not None
    award.bank_details_encrypted = encrypt(details)
    award.bank_account_last4 = details.account_number[-4:]
    award.bank_details_added_at = utcnow()
    award.bank_details_entered_by_id = by.id
    award.bank_details_confirmed_at = None
    award.bank_details_confirmed_by_id = None
    if replacing and was_confirmed:
        award.bank_details_on_hold_since = award.bank_details_on_hold_since or award.bank_details_added_at
    after = masked(award.bank_account_last4)
    change = f"{masked(before).capitalize()} changed to {after}" if replacing else after.capitalize()
    audit.record(session, by, CHANGED if replacing else ADDED, award, change)
    context: dict[str, Any] = {
        "award": award,
        "replacing": replacing,
        "change": change,
        "by": _name(by),
        "after_payments": payments_began(award),
        "on_hold": replacing and was_confirmed,
    }
    reference = award.application.reference
    notify.queue_email(
        session,
        to=programme_email(),
        subject=(
            _l("Bank details changed for %(reference)s", reference=reference)
            if replacing
            else _l("Bank details added for %(reference)s", reference=reference)
        ),
        template="bank_details_team",
        award_url=absolute_url("officer.award", award_id=award.id),
        **context,
    )
    if context["after_payments"] or context["on_hold"]:
        # Any member can change the details, including one another member added
        # without the others knowing: everyone in the group must be able to say "not us".
        for email in members_emails(session, award.application.organisation_id):
            notify.queue_email(
                session,
                to=email,
                subject=_l("The bank details for your grant have changed (%(reference)s)", reference=reference),
                template="bank_details_changed",
                team=programme_email(),
                **context,
            )
    session.flush()
