"""Payment runs: finance gathers due instalments, a second person approves, the bank file pays them.

A payment belongs to at most one live run: adding it claims it with a conditional UPDATE
(``run_id IS NULL``), so two people building runs at once cannot both take it, and marking
a run paid records each payment through ``payments.record_payment`` (which pays an
instalment once, whatever else is running).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, or_, select, update
from sqlalchemy.orm import Session, joinedload

from portal.errors import DomainError
from portal.formatting import pounds
from portal.infra.database import rowcount
from portal.infra.i18n import _l, gettext
from portal.models.applications import Application
from portal.models.audit import AuditAction
from portal.models.awards import Award, AwardStatus, BudgetTotal, Payment
from portal.models.base import utcnow
from portal.models.funding import Round
from portal.models.payment_runs import PaymentRun, PaymentRunStatus
from portal.models.users import User
from portal.services import audit
from portal.services.applications.references import next_reference
from portal.services.awards import bank_confirmation, bank_details, payments
from portal.services.payments import bankfile, paying_account

S = PaymentRunStatus
PREFIX = "RUN"
PAYABLE_AWARDS = (AwardStatus.ACCEPTED, AwardStatus.PAID, AwardStatus.REPORT_DUE)
IN_ANOTHER_RUN = _l("this payment is already in another payment run.")
STALE = _l("This payment run has changed since you opened the page. Look at it again.")


def _name(payment: Payment) -> str:
    return payment.award.application.reference or gettext("award %(id)s", id=payment.award_id)


def why_not_payable(payment: Payment) -> str | None:
    """Why this instalment cannot go into a payment run now, in words for finance; None when it can."""
    award = payment.award
    if payment.paid_at is not None:
        return gettext("It has already been paid.")
    if award.status not in PAYABLE_AWARDS:
        if award.status is AwardStatus.CANCELLED:
            return gettext("The award is not live.")
        return gettext("The group has not accepted it.")
    held = payments.payment_held_by(payment)
    if held is not None:
        return payments.held_message(held) + "."
    if payment.amount_pence > award.amount_pence - award.paid_pence():
        return gettext(
            "It is more than the %(left)s the award has left to pay.",
            left=pounds(award.amount_pence - award.paid_pence()),
        )
    return bank_confirmation.payment_blocked_reason(award)


def may_add(payment: Payment) -> bool:
    return payment.run_id is None and why_not_payable(payment) is None


@dataclass(frozen=True)
class Candidate:
    payment: Payment
    problem: str | None


def candidates(session: Session) -> list[Candidate]:
    """Unpaid instalments of live awards not in a run, earliest due first, each saying whether it can be paid."""
    rows = session.scalars(
        select(Payment)
        .join(Award, Award.id == Payment.award_id)
        .where(Payment.paid_at.is_(None), Payment.run_id.is_(None), Award.status.in_(PAYABLE_AWARDS))
        .options(joinedload(Payment.award).joinedload(Award.application).joinedload(Application.organisation))
        .order_by(Payment.due_on, Payment.id)
    ).all()
    return [Candidate(payment, why_not_payable(payment)) for payment in rows]


def create_run(session: Session, chosen: Sequence[Payment], *, by: User, pay_on: date) -> PaymentRun:
    """A draft run holding ``chosen``; refused whole, naming the award, if any of them cannot be paid."""
    if not chosen:
        raise DomainError(gettext("Choose at least one payment for the run."))
    if pay_on < utcnow().date():
        raise DomainError(gettext("The day the bank pays must be today or later."))
    for payment in chosen:
        problem = why_not_payable(payment)
        if problem is not None:
            raise DomainError(gettext("%(name)s: %(problem)s", name=_name(payment), problem=problem))
        if payment.run_id is not None:
            raise DomainError(gettext("%(name)s: %(problem)s", name=_name(payment), problem=IN_ANOTHER_RUN))
    now = utcnow()
    run = PaymentRun(reference=next_reference(session, now.year, PREFIX), pay_on=pay_on, created_by_id=by.id)
    session.add(run)
    session.flush()
    for payment in chosen:
        claimed = rowcount(
            session.execute(
                update(Payment)
                .where(Payment.id == payment.id, Payment.run_id.is_(None), Payment.paid_at.is_(None))
                .values(run_id=run.id)
                .execution_options(synchronize_session=False)
            )
        )
        if claimed != 1:  # another run took it a moment ago
            raise DomainError(gettext("%(name)s: %(problem)s", name=_name(payment), problem=IN_ANOTHER_RUN))
    session.expire(run, ["payments"])
    for payment in chosen:
        session.refresh(payment)
    audit.record(
        session, by, AuditAction.PAYMENT_RUN_CREATED, run, f"{len(chosen)} payments, {pounds(run.total_pence())}"
    )
    session.flush()
    return run


def may_approve(run: PaymentRun, user: User) -> bool:
    """A draft run, approved by someone other than the person who made it."""
    return run.status is S.DRAFT and user.id != run.created_by_id


def _move(session: Session, run: PaymentRun, before: PaymentRunStatus, **values: object) -> None:
    """Take the run from ``before`` to its next state once, however many people press at once."""
    moved = rowcount(
        session.execute(
            update(PaymentRun)
            .where(PaymentRun.id == run.id, PaymentRun.status == before)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
    )
    session.refresh(run)
    if moved != 1:
        raise DomainError(STALE)


def approve(session: Session, run: PaymentRun, *, by: User) -> None:
    if run.status is S.DRAFT and by.id == run.created_by_id:
        raise DomainError(gettext("A second person must approve the run: you made it."))
    for payment in run.payments:
        problem = why_not_payable(payment)
        if problem is not None:
            raise DomainError(
                gettext(
                    "%(name)s: %(problem)s Cancel the run and make it again without it.",
                    name=_name(payment),
                    problem=problem,
                )
            )
    _move(session, run, S.DRAFT, status=S.APPROVED, approved_by_id=by.id, approved_at=utcnow())
    audit.record(session, by, AuditAction.PAYMENT_RUN_APPROVED, run, f"{run.reference}: {pounds(run.total_pence())}")
    session.flush()


def may_download(run: PaymentRun) -> bool:
    """The bank file exists once a second person has approved the run (and stays for the records)."""
    return run.status in (S.APPROVED, S.PAID)


@dataclass(frozen=True)
class BankFile:
    filename: str
    content_type: str
    body: str


def bank_file(session: Session, run: PaymentRun, *, by: User, kind: str) -> BankFile:
    """The run's bank file (``kind``: "standard18" or "csv"); every download is audited."""
    if not may_download(run):
        raise DomainError(gettext("The bank file can be downloaded once a second person has approved the run."))
    origin = paying_account.originator(session)
    credits = []
    for payment in run.payments:
        details = bank_details.reveal(payment.award)
        if details is None:  # pragma: no cover - a run only holds payments with confirmed details
            raise DomainError(gettext("%(name)s: the group's bank details are missing.", name=_name(payment)))
        credits.append(
            bankfile.Credit(
                details.sort_code, details.account_number, details.account_name, payment.amount_pence, _name(payment)
            )
        )
    if kind == "csv":
        made = BankFile(f"{run.reference}.csv", "text/csv", "".join(bankfile.csv_file(credits)))
    else:
        body = bankfile.standard18(origin, credits, pay_on=run.pay_on, file_number=run.id)
        made = BankFile(f"{run.reference}.txt", "text/plain", body)
    audit.record(
        session,
        by,
        AuditAction.PAYMENT_RUN_DOWNLOADED,
        run,
        f"{run.reference}: {made.filename}, {len(credits)} payments",
    )
    session.flush()
    return made


