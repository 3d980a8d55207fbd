"""Reference data officers import: deprivation by LSOA, and which LSOA each postcode is in.

- The English Indices of Deprivation "File 1" (IMD rank and decile per LSOA),
  in the IoD2019 layout (2011 LSOAs) or the IoD2025 layout (2021 LSOAs).
  Columns are found by their header names, so either edition works.
- A postcode to LSOA lookup in the ONS postcode directory layout (``pcds``,
  ``lsoa11``/``lsoa21`` …), kept only for the programme's postcode districts.

A file with problems is refused whole, naming the first bad lines
(``MAX_PROBLEMS``) and what is wrong with each; a good file replaces the old
data in the caller's transaction (commit once, so a failed import leaves the
old data as it was). Both readers stream the file and may report progress
(lines read) through a callback, so a worker can show how far it has got.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from portal.errors import DomainError
from portal.infra.i18n import _l, gettext
from portal.models.audit import AuditAction
from portal.models.funding import LsoaDeprivation, NeighbourhoodArea, NeighbourhoodLsoa, PostcodeLsoa
from portal.models.users import User
from portal.services import audit
from portal.services.applications.postcodes import areas_for, normalise_postcode

CHUNK = 2_000
MAX_PROBLEMS = 20  # bad lines named; the rest are counted
PROGRESS_EVERY = 10_000  # lines between progress reports
_LSOA = re.compile(r"[EW]01[0-9]{6}")
EDITIONS = {"2011": "2019", "2021": "2025"}  # LSOA boundaries -> Indices of Deprivation edition


Progress = Callable[[int], None]  # called with the number of lines read so far


class ReferenceDataError(DomainError):
    """A file that cannot be imported; the message names the lines and the reasons."""

    def __init__(self, message: str, *, problems: list[str] | None = None, bad_lines: int = 0) -> None:
        super().__init__(message)
        self.problems = problems if problems is not None else [self.message]
        self.bad_lines = bad_lines or len(self.problems)


def _problem(line: int, reason: str) -> ReferenceDataError:
    return ReferenceDataError(gettext("Line %(line)s: %(reason)s", line=line, reason=reason))


@dataclass
class Problems:
    """The bad lines of a file: the first ``MAX_PROBLEMS`` named, all of them counted."""

    named: list[str] = field(default_factory=list)
    count: int = 0

    def add(self, line: int, reason: str) -> None:
        self.count += 1
        if len(self.named) < MAX_PROBLEMS:
            self.named.append(f"Line {line}: {reason}")

    def refuse(self) -> None:
        """Raise ReferenceDataError listing the bad lines, if there are any."""
        if not self.count:
            return
        more = self.count - len(self.named)
        # Kept with the import and shown as written (like the named lines), so in English.
        also = "… and 1 more bad line." if more == 1 else f"… and {more:,} more bad lines."
        lines = self.named + ([also] if more else [])
        raise ReferenceDataError("\n".join(lines), problems=self.named, bad_lines=self.count)


def _report(progress: Progress | None, line: int) -> None:
    if progress is not None and line % PROGRESS_EVERY == 0:
        progress(line)


def _header(reader: Iterator[list[str]]) -> list[str]:
    try:
        return [cell.strip() for cell in next(reader)]
    except StopIteration:
        raise _problem(1, "the file is empty.") from None


def _find(header: list[str], test: Any, what: str) -> int:
    for index, name in enumerate(header):
        if test(name.lower()):
            return index
    raise _problem(1, f"there is no {what} column (the first line must be the column names).")


def _whole_number(raw: str) -> int | None:
    text = raw.strip().replace(",", "")
    return int(text) if text.isdigit() else None


@dataclass(frozen=True)
class Imported:
    rows: int
    edition: str
    replaced: int


def read_imd(stream: IO[str], progress: Progress | None = None) -> tuple[str, list[dict[str, Any]]]:
    """The edition and one row per LSOA, or ReferenceDataError naming the bad lines."""
    reader = csv.reader(stream)
    header = _header(reader)
    code = _find(header, lambda h: h.startswith("lsoa code"), "'LSOA code'")
    name = _find(header, lambda h: h.startswith("lsoa name"), "'LSOA name'")
    rank = _find(header, lambda h: h.startswith("index of multiple deprivation (imd) rank"), "IMD rank")
    decile = _find(header, lambda h: h.startswith("index of multiple deprivation (imd) decile"), "IMD decile")
    year = re.search(r"\((\d{4})\)", header[code])
    edition = EDITIONS.get(year.group(1) if year else "", "")
    if not edition:
        raise _problem(1, f"'{header[code]}' does not say which LSOAs it uses: expected (2011) or (2021).")
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    problems = Problems()
    width = max(code, name, rank, decile) + 1
    for line, cells in enumerate(reader, start=2):
        _report(progress, line)
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) < width:
            problems.add(line, f"it has {len(cells)} columns, but the header has {len(header)}.")
            continue
        lsoa = cells[code].strip()
        if not _LSOA.fullmatch(lsoa):
            problems.add(line, f"'{lsoa}' is not an LSOA code like E01000001.")
            continue
        if lsoa in seen:
            problems.add(line, f"{lsoa} appears twice.")
            continue
        seen.add(lsoa)
        rank_value = _whole_number(cells[rank])
        if not rank_value:
            problems.add(line, f"the IMD rank '{cells[rank]}' is not a whole number.")
            continue
        decile_value = _whole_number(cells[decile])
        if decile_value is None or not 1 <= decile_value <= 10:
            problems.add(line, f"the IMD decile '{cells[decile]}' is not between 1 and 10.")
            continue
        rows.append(
            {
                "lsoa_code": lsoa,
                "lsoa_name": cells[name].strip()[:200],
                "imd_rank": rank_value,
                "imd_decile": decile_value,
                "edition": edition,
            }
        )
    problems.refuse()
    if not rows:
        raise _problem(2, "there are no LSOAs after the column names.")
    return edition, rows


def _insert(session: Session, model: Any, rows: Iterable[dict[str, Any]]) -> None:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == CHUNK:
            session.execute(insert(model), batch)
            batch = []
    if batch:
        session.execute(insert(model), batch)


def import_imd(
    session: Session, stream: IO[str], *, source: str = "", by: User | None = None, progress: Progress | None = None
) -> Imported:
    """Replace the deprivation data with the file's (refused whole if any line is wrong)."""
    edition, rows = read_imd(stream, progress)
    replaced = session.scalar(select(func.count()).select_from(LsoaDeprivation)) or 0
    session.execute(delete(LsoaDeprivation))
    _insert(session, LsoaDeprivation, rows)
    audit.record(
        session,
        by,
        AuditAction.DEPRIVATION_DATA_IMPORTED,
        None,
        f"IoD{edition}: {len(rows)} LSOAs from {source or 'a file'}",
    )
    session.flush()
    return Imported(rows=len(rows), edition=edition, replaced=replaced)


