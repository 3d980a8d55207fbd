"""Finance's payment-run pages: making a run from the payments that can be paid, a second person approving it,
the bank files downloaded as attachments never cached, marking it paid; and the paying account."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models.payment_runs import PaymentRun, PaymentRunStatus
from portal.models.users import Role, User
from portal.services.payments import paying_account
from tests.conftest import another_browser
from tests.factories import make_user
from tests.fixtures.databases import reread
from tests.fixtures.pages import page_text
from tests.services.payments.test_runs import TODAY, instalment, payable_award


def finance_client(app: Any, sign_in_as: Any, person: User) -> FlaskClient:
    client = another_browser(app)
    sign_in_as(client, person)
    return client


def test_a_payment_run_from_choosing_to_paid(app: Any, session: Session, sign_in_as: Any, officer: User) -> None:
    maker = make_user(session, name="Fatima Finance", roles=(Role.FINANCE,))
    checker = make_user(session, name="Gary Finance", roles=(Role.FINANCE,))
    ready = instalment(session, payable_award(session, officer), officer)
    held = instalment(session, payable_award(session, officer, confirmed=False, name="Unchecked Group"), officer)
    session.commit()
    fatima, gary = finance_client(app, sign_in_as, maker), finance_client(app, sign_in_as, checker)

    assert "Payment runs" in page_text(fatima.get("/finance/"))
    listed = page_text(fatima.get("/finance/payment-runs"))
    assert "Set the account grants are paid from" in listed
    refused = fatima.post(
        "/finance/paying-account",
        data={
            "account_name": "Anchor grants",
            "sort_code": "40127",
            "account_number": "41234567",
            "service_user_number": "123456",
        },
    )
    assert refused.status_code == 400
    assert "Enter the sort code: six digits" in page_text(refused)
    saved = fatima.post(
        "/finance/paying-account",
        data={
            "account_name": "Anchor grants",
            "sort_code": "40-12-76",
            "account_number": "41234567",
            "service_user_number": "123456",
        },
    )
    assert saved.headers["Location"] == "/finance/payment-runs"
    reread(session)
    assert paying_account.is_set(paying_account.current(session))

    new = page_text(fatima.get("/finance/payment-runs/new"))
    assert "Holywell Walkers" in new
    assert "Unchecked Group" in new  # listed with why it cannot be paid yet
    assert "must be confirmed by finance" in new
    assert "00733445" not in new  # accounts by their last four digits only
    nothing = fatima.post("/finance/payment-runs/new", data={"pay_on": TODAY.isoformat()})
    assert nothing.status_code == 400
    assert "Choose at least one payment" in page_text(nothing)
    made = fatima.post(
        "/finance/payment-runs/new", data={"payments": [str(ready.id), str(held.id)], "pay_on": TODAY.isoformat()}
    )
    reread(session)
    run = session.scalars(select(PaymentRun)).one()
    assert made.headers["Location"] == f"/finance/payment-runs/{run.id}"
    address = made.headers["Location"]

    page = page_text(fatima.get(address))
    assert "a second person in finance must approve it" in page
    assert "Download the Bacs file" not in page
    assert fatima.get(f"{address}/standard-18").status_code == 302  # not before approval

    gary.post(f"{address}/approve")
    reread(session)
    assert run.status is PaymentRunStatus.APPROVED
    download = fatima.get(f"{address}/standard-18")
    assert download.headers["Content-Disposition"] == f'attachment; filename="{run.reference}.txt"'
    assert download.headers["Cache-Control"] == "no-store"
    assert "00733445" in download.get_data(as_text=True)
    assert fatima.get(f"{address}/csv").headers["Content-Type"].startswith("text/csv")

    done = fatima.post(f"{address}/paid", follow_redirects=True)
    assert "is recorded as paid" in page_text(done)
    reread(session)
    assert run.status is PaymentRunStatus.PAID
    assert ready.reference == run.reference
    assert held.run_id is None
    assert "Paid" in page_text(fatima.get("/finance/payment-runs"))
