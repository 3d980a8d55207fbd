"""CSV exports for officers: streamed row by row, and safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.formatting import uk_time
from portal.infra.i18n import _l
from portal.models.applications import Application
from portal.models.awards import Award, Payment
from portal.models.organisations import Organisation
from portal.workflow import AWARD_LABELS

# Cells starting with these would be run as formulas by spreadsheet programs.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Rows read from the database at a time by the streamed exports.
BATCH = 500


def spreadsheet_safe(value: object) -> str:
    """A cell that spreadsheet programs will show as text, never run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_lines(header: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[str]:
    """The header, then one line per row, each cell made safe.

    The header is put into words at once, in the language of the request: a download's body may be
    sent after the request has ended. A view that streams builds the header before it streams.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def line(cells: Sequence[object]) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([spreadsheet_safe(cell) for cell in cells])
        return buffer.getvalue()

    return itertools.chain([line([str(cell) for cell in header])], (line(row) for row in rows))


def _pounds(pence: int | None) -> str:
    return "" if pence is None else f"{pence / 100:.2f}"


def _day(value: datetime | date | None) -> str:
    if value is None:
        return ""
    return (uk_time(value).date() if isinstance(value, datetime) else value).isoformat()


AWARDS_HEADER = [
    _l("Reference"),
    _l("Project"),
    _l("Group"),
    _l("Status"),
    _l("Awarded (£)"),
    _l("Paid (£)"),
    _l("Offered on"),
    _l("Accepted on"),
    _l("Accepted by"),
    _l("Report due"),
    _l("Published as open data"),
]


def award_rows(session: Session, round_id: int) -> Iterator[list[object]]:
    """One row per award in the round, read in batches by one query."""
    paid = (
        select(Payment.award_id, func.sum(Payment.amount_pence).label("paid"))
        .where(Payment.paid_at.is_not(None))
        .group_by(Payment.award_id)
        .subquery()
    )
    statement = (
        select(
            Application.reference,
            Application.title,
            Organisation.name,
            Award.status,
            Award.amount_pence,
            paid.c.paid,
            Award.offered_at,
            Award.accepted_at,
            Award.accepted_name,
            Award.report_due_on,
            Award.published,
        )
        .join(Application, Application.id == Award.application_id)
        .join(Organisation, Organisation.id == Application.organisation_id)
        .outerjoin(paid, paid.c.award_id == Award.id)
        .where(Award.round_id == round_id)
        .order_by(Application.reference)
        .execution_options(yield_per=BATCH)
    )
    for reference, title, group, status, amount, paid_pence, offered, accepted, by, due, published in session.execute(
        statement
    ):
        yield [
            reference,
            title,
            group,
            AWARD_LABELS[status],
            _pounds(amount),
            _pounds(paid_pence or 0),
            _day(offered),
            _day(accepted),
            by or "",
            _day(due),
            "Yes" if published else "No",
        ]


PAYMENTS_HEADER = [
    _l("Reference"),
    _l("Group"),
    _l("Amount (£)"),
    _l("Due on"),
    _l("Paid on"),
    _l("Payment reference"),
]


def payment_rows(session: Session, round_id: int) -> Iterator[list[object]]:
    """One row per payment planned or made on the round's awards, read in batches by one query."""
    statement = (
        select(
            Application.reference,
            Organisation.name,
            Payment.amount_pence,
            Payment.due_on,
            Payment.paid_at,
            Payment.reference,
        )
        .join(Award, Award.id == Payment.award_id)
        .join(Application, Application.id == Award.application_id)
        .join(Organisation, Organisation.id == Application.organisation_id)
        .where(Award.round_id == round_id)
        .order_by(Application.reference, Payment.due_on, Payment.id)
        .execution_options(yield_per=BATCH)
    )
    for reference, group, amount, due, paid_at, payment_reference in session.execute(statement):
        yield [reference, group, _pounds(amount), _day(due), _day(paid_at), payment_reference or ""]