def may_mark_paid(run: PaymentRun) -> bool:
    return run.status is S.APPROVED


def mark_paid(session: Session, run: PaymentRun, *, by: User) -> None:
    """The bank has confirmed the run: each payment is recorded as paid, with the run's reference."""
    _move(session, run, S.APPROVED, status=S.PAID, paid_by_id=by.id, paid_at=utcnow())
    for payment in run.payments:
        try:
            payments.record_payment(session, payment, by=by, reference=run.reference)
        except DomainError as error:
            raise DomainError(gettext("%(name)s: %(problem)s", name=_name(payment), problem=error.message)) from error
    audit.record(session, by, AuditAction.PAYMENT_RUN_PAID, run, f"{run.reference}: {pounds(run.total_pence())}")
    session.flush()


def may_cancel(run: PaymentRun) -> bool:
    return run.status in (S.DRAFT, S.APPROVED)


def cancel(session: Session, run: PaymentRun, *, by: User) -> None:
    """Cancel a run not yet paid: its payments are free for another run."""
    if not may_cancel(run):
        raise DomainError(gettext("Only a run that has not been paid can be cancelled."))
    _move(session, run, run.status, status=S.CANCELLED, cancelled_at=utcnow())
    session.execute(
        update(Payment)
        .where(Payment.run_id == run.id, Payment.paid_at.is_(None))
        .values(run_id=None)
        .execution_options(synchronize_session=False)
    )
    session.expire(run, ["payments"])
    audit.record(session, by, AuditAction.PAYMENT_RUN_CANCELLED, run, run.reference)
    session.flush()


