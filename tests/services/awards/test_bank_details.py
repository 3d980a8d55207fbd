"""Bank details: format checks, encryption at rest with rotatable keys, masked display."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from flask import Flask
from sqlalchemy import delete, select, text
from sqlalchemy.orm import Session

from portal.errors import DomainError
from portal.infra import encryption
from portal.models.applications import ApplicationStatus
from portal.models.audit import AuditEntry
from portal.models.awards import Award, AwardStatus, Payment
from portal.models.base import utcnow
from portal.models.outbox import OutboxMessage
from portal.models.users import User
from portal.services.awards import bank_details
from portal.services.awards.bank_details import BankDetails
from tests.factories import make_application, make_award, make_organisation, make_round, make_user, set_programme

DETAILS = BankDetails(account_name="Garston Men's Shed", sort_code="309457", account_number="00733445")


@pytest.mark.parametrize(
    ("typed", "clean"),
    [("30-94-57", "309457"), ("30 94 57", "309457"), ("309457", "309457"), ("3094", None), ("30-94-5x", None)],
)
def test_sort_codes(typed: str, clean: str | None) -> None:
    assert bank_details.clean_sort_code(typed) == clean


@pytest.mark.parametrize(
    ("typed", "clean"), [("00733445", "00733445"), ("0073 3445", "00733445"), ("733445", None), ("007334456", None)]
)
def test_account_numbers(typed: str, clean: str | None) -> None:
    assert bank_details.clean_account_number(typed) == clean


def accepted_award(session: Session, status: AwardStatus = AwardStatus.ACCEPTED) -> Award:
    member = make_user(session)
    application = make_application(
        session,
        grant_round=make_round(session),
        organisation=make_organisation(session, members=(member,)),
        status=ApplicationStatus.APPROVED,
    )
    return make_award(session, application=application, status=status)


def test_details_are_stored_only_encrypted_and_shown_masked(session: Session) -> None:
    award = accepted_award(session)
    bank_details.save_bank_details(session, award, DETAILS, by=make_user(session))
    session.commit()

    raw = session.execute(
        text("SELECT bank_details_encrypted FROM awards WHERE id = :id"), {"id": award.id}
    ).scalar_one()
    assert b"00733445" not in bytes(raw)
    assert b"309457" not in bytes(raw)
    assert award.bank_account_last4 == "3445"
    assert bank_details.reveal(award) == DETAILS
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "bank details added")).one()
    assert "00733445" not in entry.summary


def test_keys_can_be_rotated(app: Flask, session: Session) -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    app.config["BANK_DETAILS_KEYS"] = [old]
    token = bank_details.encrypt(DETAILS)
    app.config["BANK_DETAILS_KEYS"] = [new, old]
    assert bank_details.decrypt(token) == DETAILS
    app.config["BANK_DETAILS_KEYS"] = [new]
    with pytest.raises(DomainError, match="cannot be read"):
        bank_details.decrypt(token)


def test_development_keeps_one_key_in_the_instance_folder(app: Flask, session: Session, tmp_path: Path) -> None:
    app.instance_path = str(tmp_path)
    app.config["BANK_DETAILS_KEYS"] = []
    token = bank_details.encrypt(DETAILS)
    assert bank_details.decrypt(token) == DETAILS
    key_file = f"{app.instance_path}/{encryption.DEV_KEY_FILE}"
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600


def test_details_need_an_accepted_award(session: Session) -> None:
    with pytest.raises(DomainError, match="Accept the grant"):
        bank_details.save_bank_details(
            session, accepted_award(session, AwardStatus.OFFERED), DETAILS, by=make_user(session)
        )


def paid_award(session: Session, *members: User) -> Award:
    award = make_award(
        session,
        application=make_application(
            session,
            grant_round=make_round(session),
            organisation=make_organisation(session, name="Garston Shed", members=members),
            status=ApplicationStatus.APPROVED,
        ),
        status=AwardStatus.PAID,
    )
    award.application.reference = "AO-2026-0007"
    bank_details.save_bank_details(session, award, DETAILS, by=members[0])
    award.payments = [Payment(amount_pence=100_000, due_on=utcnow().date(), paid_at=utcnow(), reference="BACS-1")]
    session.flush()
    session.execute(delete(OutboxMessage))
    return award


def test_a_change_after_a_payment_is_emailed_to_every_member_and_the_team(app: Flask, session: Session) -> None:
    amina, dave = make_user(session, name="Amina"), make_user(session, name="Dave")
    left = make_user(session, name="Left", active=False)
    award = paid_award(session, amina, dave, left)
    bank_details.save_bank_details(session, award, BankDetails("Dave's account", "309457", "12345678"), by=dave)

    messages = {m.to: m for m in session.scalars(select(OutboxMessage))}
    assert set(messages) == {amina.email, dave.email, "grants@localhost"}
    for message in messages.values():
        assert "Account ending 3445 changed to account ending 5678, by Dave" in message.body
        assert "12345678" not in message.body
        assert "AO-2026-0007" in message.subject
    assert "grants@localhost" in messages[amina.email].body
    assert "every member of the group has been told" in messages["grants@localhost"].body
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "bank details changed")).one()
    assert (entry.actor_id, entry.summary) == (dave.id, "Account ending 3445 changed to account ending 5678")
    change = bank_details.latest_change(session, award)
    assert change is not None
    assert (change.by, change.summary, change.after_payments_began) == ("Dave", entry.summary, True)


def test_before_any_payment_only_the_programme_team_is_told(app: Flask, session: Session) -> None:
    set_programme(session, contact_email="team@example.org")
    amina, dave = make_user(session, name="Amina"), make_user(session, name="Dave")
    award = accepted_award(session)
    bank_details.save_bank_details(session, award, DETAILS, by=amina)
    assert bank_details.latest_change(session, award) is None
    bank_details.save_bank_details(session, award, BankDetails("Dave's account", "309457", "12345678"), by=dave)

    messages = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert [(m.to, m.subject) for m in messages] == [
        ("team@example.org", f"Bank details added for {award.application.reference}"),
        ("team@example.org", f"Bank details changed for {award.application.reference}"),
    ]
    assert "Account ending 3445 changed to account ending 5678, by Dave" in messages[1].body
    change = bank_details.latest_change(session, award)
    assert change is not None
    assert change.after_payments_began is False
