"""Bank details are read only for a stated reason, confirmed by a second person, and a change
of confirmed details holds payment and tells every member of the group and the programme team."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from flask import Flask
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from portal.errors import DomainError
from portal.extensions import db
from portal.infra.database import writing
from portal.models.applications import ApplicationStatus
from portal.models.audit import AuditAction, AuditEntry
from portal.models.awards import Award, AwardStatus, Payment
from portal.models.outbox import OutboxMessage
from portal.models.users import Role, User
from portal.services.awards import bank_confirmation, bank_details, payments
from portal.services.awards.bank_details import BankDetails
from tests.factories import make_application, make_award, make_organisation, make_round, make_user, set_programme
from tests.fixtures.databases import reread

DETAILS = BankDetails(account_name="Garston Men's Shed", sort_code="309457", account_number="00733445")
NEW_DETAILS = BankDetails(account_name="Someone else", sort_code="401122", account_number="12345678")


def award_with_details(session: Session, *members: User) -> Award:
    award = make_award(
        session,
        application=make_application(
            session,
            grant_round=make_round(session),
            organisation=make_organisation(session, members=members),
            status=ApplicationStatus.APPROVED,
        ),
        status=AwardStatus.ACCEPTED,
    )
    bank_details.save_bank_details(session, award, DETAILS, by=members[0])
    return award


def finance(session: Session, name: str = "Fatima") -> User:
    return make_user(session, name=name, roles=(Role.FINANCE,))


def test_a_second_person_in_finance_confirms_the_details(session: Session) -> None:
    member = make_user(session)
    award = award_with_details(session, member)
    assert not bank_confirmation.may_pay(award)
    assert bank_confirmation.payment_blocked_reason(award) == (
        "The group's bank details must be confirmed by finance before anything is paid."
    )
    checker = finance(session)

    bank_confirmation.confirm(session, award, by=checker, checked=bank_confirmation.version(award))

    assert bank_confirmation.may_pay(award)
    assert (award.bank_details_confirmed_by_id, award.bank_details_on_hold_since) == (checker.id, None)
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == AuditAction.BANK_DETAILS_CONFIRMED)).one()
    assert (entry.actor_id, entry.summary) == (checker.id, "Account ending 3445 confirmed")
    with pytest.raises(DomainError, match="already confirmed"):
        bank_confirmation.confirm(session, award, by=finance(session, "Other"))


def test_the_person_who_gave_the_details_may_not_confirm_them(session: Session) -> None:
    # A member of the group who also works in finance: they may not approve their own account.
    both = make_user(session, roles=(Role.FINANCE,))
    award = award_with_details(session, both)
    assert not bank_confirmation.may_confirm(award, both)
    with pytest.raises(DomainError, match="someone else must confirm them"):
        bank_confirmation.confirm(session, award, by=both)
    assert award.bank_details_confirmed_at is None


def test_only_finance_confirms_and_only_details_as_checked(session: Session, officer: User) -> None:
    award = award_with_details(session, make_user(session))
    with pytest.raises(DomainError, match="Only finance staff"):
        bank_confirmation.confirm(session, award, by=officer)
    with pytest.raises(DomainError, match="changed while you were checking"):
        bank_confirmation.confirm(session, award, by=finance(session), checked="2020-01-01T00:00:00+00:00")
    assert award.bank_details_confirmed_at is None


def test_a_change_after_confirmation_holds_payment_and_tells_everyone_once(
    app: Flask, session: Session, officer: User
) -> None:
    set_programme(session, contact_email="team@example.org")
    amina, dave = make_user(session, name="Amina"), make_user(session, name="Dave")
    award = award_with_details(session, amina, dave)
    bank_confirmation.confirm(session, award, by=finance(session))
    payment = payments.plan_payment(session, award, by=officer, amount_pence=10_000, due_on=date(2027, 1, 10))
    session.execute(delete(OutboxMessage))

    bank_details.save_bank_details(session, award, NEW_DETAILS, by=dave)

    assert award.bank_details_confirmed_at is None
    assert award.bank_details_on_hold_since is not None
    assert not bank_confirmation.may_pay(award)
    messages = session.scalars(select(OutboxMessage)).all()
    assert sorted(m.to for m in messages) == sorted([amina.email, dave.email, "team@example.org"])
    for message in messages:
        assert "12345678" not in message.body
        assert "401122" not in message.body
        assert "Account ending 3445 changed to account ending 5678, by Dave" in message.body
    team = next(m for m in messages if m.to == "team@example.org")
    assert "payment is on hold until finance confirms the new details" in team.body

    with pytest.raises(DomainError, match="Payment is on hold"):
        payments.record_payment(session, payment, by=officer, reference="BACS-1")
    assert payment.paid_at is None

    # A second change while on hold keeps the hold from the first.
    held_since = award.bank_details_on_hold_since
    bank_details.save_bank_details(session, award, DETAILS, by=amina)
    assert award.bank_details_on_hold_since == held_since

    bank_confirmation.confirm(session, award, by=finance(session, "Second checker"))
    assert bank_confirmation.may_pay(award)
    payments.record_payment(session, payment, by=officer, reference="BACS-1")
    assert payment.paid_at is not None


def test_each_view_of_the_details_is_audited_with_who_and_why(session: Session) -> None:
    award = award_with_details(session, make_user(session))
    reader = finance(session)

    shown = bank_confirmation.view_for_payment(session, award, by=reader, reason="  To pay   the first instalment ")

    assert shown == DETAILS
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == AuditAction.BANK_DETAILS_VIEWED)).one()
    assert (entry.actor_id, entry.summary) == (reader.id, "Account ending 3445 viewed: To pay the first instalment")
    assert "00733445" not in entry.summary
    assert "309457" not in entry.summary


def test_no_view_without_a_reason_or_the_finance_role(session: Session, officer: User) -> None:
    award = award_with_details(session, make_user(session))
    with pytest.raises(DomainError, match="Say why"):
        bank_confirmation.view_for_payment(session, award, by=finance(session), reason="   ")
    with pytest.raises(DomainError, match="Only finance staff"):
        bank_confirmation.view_for_payment(session, award, by=officer, reason="Curious")
    assert session.scalars(select(AuditEntry).where(AuditEntry.action == AuditAction.BANK_DETAILS_VIEWED)).all() == []


@pytest.mark.postgres_only
def test_a_payment_and_a_change_of_details_at_once_never_pay_unconfirmed_details(
    app: Flask, session: Session, officer: User
) -> None:
    member = make_user(session)
    award = award_with_details(session, member)
    bank_confirmation.confirm(session, award, by=finance(session))
    payment = payments.plan_payment(session, award, by=officer, amount_pence=10_000, due_on=date(2027, 1, 10))
    session.commit()
    barrier = threading.Barrier(2)
    refused: list[str] = []

    def change() -> None:
        with app.app_context(), writing():
            mine, user = db.session.get(Award, award.id), db.session.get(User, member.id)
            assert mine is not None
            assert user is not None
            barrier.wait()
            bank_details.save_bank_details(db.session, mine, NEW_DETAILS, by=user)
            db.session.commit()

    def pay() -> None:
        with app.app_context(), writing():
            mine, user = db.session.get(Payment, payment.id), db.session.get(User, officer.id)
            assert mine is not None
            assert user is not None
            barrier.wait()
            try:
                payments.record_payment(db.session, mine, by=user, reference="BACS-1")
            except DomainError as error:
                refused.append(error.message)
                db.session.rollback()
            else:
                db.session.commit()

    threads = [threading.Thread(target=step) for step in (change, pay)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    reread(session)
    changed, paid = session.get(Award, award.id), session.get(Payment, payment.id)
    assert changed is not None
    assert paid is not None
    assert changed.bank_details_on_hold_since is not None
    # Either the payment went first (into the confirmed account), or it was refused.
    if paid.paid_at is None:
        assert refused
        assert refused[0].startswith("Payment is on hold")
    else:
        assert changed.bank_details_added_at is not None
        assert paid.paid_at <= changed.bank_details_added_at
