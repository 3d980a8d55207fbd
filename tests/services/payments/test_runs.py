"""Payment runs: only payable instalments, each in one run at a time, approved by a second person, the bank
file downloaded on the record, and paid once with the run's reference."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.errors import DomainError
from portal.extensions import db
from portal.infra.database import writing
from portal.models.applications import ApplicationStatus
from portal.models.audit import AuditAction, AuditEntry
from portal.models.awards import Award, AwardStatus, Payment
from portal.models.base import utcnow
from portal.models.payment_runs import PaymentRun, PaymentRunStatus
from portal.models.users import Role, User
from portal.services.awards import bank_details, payments
from portal.services.awards.bank_details import BankDetails
from portal.services.payments import paying_account, runs
from portal.services.payments.paying_account import PayingAccount
from tests.factories import confirm_bank_details, make_application, make_award, make_organisation, make_round, make_user
from tests.fixtures.databases import reread
from tests.services.payments import bacs_reader

TODAY = utcnow().date()


def finance(session: Session, name: str) -> User:
    return make_user(session, name=name, roles=(Role.FINANCE,))


def payable_award(session: Session, officer: User, *, confirmed: bool = True, name: str = "Holywell Walkers") -> Award:
    member = make_user(session)
    award = make_award(
        session,
        application=make_application(
            session,
            grant_round=make_round(session),
            organisation=make_organisation(session, name=name, members=(member,)),
            status=ApplicationStatus.APPROVED,
        ),
        status=AwardStatus.ACCEPTED,
        amount_pence=300_000,
    )
    award.application.reference = f"AO-2026-{award.application.id:04d}"
    bank_details.save_bank_details(session, award, BankDetails(name, "309457", "00733445"), by=member)
    if confirmed:
        confirm_bank_details(session, award)
    return award


def instalment(session: Session, award: Award, officer: User, pence: int = 100_000) -> Payment:
    return payments.plan_payment(session, award, by=officer, amount_pence=pence, due_on=TODAY)


def set_paying_account(session: Session, by: User) -> None:
    paying_account.update(session, PayingAccount("40-12-76", "41234567", "Anchor grants", "123456"), by=by)


def test_a_run_is_made_approved_by_another_person_downloaded_and_paid(session: Session, officer: User) -> None:
    maker, checker = finance(session, "Fatima"), finance(session, "Gary")
    award = payable_award(session, officer)
    first, second = instalment(session, award, officer), instalment(session, award, officer)
    set_paying_account(session, maker)

    run = runs.create_run(session, [first, second], by=maker, pay_on=TODAY + timedelta(days=3))
    assert run.status is PaymentRunStatus.DRAFT
    assert run.total_pence() == 200_000
    assert run.reference.startswith("RUN-")
    with pytest.raises(DomainError, match="A second person must approve"):
        runs.approve(session, run, by=maker)
    with pytest.raises(DomainError, match="approved the run"):
        runs.bank_file(session, run, by=maker, kind="standard18")

    runs.approve(session, run, by=checker)
    made = runs.bank_file(session, run, by=maker, kind="standard18")
    runs.bank_file(session, run, by=checker, kind="csv")
    read = bacs_reader.read(made.body)
    assert [r["dest_account"] for r in read.records[:-1]] == ["00733445", "00733445"]
    assert made.filename == f"{run.reference}.txt"
    downloads = session.scalars(select(AuditEntry).where(AuditEntry.action == AuditAction.PAYMENT_RUN_DOWNLOADED)).all()
    assert len(downloads) == 2
    assert all("00733445" not in entry.summary for entry in downloads)

    runs.mark_paid(session, run, by=maker)
    assert run.status is PaymentRunStatus.PAID
    assert [p.reference for p in (first, second)] == [run.reference, run.reference]
    assert all(p.paid_at is not None for p in (first, second))
    assert award.status is AwardStatus.PAID or award.paid_pence() == 200_000
    with pytest.raises(DomainError, match="changed since you opened"):
        runs.mark_paid(session, run, by=maker)


def test_a_payment_is_in_one_run_at_a_time_and_freed_when_a_run_is_cancelled(session: Session, officer: User) -> None:
    maker = finance(session, "Fatima")
    award = payable_award(session, officer)
    payment = instalment(session, award, officer)
    run = runs.create_run(session, [payment], by=maker, pay_on=TODAY)
    assert [c.payment for c in runs.candidates(session)] == []
    with pytest.raises(DomainError, match="already in another payment run"):
        runs.create_run(session, [payment], by=maker, pay_on=TODAY)

    runs.cancel(session, run, by=maker)
    session.refresh(payment)
    assert payment.run_id is None
    assert [c.payment.id for c in runs.candidates(session)] == [payment.id]
    with pytest.raises(DomainError, match="not been paid can be cancelled"):
        runs.cancel(session, run, by=maker)


def test_unpayable_instalments_are_refused_naming_the_award(session: Session, officer: User) -> None:
    maker = finance(session, "Fatima")
    unconfirmed = payable_award(session, officer, confirmed=False, name="Unconfirmed Group")
    waiting = instalment(session, unconfirmed, officer)
    [candidate] = runs.candidates(session)
    assert candidate.problem == "The group's bank details must be confirmed by finance before anything is paid."
    with pytest.raises(DomainError, match=unconfirmed.application.reference):
        runs.create_run(session, [waiting], by=maker, pay_on=TODAY)

    cancelled = payable_award(session, officer, name="Cancelled Group")
    gone = instalment(session, cancelled, officer)
    cancelled.status = AwardStatus.CANCELLED
    assert runs.why_not_payable(gone) == "The award is not live."
    with pytest.raises(DomainError, match="today or later"):
        runs.create_run(session, [waiting], by=maker, pay_on=date(2020, 1, 1))


def test_details_changed_after_a_run_is_made_stop_its_approval(session: Session, officer: User) -> None:
    maker, checker = finance(session, "Fatima"), finance(session, "Gary")
    award = payable_award(session, officer)
    run = runs.create_run(session, [instalment(session, award, officer)], by=maker, pay_on=TODAY)
    member = award.application.organisation.memberships[0].user
    bank_details.save_bank_details(session, award, BankDetails("Someone else", "401122", "12345678"), by=member)
    with pytest.raises(DomainError, match="Payment is on hold"):
        runs.approve(session, run, by=checker)


def test_no_bank_file_without_the_paying_account(session: Session, officer: User) -> None:
    maker, checker = finance(session, "Fatima"), finance(session, "Gary")
    run = runs.create_run(
        session, [instalment(session, payable_award(session, officer), officer)], by=maker, pay_on=TODAY
    )
    runs.approve(session, run, by=checker)
    with pytest.raises(DomainError, match="Set the account grants are paid from"):
        runs.bank_file(session, run, by=maker, kind="standard18")


def test_officers_see_each_rounds_money_due_and_paid(session: Session, officer: User) -> None:
    award = payable_award(session, officer)
    paid, due = instalment(session, award, officer), instalment(session, award, officer, 50_000)
    payments.record_payment(session, paid, by=officer, reference="BACS-1")
    later = payments.plan_payment(session, award, by=officer, amount_pence=10_000, due_on=TODAY + timedelta(days=70))
    assert later.paid_at is None
    [line] = runs.by_round(session, TODAY)
    assert (line.due_by_month_end_pence, line.paid_pence) == (due.amount_pence, 100_000)
    assert runs.by_round(session, TODAY, award.round_id) == [line]
    # Money paid on a grant later cancelled is not the round's paid money any more (the budget keeps it apart).
    payments.cancel_award(session, award, by=officer, reason="The group closed")
    assert runs.by_round(session, TODAY) == []


@pytest.mark.postgres_only
def test_two_people_building_runs_at_once_put_a_payment_in_one(app: Flask, session: Session, officer: User) -> None:
    makers = [finance(session, "Fatima"), finance(session, "Gary")]
    payment = instalment(session, payable_award(session, officer), officer)
    session.commit()
    barrier = threading.Barrier(2)
    refused: list[str] = []

    def build(maker_id: int) -> None:
        with app.app_context(), writing():
            mine, maker = db.session.get(Payment, payment.id), db.session.get(User, maker_id)
            assert mine is not None
            assert maker is not None
            barrier.wait()
            try:
                runs.create_run(db.session, [mine], by=maker, pay_on=TODAY)
            except DomainError as error:
                refused.append(error.message)
                db.session.rollback()
            else:
                db.session.commit()

    threads = [threading.Thread(target=build, args=(maker.id,)) for maker in makers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    reread(session)
    held = session.scalars(select(PaymentRun).join(Payment, Payment.run_id == PaymentRun.id)).all()
    assert len(held) == 1
    assert len(refused) == 1


@pytest.mark.postgres_only
def test_two_people_marking_a_run_paid_at_once_pay_it_once(app: Flask, session: Session, officer: User) -> None:
    maker, checker = finance(session, "Fatima"), finance(session, "Gary")
    payment = instalment(session, payable_award(session, officer), officer)
    run = runs.create_run(session, [payment], by=maker, pay_on=TODAY)
    runs.approve(session, run, by=checker)
    session.commit()
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def pay(user_id: int) -> None:
        with app.app_context(), writing():
            mine, user = db.session.get(PaymentRun, run.id), db.session.get(User, user_id)
            assert mine is not None
            assert user is not None
            barrier.wait()
            try:
                runs.mark_paid(db.session, mine, by=user)
            except DomainError as error:
                outcomes.append(error.message)
                db.session.rollback()
            else:
                outcomes.append("paid")
                db.session.commit()

    threads = [threading.Thread(target=pay, args=(user.id,)) for user in (maker, checker)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == sorted(["paid", runs.STALE])
    made = session.scalars(select(AuditEntry).where(AuditEntry.action == AuditAction.PAYMENT_MADE)).all()
    assert len(made) == 1
