"""The bank files for a payment run: a Bacs Standard 18 file, and a plain CSV for banks that take one.

Standard 18 is the fixed-width layout Bacs (now Pay.UK) defines for bulk payment files,
as submitted through bureau software such as Bottomline or Albany. A single-day file is:

- ``VOL1``, ``HDR1``, ``HDR2`` and ``UHL1`` labels (80 characters each). ``UHL1`` carries the
  processing date as `` YYDDD`` (a space, the year's last two digits and the day of the
  year) and the service user number (SUN).
- One 100-character data record per credit:

  ====  ======  ===========================================================
  from  length  field
  ====  ======  ===========================================================
  1     6       destination sort code
  7     8       destination account number
  15    1       destination account type (``0``)
  16    2       transaction code (``99``: a credit)
  18    6       originating sort code
  24    8       originating account number
  32    4       free format (spaces)
  36    11      amount in pence, right-justified with leading zeros
  47    18      service user's name
  65    18      service user's reference (what the group's statement shows)
  83    18      destination account name
  ====  ======  ===========================================================

- A contra record, in the same layout, debiting the originating account with the total
  (transaction code ``17``, reference ``CONTRA``).
- ``EOF1``, ``EOF2`` (the header labels again, named as end-of-file) and ``UTL1``, which carries
  the debit and credit value totals (13 digits each) and the debit and credit counts (7
  digits each).

Text fields are upper case in the Bacs character set (A to Z, 0 to 9, space, full stop, ampersand,
slash and hyphen); any other character becomes a space and a field too long is cut at its
width. Bank details are decrypted only here, while the file is written, and never logged.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date

from portal.errors import DomainError
from portal.infra.i18n import gettext
from portal.services.opendata.exports import csv_lines

RECORD_LENGTH = 100
LABEL_LENGTH = 80
CREDIT = "99"
CONTRA_DEBIT = "17"
NOT_BACS = re.compile(r"[^A-Z0-9 .&/-]")
CSV_HEADER = ("Account name", "Sort code", "Account number", "Amount (£)", "Reference")


@dataclass(frozen=True)
class Originator:
    """The account the grants are paid from, and the programme's Bacs service user number."""

    sort_code: str
    account_number: str
    name: str
    service_user_number: str


@dataclass(frozen=True)
class Credit:
    """One payment to one group's account."""

    sort_code: str
    account_number: str
    account_name: str
    amount_pence: int
    reference: str


def bacs_text(value: str, width: int) -> str:
    """``value`` in the Bacs character set, upper case, cut or padded to ``width``."""
    return NOT_BACS.sub(" ", value.upper())[:width].ljust(width)


def _digits(value: str, width: int, what: str) -> str:
    if not re.fullmatch(rf"\d{{{width}}}", value):
        raise DomainError(
            gettext(
                "The %(what)s must be %(width)s digits: it is %(len)s characters.",
                what=what,
                width=width,
                len=len(value),
            )
        )
    return value


def _amount(pence: int) -> str:
    if not 0 < pence < 10**11:
        raise DomainError(gettext("Each payment must be more than £0 and fit the bank file."))
    return f"{pence:011d}"


def processing_day(day: date) -> str:
    """`` YYDDD``: the Bacs way of writing a date (the day of the year, 001 to 366)."""
    return f" {day:%y}{day.timetuple().tm_yday:03d}"


def _record(dest_sort: str, dest_account: str, code: str, origin: Originator, pence: int, ref: str, name: str) -> str:
    record = (
        _digits(dest_sort, 6, "sort code")
        + _digits(dest_account, 8, "account number")
        + "0"
        + code
        + _digits(origin.sort_code, 6, "paying account's sort code")
        + _digits(origin.account_number, 8, "paying account's number")
        + " " * 4
        + _amount(pence)
        + bacs_text(origin.name, 18)
        + bacs_text(ref, 18)
        + bacs_text(name, 18)
    )
    assert len(record) == RECORD_LENGTH
    return record


def _label(text: str) -> str:
    assert len(text) <= LABEL_LENGTH
    return text.ljust(LABEL_LENGTH)


def standard18(origin: Originator, credits: Sequence[Credit], *, pay_on: date, file_number: int) -> str:
    """The whole Standard 18 file, lines ending CRLF as bureau software expects."""
    if not credits:
        raise DomainError(gettext("There is nothing to pay in this run."))
    sun = bacs_text(origin.service_user_number, 6)
    if not re.fullmatch(r"[A-Z0-9]{6}", sun):
        raise DomainError(gettext("Enter the Bacs service user number (six characters) on the paying account page."))
    serial = f"{file_number % 1_000_000:06d}"
    day = processing_day(pay_on)
    header = f"A{sun}S  1{sun}{serial}00010001       {day} {day}000000"
    labels = [
        _label(f"VOL1{serial}" + " " * 31 + sun + " " * 32 + "1"),
        _label(f"HDR1{header}"),
        _label("HDR2F0200000100" + " " * 35 + "00"),
        _label(f"UHL1{day}999999    000000001 DAILY  {serial[-3:]}"),
    ]
    records = [
        _record(c.sort_code, c.account_number, CREDIT, origin, c.amount_pence, c.reference, c.account_name)
        for c in credits
    ]
    total = sum(c.amount_pence for c in credits)
    contra = _record(origin.sort_code, origin.account_number, CONTRA_DEBIT, origin, total, "CONTRA", origin.name)
    trailer = [
        _label(f"EOF1{header}"),
        _label("EOF2F0200000100" + " " * 35 + "00"),
        _label(f"UTL1{total:013d}{total:013d}{1:07d}{len(credits):07d}"),
    ]
    return "\r\n".join([*labels, *records, contra, *trailer]) + "\r\n"


def csv_file(credits: Sequence[Credit]) -> Iterator[str]:
    """The same payments as a plain CSV: a header row, then one row per payment (cells spreadsheet-safe)."""
    rows = (
        [
            credit.account_name,
            f"{credit.sort_code[:2]}-{credit.sort_code[2:4]}-{credit.sort_code[4:]}",
            credit.account_number,
            f"{credit.amount_pence / 100:.2f}",
            credit.reference,
        ]
        for credit in credits
    )
    return csv_lines(CSV_HEADER, rows)
