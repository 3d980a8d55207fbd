"""The work queue on the officer's home page, its "see all" lists, and the offer to set up an authenticator."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from portal.models.applications import ApplicationStatus
from portal.models.awards import AwardStatus
from portal.models.users import Role
from portal.services.awards import bank_details
from portal.services.awards.bank_details import BankDetails
from portal.services.readmodels.work_queue import SHOWN
from tests.factories import (
    confirm_bank_details,
    make_application,
    make_award,
    make_info_request,
    make_organisation,
    make_round,
    make_user,
)
from tests.fixtures.pages import page_text


def test_an_officer_without_an_authenticator_is_offered_the_set_up_page(
    client: FlaskClient, session: Session, sign_in_as: Any
) -> None:
    officer = make_user(session, roles=(Role.OFFICER,))
    session.commit()
    sign_in_as(client, officer)

    html = client.get("/officer/").get_data(as_text=True)

    assert '<a href="/staff/set-up-code">Set up your authenticator app</a>' in html
    assert client.get("/staff/set-up-code").status_code == 200


def test_an_officer_with_an_authenticator_is_not_offered_it(
    client: FlaskClient, session: Session, sign_in_as: Any
) -> None:
    officer = make_user(session, roles=(Role.OFFICER,), totp_secret="JBSWY3DPEHPK3PXP")
    session.commit()
    sign_in_as(client, officer)

    assert "Set up your authenticator app" not in page_text(client.get("/officer/"))


def test_the_queue_lists_work_and_see_all_shows_the_rest(
    client: FlaskClient, session: Session, sign_in_as: Any
) -> None:
    grant_round = make_round(session, title="Spring round")
    asked = []
    for number in range(SHOWN + 3):
        application = make_application(
            session,
            grant_round=grant_round,
            organisation=make_organisation(session, name=f"Group {number:02d}"),
            status=ApplicationStatus.MORE_INFO,
            reference=f"AO-2026-{number:04d}",
        )
        make_info_request(session, application=application)
        asked.append(application)
    make_application(
        session,
        grant_round=grant_round,
        organisation=make_organisation(session, name="Not asked"),
        status=ApplicationStatus.SUBMITTED,
    )
    officer = make_user(session, roles=(Role.OFFICER,))
    session.commit()
    sign_in_as(client, officer)

    html = client.get("/officer/").get_data(as_text=True)
    text = page_text(client.get("/officer/"))
    assert "What needs doing Questions waiting for a group's answer: 13" in text
    assert f'<a href="/officer/applications/{asked[0].id}">AO-2026-0000</a>, Group 00: Asked on ' in html
    see_all = f"/officer/rounds/{grant_round.id}/applications?queue=questions-unanswered"
    assert f'<a href="{see_all}">See all 13 in Spring round' in html

    listed = page_text(client.get(see_all))
    assert "Showing only: questions waiting for a group's answer." in listed
    assert "13 applications" in listed
    assert "Group 12" in listed
    assert "Not asked" not in listed
    assert "14 applications" in page_text(client.get(f"/officer/rounds/{grant_round.id}/applications?queue=nonsense"))


def test_nothing_to_do_says_so(client: FlaskClient, session: Session, sign_in_as: Any) -> None:
    officer = make_user(session, roles=(Role.OFFICER,))
    session.commit()
    sign_in_as(client, officer)
    assert "What needs doing Nothing is waiting to be done." in page_text(client.get("/officer/"))


def test_confirmed_bank_details_changed_show_as_payment_on_hold(
    client: FlaskClient, session: Session, sign_in_as: Any
) -> None:
    member = make_user(session)
    award = make_award(
        session,
        application=make_application(
            session,
            grant_round=make_round(session),
            organisation=make_organisation(session, name="Garston Shed", members=(member,)),
            status=ApplicationStatus.APPROVED,
            reference="AO-2026-0042",
        ),
        status=AwardStatus.ACCEPTED,
    )
    bank_details.save_bank_details(session, award, BankDetails("Shed", "309457", "00733445"), by=member)
    confirm_bank_details(session, award)
    bank_details.save_bank_details(session, award, BankDetails("Someone", "401122", "12345678"), by=member)
    officer = make_user(session, roles=(Role.OFFICER,))
    session.commit()
    sign_in_as(client, officer)

    html = client.get("/officer/").get_data(as_text=True)

    assert "Bank details changed — payment on hold: 1" in html
    assert f'<a href="/officer/awards/{award.id}">AO-2026-0042</a>, Garston Shed' in html
    assert "finance must confirm the new details" in html
    award_page = page_text(client.get(f"/officer/awards/{award.id}"))
    assert "Payment is on hold" in award_page
    assert "12345678" not in award_page
