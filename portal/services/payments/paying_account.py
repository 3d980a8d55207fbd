"""The account grants are paid from, and the programme's Bacs service user number: set by finance,
read by the bank file."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy.orm import Session

from portal.errors import DomainError
from portal.infra.i18n import _l, gettext
from portal.models.audit import AuditAction
from portal.models.programme import SETTINGS_ID, ProgrammeSettings
from portal.models.users import User
from portal.services import audit
from portal.services.awards.bank_details import clean_account_number, clean_sort_code, masked
from portal.services.payments.bankfile import NOT_BACS, Originator

MISSING = _l("Set the account grants are paid from on the paying account page before making a bank file.")


@dataclass(frozen=True)
class PayingAccount:
    sort_code: str
    account_number: str
    account_name: str
    service_user_number: str


def current(session: Session) -> PayingAccount:
    row = session.get(ProgrammeSettings, SETTINGS_ID)
    if row is None:
        return PayingAccount("", "", "", "")
    return PayingAccount(
        row.paying_sort_code, row.paying_account_number, row.paying_account_name, row.service_user_number
    )


def is_set(account: PayingAccount) -> bool:
    return all((account.sort_code, account.account_number, account.account_name, account.service_user_number))


def originator(session: Session) -> Originator:
    account = current(session)
    if not is_set(account):
        raise DomainError(MISSING)
    return Originator(account.sort_code, account.account_number, account.account_name, account.service_user_number)


def check(values: PayingAccount) -> dict[str, str]:
    """Field → problem, in the words the page shows."""
    problems = {}
    if clean_sort_code(values.sort_code) is None:
        problems["sort_code"] = gettext("Enter the sort code: six digits, like 30-94-57")
    if clean_account_number(values.account_number) is None:
        problems["account_number"] = gettext("Enter the account number: eight digits")
    name = values.account_name.strip()
    if not name:
        problems["account_name"] = gettext("Enter the account's name as the bank file gives it")
    elif len(name) > 18 or NOT_BACS.search(name.upper()):
        problems["account_name"] = gettext(
            "The account name must be 18 characters or fewer, using letters, numbers, spaces and . & / -"
        )
    if not re.fullmatch(r"[A-Za-z0-9]{6}", values.service_user_number.strip()):
        problems["service_user_number"] = gettext(
            "Enter the Bacs service user number your bank gave you: six characters"
        )
    return problems


def update(session: Session, values: PayingAccount, *, by: User) -> None:
    problems = check(values)
    if problems:
        raise DomainError(next(iter(problems.values())))
    row = session.get(ProgrammeSettings, SETTINGS_ID)
    if row is None:
        row = ProgrammeSettings(id=SETTINGS_ID)
        session.add(row)
    row.paying_sort_code = clean_sort_code(values.sort_code) or ""
    row.paying_account_number = clean_account_number(values.account_number) or ""
    row.paying_account_name = values.account_name.strip().upper()
    row.service_user_number = values.service_user_number.strip().upper()
    session.flush()
    audit.record(
        session,
        by,
        AuditAction.PAYING_ACCOUNT_CHANGED,
        None,
        f"Paying account set to {masked(row.paying_account_number[-4:])}, "
        f"service user number {row.service_user_number}",
    )
    session.flush()
