"""A group's bank details for paying its grant: checked, encrypted at rest, shown masked.

The details are stored only as Fernet ciphertext made with ``BANK_DETAILS_KEYS``
(``portal.services.encryption``: the first key encrypts, all of them decrypt,
so keys can be rotated); the last four digits of the account number are kept
apart so pages can say which account without decrypting.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from sqlalchemy.orm import Session

from portal.errors import DomainError
from portal.models.awards import Award, AwardStatus
from portal.models.base import utcnow
from portal.models.users import User
from portal.services import audit, encryption, notify
from portal.services.links import programme_email


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
            "These bank details cannot be read with the current keys. Ask the group to give them again."
        ) from error
    return BankDetails(**payload)


def reveal(award: Award) -> BankDetails | None:
    """The award's bank details in clear, for making the payment."""
    return decrypt(award.bank_details_encrypted) if award.bank_details_encrypted else None


def save_bank_details(session: Session, award: Award, user: User, details: BankDetails) -> None:
    """Store (or replace) the account to pay the grant into."""
    if award.status not in (AwardStatus.ACCEPTED, AwardStatus.PAID, AwardStatus.REPORT_DUE):
        raise DomainError("Accept the grant before you give your bank details.")
    replacing = award.bank_details_encrypted is not None
    award.bank_details_encrypted = encrypt(details)
    award.bank_account_last4 = details.account_number[-4:]
    award.bank_details_added_at = utcnow()
    action = "bank details changed" if replacing else "bank details added"
    audit.record(session, user, action, award, f"Account ending {award.bank_account_last4}")
    team = programme_email()
    if team:
        notify.queue_email(
            session,
            to=team,
            subject=f"Bank details {'changed' if replacing else 'added'} for {award.application.reference}",
            template="bank_details_team",
            award=award,
            replacing=replacing,
        )
    session.flush()
