"""A reader for the Standard 18 files the portal writes, field by field, to check them from the outside."""

from __future__ import annotations

from dataclasses import dataclass

# Data record fields: name → (first column, counting from 1, and width).
FIELDS = {
    "dest_sort_code": (1, 6),
    "dest_account": (7, 8),
    "account_type": (15, 1),
    "transaction_code": (16, 2),
    "origin_sort_code": (18, 6),
    "origin_account": (24, 8),
    "free": (32, 4),
    "amount": (36, 11),
    "user_name": (47, 18),
    "reference": (65, 18),
    "dest_name": (83, 18),
}


@dataclass(frozen=True)
class ReadFile:
    labels: dict[str, str]  # "VOL1", "HDR1", … → the whole label
    records: list[dict[str, str]]  # data records (the credits and the contra), fields as written
    lengths: set[int]


def field(line: str, start: int, width: int) -> str:
    return line[start - 1 : start - 1 + width]


def read(text: str) -> ReadFile:
    assert text.endswith("\r\n")
    lines = text[:-2].split("\r\n")
    labels = {line[:4]: line for line in lines if line[:4] in {"VOL1", "HDR1", "HDR2", "UHL1", "EOF1", "EOF2", "UTL1"}}
    data = [line for line in lines if line[:4] not in labels]
    records = [{name: field(line, start, width) for name, (start, width) in FIELDS.items()} for line in data]
    order = [line[:4] for line in lines]
    assert order[:4] == ["VOL1", "HDR1", "HDR2", "UHL1"]
    assert order[-3:] == ["EOF1", "EOF2", "UTL1"]
    return ReadFile(labels, records, {len(line) for line in lines})


def trailer_totals(utl1: str) -> tuple[int, int, int, int]:
    """UTL1: debit value, credit value (13 digits each), debit count, credit count (7 digits each)."""
    return int(utl1[4:17]), int(utl1[17:30]), int(utl1[30:37]), int(utl1[37:44])
