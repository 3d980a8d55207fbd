"""Approvals above the threshold on the application page: the second officer confirms or returns them."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models.applications import Application, ApplicationStatus
from portal.models.awards import ApprovalReturn
from portal.models.funding import Round
from portal.models.users import Role, User
from tests.factories import make_application, make_organisation, make_round, make_user
from tests.fixtures.databases import reread
from tests.fixtures.pages import page_text


@pytest.fixture
def officers(session: Session) -> tuple[User, User]:
    return (
        make_user(session, name="Priya First", roles=(Role.OFFICER,)),
        make_user(session, name="Sam Second", roles=(Role.OFFICER,)),
    )


@pytest.fixture
def application(session: Session) -> Application:
    grant_round = make_round(session, budget_pence=1_000_000, second_approval_above_pence=300_000)
    item = make_application(
        session,
        grant_round=grant_round,
        organisation=make_organisation(session, members=(make_user(session),)),
        status=ApplicationStatus.SCORED,
        amount_requested_pence=400_000,
    )
    session.commit()
    return item


def test_the_second_officer_returns_the_approval_with_a_reason(
    client: FlaskClient, session: Session, sign_in_as: Any, officers: tuple[User, User], application: Application
) -> None:
    first, second = officers
    url = f"/officer/applications/{application.id}"
    sign_in_as(client, first)
    client.post(f"{url}/approve", data={"amount": "4000"})
    mine = page_text(client.get(url))
    assert "Approved for £4,000 by Priya First" in mine
    assert "a different officer must confirm it or return it to you" in mine
    assert "Confirm the award" not in mine
    assert "Return it to" not in mine
    assert client.post(f"{url}/return", data={"reason": "Mine"}).status_code == 302
    assert "You approved this award, so a different officer must confirm or return it." in page_text(client.get(url))

    sign_in_as(client, second)
    theirs = page_text(client.get(url))
    assert "Confirm the award" in theirs
    assert "Return it to Priya First" in theirs

    empty = client.post(f"{url}/return", data={"reason": "  "})
    assert empty.status_code == 400
    html = empty.get_data(as_text=True)
    assert "<title>Error: " in html
    assert '<a href="#reason">Give the reason for returning the approval</a>' in html
    assert 'id="reason-error"' in html
    reread(session)
    assert session.get(Round, application.round_id).committed_pence == 400_000  # type: ignore[union-attr]

    done = client.post(f"{url}/return", data={"reason": "Check the hall hire quote first."}, follow_redirects=True)
    text = page_text(done)
    assert "Returned to Priya First, with your reason. The money is back in the budget." in text
    assert "Returned by Sam Second at " in text
    assert ": Check the hall hire quote first." in text
    assert "Amount to award in pounds" in text  # it can be decided again
    reread(session)
    assert session.get(Round, application.round_id).committed_pence == 0  # type: ignore[union-attr]
    assert session.scalars(select(ApprovalReturn.reason)).one() == "Check the hall hire quote first."

    again = client.post(f"{url}/return", data={"reason": "Twice"}, follow_redirects=True)
    assert "There is no approval waiting for a second officer." in page_text(again)


def test_a_waiting_approval_can_be_declined_instead(
    client: FlaskClient, session: Session, sign_in_as: Any, officers: tuple[User, User], application: Application
) -> None:
    first, second = officers
    url = f"/officer/applications/{application.id}"
    sign_in_as(client, first)
    client.post(f"{url}/approve", data={"amount": "4000"})
    sign_in_as(client, second)
    assert "Declining replaces the approval" in page_text(client.get(url))
    done = client.post(f"{url}/decline", data={"reasons": ["budget"]}, follow_redirects=True)
    assert "Declined. The group has been told." in page_text(done)
    reread(session)
    assert application.status is ApplicationStatus.DECLINED
    assert session.get(Round, application.round_id).committed_pence == 0  # type: ignore[union-attr]