def recent_runs(session: Session, limit: int = 30) -> list[PaymentRun]:
    return list(session.scalars(select(PaymentRun).order_by(PaymentRun.id.desc()).limit(limit)))


@dataclass(frozen=True)
class RoundMoney:
    """Per round: unpaid instalments due by the end of this month (overdue ones too), and what is paid."""

    round_id: int
    title: str
    due_by_month_end_pence: int
    paid_pence: int


def by_round(session: Session, today: date, round_id: int | None = None) -> list[RoundMoney]:
    """Each round's money due by the end of this month and paid so far (one round's, given ``round_id``).

    Paid so far is the rounds' running total (``budget_totals``: paid on awards not cancelled); what is due
    is summed over the unpaid instalments only, so neither grows with the payments already made. One query.
    """
    month_end = date(today.year + today.month // 12, today.month % 12 + 1, 1)
    due_soon = case((Payment.due_on < month_end, Payment.amount_pence), else_=0)
    unpaid_rows = (
        select(Award.round_id, func.sum(due_soon).label("due"))
        .join(Award, Award.id == Payment.award_id)
        .where(Award.status != AwardStatus.CANCELLED, Payment.paid_at.is_(None))
        .group_by(Award.round_id)
    )
    paid_rows = (
        select(BudgetTotal.round_id, func.sum(BudgetTotal.paid_pence).label("paid"))
        .group_by(BudgetTotal.round_id)
        .having(func.sum(BudgetTotal.paid_pence) != 0)
    )
    rounds = select(Round.id, Round.title)
    if round_id is not None:
        unpaid_rows = unpaid_rows.where(Award.round_id == round_id)
        paid_rows = paid_rows.where(BudgetTotal.round_id == round_id)
        rounds = rounds.where(Round.id == round_id)
    unpaid, paid = unpaid_rows.subquery(), paid_rows.subquery()
    query = (
        rounds.add_columns(unpaid.c.due, paid.c.paid)
        .outerjoin(unpaid, unpaid.c.round_id == Round.id)
        .outerjoin(paid, paid.c.round_id == Round.id)
        .where(or_(unpaid.c.round_id.is_not(None), paid.c.round_id.is_not(None)))
        .order_by(Round.id)
    )
    return [
        RoundMoney(rid, title, int(due or 0), int(paid_pence or 0))
        for rid, title, due, paid_pence in session.execute(query)
    ]
