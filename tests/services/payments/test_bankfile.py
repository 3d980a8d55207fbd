"""The Standard 18 bank file, read back field by field; and the CSV."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.errors import DomainError
from portal.services.payments import bankfile
from portal.services.payments.bankfile import Credit, Originator
from tests.services.payments import bacs_reader

ORIGIN = Originator("401276", "41234567", "Anchor Offer grants", "123456")
CREDITS = [
    Credit("309457", "00733445", "Holywell Walkers", 250_000, "AO-2026-0042"),
    Credit("200000", "12345678", "Café & Friends (Oxhey) \u2013 a very long name", 75_050, "AO-2026-0043"),
]


def test_every_record_and_field_is_where_the_layout_puts_it() -> None:
    text = bankfile.standard18(ORIGIN, CREDITS, pay_on=date(2027, 2, 1), file_number=3)
    read = bacs_reader.read(text)

    assert read.lengths == {80, 100}
    first, second, contra = read.records
    assert first == {
        "dest_sort_code": "309457",
        "dest_account": "00733445",
        "account_type": "0",
        "transaction_code": "99",
        "origin_sort_code": "401276",
        "origin_account": "41234567",
        "free": "    ",
        "amount": "00000250000",
        "user_name": "ANCHOR OFFER GRANT",
        "reference": "AO-2026-0042      ",
        "dest_name": "HOLYWELL WALKERS  ",
    }
    # Outside the Bacs character set becomes a space; too long is cut at the field's width.
    assert second["dest_name"] == "CAF  & FRIENDS  OX"
    assert second["amount"] == "00000075050"
    assert contra["transaction_code"] == "17"
    assert (contra["dest_sort_code"], contra["dest_account"]) == ("401276", "41234567")
    assert int(contra["amount"]) == 325_050
    assert contra["reference"].strip() == "CONTRA"

    assert bacs_reader.trailer_totals(read.labels["UTL1"]) == (325_050, 325_050, 1, 2)
    # 1 February 2027 is day 032: " 27032".
    assert read.labels["UHL1"][4:10] == " 27032"
    assert read.labels["VOL1"][4:10] == "000003"
    assert "123456" in read.labels["VOL1"]
    assert read.labels["HDR1"][5:11] == "123456"


@given(
    st.lists(
        st.tuples(
            st.from_regex(r"\d{6}", fullmatch=True),
            st.from_regex(r"\d{8}", fullmatch=True),
            st.text(min_size=1, max_size=40),
            st.integers(min_value=1, max_value=10**9),
            st.text(min_size=1, max_size=30),
        ),
        min_size=1,
        max_size=20,
    )
)
def test_whatever_groups_are_called_the_file_keeps_its_shape_and_sums(rows: list[tuple]) -> None:  # type: ignore[type-arg]
    credits = [Credit(*row) for row in rows]
    read = bacs_reader.read(bankfile.standard18(ORIGIN, credits, pay_on=date(2027, 12, 31), file_number=9))
    assert read.lengths == {80, 100}
    assert [int(r["amount"]) for r in read.records[:-1]] == [c.amount_pence for c in credits]
    for record in read.records:
        assert bankfile.NOT_BACS.search(record["dest_name"] + record["reference"]) is None
    total = sum(c.amount_pence for c in credits)
    assert bacs_reader.trailer_totals(read.labels["UTL1"]) == (total, total, 1, len(credits))


@pytest.mark.parametrize(
    ("credit", "problem"),
    [
        (Credit("30945", "00733445", "A", 1, "R"), "sort code must be 6 digits"),
        (Credit("309457", "0073344", "A", 1, "R"), "account number must be 8 digits"),
        (Credit("309457", "00733445", "A", 0, "R"), "more than £0"),
    ],
)
def test_a_wrong_account_or_amount_is_refused(credit: Credit, problem: str) -> None:
    with pytest.raises(DomainError, match=problem):
        bankfile.standard18(ORIGIN, [credit], pay_on=date(2027, 2, 1), file_number=1)


def test_a_file_needs_a_service_user_number_and_a_payment() -> None:
    with pytest.raises(DomainError, match="service user number"):
        bankfile.standard18(
            ORIGIN.__class__("401276", "41234567", "X", ""), CREDITS, pay_on=date(2027, 2, 1), file_number=1
        )
    with pytest.raises(DomainError, match="nothing to pay"):
        bankfile.standard18(ORIGIN, [], pay_on=date(2027, 2, 1), file_number=1)


def test_the_csv_has_a_row_per_payment_and_is_safe_in_a_spreadsheet() -> None:
    hostile = Credit("309457", "00733445", '=HYPERLINK("x")', 100, "AO-2026-0001")
    rows = list(csv.reader(io.StringIO("".join(bankfile.csv_file([*CREDITS, hostile])))))
    assert rows[0] == ["Account name", "Sort code", "Account number", "Amount (£)", "Reference"]
    assert rows[1] == ["Holywell Walkers", "30-94-57", "00733445", "2500.00", "AO-2026-0042"]
    assert not rows[3][0].startswith("=")
