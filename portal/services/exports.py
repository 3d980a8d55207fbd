"""CSV exports for officers: streamed row by row, and safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence

# Cells starting with these would be run as formulas by spreadsheet programs.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> str:
    """A cell that spreadsheet programs will show as text, never run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_lines(header: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[str]:
    """The header, then one line per row, each cell made safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def line(cells: Sequence[object]) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([spreadsheet_safe(cell) for cell in cells])
        return buffer.getvalue()

    yield line(header)
    for row in rows:
        yield line(row)
