"""Finance's pages: the list of what to pay and confirm, and the payment screen, where the full
bank details are shown only in answer to a stated reason, never cached, and every view audited."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models.applications import ApplicationStatus
from portal.models.audit import AuditAction, AuditEntry
from portal.models.awards import Award, AwardStatus, Payment
from portal.models.users import Role, User
from portal.services.awards import bank_details
from portal.services.awards.bank_details import BankDetails
from tests.factories import make_application, make_award, make_organisation, make_round, make_user
from tests.fixtures.databases import reread

DETAILS = BankDetails(account_name="Garston Men's Shed", sort_code="309457", account_number="00733445")


def award_to_pay(session: Session) -> Award:
    member = make_user(session)
    award = make_award(
        session,
        application=make_application(
            session,
            grant_round=make_round(session),
            organisation=make_organisation(session, name="Garston Shed", members=(member,)),
            status=ApplicationStatus.APPROVED,
        ),
        status=AwardStatus.ACCEPTED,
    )
    bank_details.save_bank_details(session, award, DETAILS, by=member)
    award.payments = [Payment(amount_pence=50_000, due_on=date(2027, 1, 10))]
    session.commit()
    return award


def finance_person(session: Session) -> User:
    person = make_user(session, name="Fatima Finance", roles=(Role.FINANCE,))
    session.commit()
    return person


def test_finance_home_lists_details_to_confirm_and_payments_due(
    client: FlaskClient, session: Session, sign_in_as: Any
) -> None:
    award = award_to_pay(session)
    sign_in_as(client, finance_person(session))

    page = client.get("/finance/").get_data(as_text=True)

    assert "Garston Shed" in page
    assert f'href="/finance/awards/{award.id}"' in page
    assert "Not confirmed yet" in page
    assert "must be confirmed by finance" in page
    assert "00733445" not in page


def test_details_are_masked_until_a_reason_is_given(
    client: FlaskClient, session: Session, sign_in_as: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    award = award_to_pay(session)
    reader = finance_person(session)
    sign_in_as(client, reader)

    page = client.get(f"/finance/awards/{award.id}")
    assert page.headers["Cache-Control"] == "no-store"
    text = page.get_data(as_text=True)
    assert "Account ending 3445" in text
    assert "00733445" not in text
    assert "Show bank details" in text

    refused = client.post(f"/finance/awards/{award.id}/show-bank-details", data={"reason": "  "})
    assert refused.status_code == 400
    assert "Say why you need to see the bank details" in refused.get_data(as_text=True)
    assert "00733445" not in refused.get_data(as_text=True)

    shown = client.post(f"/finance/awards/{award.id}/show-bank-details", data={"reason": "To pay the first instalment"})
    assert shown.status_code == 200
    assert shown.headers["Cache-Control"] == "no-store"
    text = shown.get_data(as_text=True)
    assert "00733445" in text
    assert "30-94-57" in text
    assert "Garston Men&#39;s Shed" in text

    reread(session)
    entries = session.scalars(select(AuditEntry).where(AuditEntry.action == AuditAction.BANK_DETAILS_VIEWED)).all()
    assert [(e.actor_id, e.summary) for e in entries] == [
        (reader.id, "Account ending 3445 viewed: To pay the first instalment")
    ]
    assert not [r for r in caplog.records if "00733445" in r.getMessage() or "309457" in r.getMessage()]
    # Looking again shows them masked: nothing was kept for the next page.
    assert "00733445" not in client.get(f"/finance/awards/{award.id}").get_data(as_text=True)


def test_finance_confirms_and_the_page_says_payment_may_go_ahead(
    client: FlaskClient, session: Session, sign_in_as: Any
) -> None:
    award = award_to_pay(session)
    checker = finance_person(session)
    sign_in_as(client, checker)
    page = client.get(f"/finance/awards/{award.id}").get_data(as_text=True)
    assert "confirm the bank details" in page
    checked = award.bank_details_added_at.isoformat() if award.bank_details_added_at else ""

    response = client.post(f"/finance/awards/{award.id}/confirm-bank-details", data={"checked": checked})

    assert response.status_code == 302
    assert "The grant can now be paid" in client.get(response.headers["Location"]).get_data(as_text=True)
    reread(session)
    confirmed = session.get(Award, award.id)
    assert confirmed is not None
    assert confirmed.bank_details_confirmed_by_id == checker.id


def test_officers_are_not_finance(client: FlaskClient, session: Session, sign_in_as: Any, officer: User) -> None:
    award = award_to_pay(session)
    sign_in_as(client, officer)
    assert client.get(f"/finance/awards/{award.id}").status_code == 403
    response = client.post(f"/finance/awards/{award.id}/show-bank-details", data={"reason": "Curious"})
    assert response.status_code == 403


def test_whoever_gave_the_details_is_told_someone_else_must_confirm(
    client: FlaskClient, session: Session, sign_in_as: Any
) -> None:
    both = make_user(session, name="Member in finance", roles=(Role.FINANCE,))
    award = make_award(
        session,
        application=make_application(
            session,
            grant_round=make_round(session),
            organisation=make_organisation(session, members=(both,)),
            status=ApplicationStatus.APPROVED,
        ),
        status=AwardStatus.ACCEPTED,
    )
    bank_details.save_bank_details(session, award, DETAILS, by=both)
    session.commit()
    sign_in_as(client, both)

    page = client.get(f"/finance/awards/{award.id}").get_data(as_text=True)
    assert "someone else in finance must confirm them" in page
    assert "I have checked them" not in page
    response = client.post(f"/finance/awards/{award.id}/confirm-bank-details", data={"checked": ""})
    assert "someone else must confirm them" in client.get(response.headers["Location"]).get_data(as_text=True)
    reread(session)
    unconfirmed = session.get(Award, award.id)
    assert unconfirmed is not None
    assert unconfirmed.bank_details_confirmed_at is None
