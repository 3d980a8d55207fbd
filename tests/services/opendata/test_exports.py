"""CSV cells that spreadsheet programs would run as formulas are neutralised."""

from __future__ import annotations

import csv
import io

import pytest

from portal.services.opendata.exports import csv_lines, spreadsheet_safe


@pytest.mark.parametrize(
    "dangerous", ["=1+1", "+447700900123", "-2+3", "@SUM(A1:A9)", "\t=cmd", "\r=cmd", '=HYPERLINK("http://x")']
)
def test_cells_that_start_a_formula_are_made_text(dangerous: str) -> None:
    assert spreadsheet_safe(dangerous) == "'" + dangerous
    (line,) = csv.reader(io.StringIO("".join(csv_lines(["Cell"], [[dangerous]]))[len("Cell\r\n") :], newline=""))
    assert line == ["'" + dangerous]


@pytest.mark.parametrize("harmless", ["Tea and talk", "1+1", "a=b", " =1", "", "£1,000"])
def test_other_cells_are_unchanged(harmless: str) -> None:
    assert spreadsheet_safe(harmless) == harmless


def test_none_is_an_empty_cell_and_numbers_are_text() -> None:
    assert spreadsheet_safe(None) == ""
    assert spreadsheet_safe(12) == "12"
    assert list(csv_lines(["A", "B"], [[None, 3]])) == ["A,B\r\n", ",3\r\n"]
