"""The group's grant pages: offer, acceptance, bank details, end-of-grant report and photos."""

from __future__ import annotations

import io
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.errors import StorageUnavailable
from portal.models.applications import ApplicationStatus, BudgetLine, Evidence
from portal.models.awards import Award, AwardStatus, Payment
from portal.models.users import User
from portal.services import bank_details
from tests.factories import make_application, make_award, make_organisation, make_round, make_user
from tests.fixtures.databases import reread
from tests.fixtures.pages import page_text
from tests.storage.sample_files import make_jpeg, make_pdf


@pytest.fixture
def member(session: Session) -> User:
    person = make_user(session, name="Sam")
    session.commit()
    return person


@pytest.fixture
def award(session: Session, member: User) -> Award:
    application = make_application(
        session,
        grant_round=make_round(session),
        organisation=make_organisation(session, name="Walking Buddies", members=(member,)),
        status=ApplicationStatus.APPROVED,
    )
    application.reference = "AO-2026-0021"
    application.budget_lines = [BudgetLine(position=1, item="Walk leader training", amount_pence=75_000)]
    item = make_award(session, application=application, amount_pence=75_000)
    item.conditions = "Tell us before changing the walking routes."
    item.payments = [Payment(amount_pence=75_000, due_on=item.offered_at.date())]
    session.commit()
    return item


@pytest.fixture
def signed_in(client: FlaskClient, member: User, sign_in_as: Any) -> FlaskClient:
    sign_in_as(client, member)
    return client


def test_the_offer_shows_amount_conditions_and_payment_plan(signed_in: FlaskClient, award: Award) -> None:
    text = page_text(signed_in.get(f"/awards/{award.id}"))
    assert "Your grant offer" in text
    assert "£750" in text
    assert "Tell us before changing the walking routes." in text
    assert "Accept the grant" in text


def test_accepting_then_giving_bank_details(
    signed_in: FlaskClient, session: Session, award: Award, member: User
) -> None:
    url = f"/awards/{award.id}/accept"
    refused = signed_in.post(url, data={"name": "Sam Okafor"})
    assert "Tick the box to accept the grant" in page_text(refused)

    accepted = signed_in.post(url, data={"name": "Sam Okafor", "agreed": "y"})
    assert accepted.headers["Location"] == f"/awards/{award.id}/bank-details"
    assert (
        signed_in.post(url, data={"name": "Sam Okafor", "agreed": "y"}).status_code == 302
    )  # a double tap is harmless

    bank = f"/awards/{award.id}/bank-details"
    text = page_text(
        signed_in.post(bank, data={"account_name": "Walking Buddies", "sort_code": "30-94", "account_number": "123"})
    )
    assert "Enter a valid sort code, like 30-94-57" in text
    assert "Enter a valid account number, like 00733445" in text
    saved = signed_in.post(
        bank, data={"account_name": "Walking Buddies", "sort_code": "30-94-57", "account_number": "0073 3445"}
    )
    assert saved.headers["Location"] == f"/awards/{award.id}"
    reread(session)
    assert award.status is AwardStatus.ACCEPTED
    assert award.accepted_name == "Sam Okafor"
    assert bank_details.reveal(award) == bank_details.BankDetails("Walking Buddies", "309457", "00733445")
    page = signed_in.get(f"/awards/{award.id}").get_data(as_text=True)
    assert "Account ending 3445" in page
    assert "00733445" not in page


def accept(session: Session, award: Award, member: User) -> None:
    from portal.services.award_acceptance import accept_award

    accept_award(session, award, member, name="Sam", agreed=True)
    session.commit()


def test_writing_checking_and_sending_the_report(
    signed_in: FlaskClient, session: Session, award: Award, member: User
) -> None:
    accept(session, award, member)
    line = award.application.budget_lines[0]
    url = f"/awards/{award.id}/report"
    form = {
        "what_happened": "Twelve walks.",
        "people": "35",
        f"spend-{line.id}": "720",
        "story": "June found her confidence.",
        "learned": "",
        "action": "check",
    }
    assert signed_in.post(url, data=form).headers["Location"] == f"/awards/{award.id}/report/check"
    check = page_text(signed_in.get(f"/awards/{award.id}/report/check"))
    assert "Answer the question: What did your group learn?" in check
    assert "£720" in check

    signed_in.post(url, data=form | {"learned": "Start in spring."})
    sent = signed_in.post(f"/awards/{award.id}/report/check")
    assert sent.headers["Location"] == url
    assert "Report sent" in page_text(signed_in.get(url))
    reread(session)
    assert award.reports[0].submitted_at is not None
    assert award.reports[0].spent_pence == 72_000


def test_photos_in_the_report(app: Flask, signed_in: FlaskClient, session: Session, award: Award, member: User) -> None:
    accept(session, award, member)
    url = f"/awards/{award.id}/report/photos"

    def post(content: bytes, name: str) -> Any:
        return signed_in.post(url, data={"photo": (io.BytesIO(content), name)}, content_type="multipart/form-data")

    assert "Photos must be JPG, PNG or HEIC pictures" in page_text(post(make_pdf(), "notes.pdf"))
    assert post(make_jpeg(), "walk.jpg").status_code == 302
    photo = session.scalars(select(Evidence)).one()
    assert photo.report_id == award.reports[0].id
    assert photo.thumbnail_key is not None
    assert signed_in.post(f"{url}/{photo.id}/remove").status_code == 302
    reread(session)
    assert session.scalar(select(func.count(Evidence.id))) == 0

    class Down:
        def __init__(self, inner: Any) -> None:
            self.inner = inner

        def put(self, *args: Any) -> Any:
            raise StorageUnavailable("down")

        def __getattr__(self, name: str) -> Any:
            return getattr(self.inner, name)

    app.extensions["portal.storage"] = Down(app.extensions["portal.storage"])
    outage = post(make_jpeg(), "walk.jpg")
    assert outage.status_code == 503
    assert "Your report is saved" in page_text(outage)


def test_the_report_waits_for_acceptance(signed_in: FlaskClient, award: Award) -> None:
    response = signed_in.get(f"/awards/{award.id}/report")
    assert response.headers["Location"] == f"/awards/{award.id}"


def test_other_groups_get_not_found(client: FlaskClient, session: Session, award: Award, sign_in_as: Any) -> None:
    stranger = make_user(session)
    session.commit()
    sign_in_as(client, stranger)
    for path in ("", "/accept", "/bank-details", "/report", "/report/check"):
        assert client.get(f"/awards/{award.id}{path}").status_code == 404, path