def imd_edition(session: Session) -> str | None:
    return session.scalar(select(LsoaDeprivation.edition).limit(1))


def read_postcodes(
    stream: IO[str],
    districts: set[str],
    lsoa_column: str | None = None,
    lsoas: set[str] | None = None,
    progress: Progress | None = None,
) -> Iterator[dict[str, str]]:
    """Rows of the lookup for postcodes in ``districts`` (districts or sectors) or in ``lsoas``,
    checked line by line; ReferenceDataError naming the bad lines once the whole file is read."""
    lsoas = lsoas or set()
    reader = csv.reader(stream)
    header = [name.lower() for name in _header(reader)]
    postcode = next((header.index(n) for n in ("pcds", "pcd", "pcd2", "postcode") if n in header), None)
    if postcode is None:
        raise _problem(1, "there is no postcode column (pcds, pcd, pcd2 or postcode).")
    wanted = [lsoa_column.lower()] if lsoa_column else ["lsoa21", "lsoa21cd", "lsoa11", "lsoa11cd", "lsoa"]
    lsoa = next((header.index(n) for n in wanted if n in header), None)
    if lsoa is None:
        raise _problem(1, f"there is no LSOA column ({', '.join(wanted)}).")
    width = max(postcode, lsoa) + 1
    seen: set[str] = set()
    problems = Problems()
    for line, cells in enumerate(reader, start=2):
        _report(progress, line)
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) < width:
            problems.add(line, f"it has {len(cells)} columns, but the header has {len(header)}.")
            continue
        normalised = normalise_postcode(cells[postcode])
        if normalised is None:
            problems.add(line, f"'{cells[postcode]}' is not a UK postcode.")
            continue
        code = cells[lsoa].strip()
        if not any(area in districts for area in areas_for(normalised)) and code not in lsoas:
            continue
        if not _LSOA.fullmatch(code):
            problems.add(line, f"the LSOA '{code}' for {normalised} is not an LSOA code like E01000001.")
            continue
        if normalised in seen:
            problems.add(line, f"{normalised} appears twice.")
            continue
        seen.add(normalised)
        yield {"postcode": normalised, "lsoa_code": code}
    problems.refuse()


def programme_places(session: Session) -> tuple[set[str], set[str]]:
    """Every neighbourhood's postcode districts and sectors, and its LSOAs (retired ones' too:
    the rounds that fund them still count their postcodes)."""
    return set(session.scalars(select(NeighbourhoodArea.prefix))), set(
        session.scalars(select(NeighbourhoodLsoa.lsoa_code))
    )


NO_NEIGHBOURHOODS = _l(
    "Set up the neighbourhoods and their postcode districts before importing postcodes: "
    "the lookup keeps only the postcodes in them."
)


def import_postcodes(
    session: Session,
    stream: IO[str],
    *,
    lsoa_column: str | None = None,
    source: str = "",
    by: User | None = None,
    progress: Progress | None = None,
) -> Imported:
    """Replace the postcode lookup with the file's postcodes in the programme's areas and LSOAs."""
    districts, lsoas = programme_places(session)
    if not districts and not lsoas:
        raise ReferenceDataError(NO_NEIGHBOURHOODS)
    if lsoa_column is None:
        # Match the deprivation data: IoD2019 uses 2011 LSOAs, IoD2025 uses 2021 LSOAs.
        lsoa_column = {"2019": "lsoa11", "2025": "lsoa21"}.get(imd_edition(session) or "")
    rows = list(read_postcodes(stream, districts, lsoa_column, lsoas, progress))
    replaced = session.scalar(select(func.count()).select_from(PostcodeLsoa)) or 0
    session.execute(delete(PostcodeLsoa))
    _insert(session, PostcodeLsoa, rows)
    audit.record(
        session, by, AuditAction.POSTCODE_LOOKUP_IMPORTED, None, f"{len(rows)} postcodes from {source or 'a file'}"
    )
    session.flush()
    return Imported(rows=len(rows), edition="", replaced=replaced)


@dataclass(frozen=True)
class ReferenceCounts:
    postcodes: int
    lsoas: int
    edition: str | None


def reference_counts(session: Session) -> ReferenceCounts:
    """How much reference data there is: postcodes in the lookup, LSOAs with deprivation, and its edition."""
    return ReferenceCounts(
        postcodes=session.scalar(select(func.count()).select_from(PostcodeLsoa)) or 0,
        lsoas=session.scalar(select(func.count()).select_from(LsoaDeprivation)) or 0,
        edition=imd_edition(session),
    )
