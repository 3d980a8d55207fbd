"""The grants officer's home page: budgets, applications by status, recent activity."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from portal.models.applications import ApplicationStatus
from portal.models.audit import AuditAction
from portal.models.users import Role
from portal.services.audit import record
from tests.factories import make_application, make_organisation, make_round, make_user
from tests.fixtures.pages import page_text


def test_signed_out_people_are_sent_to_the_staff_sign_in(client: FlaskClient) -> None:
    response = client.get("/officer/")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/staff/sign-in")


def test_panellists_and_admins_cannot_see_it(client: FlaskClient, session: Session, sign_in_as: Any) -> None:
    panellist = make_user(session, roles=(Role.PANELLIST, Role.ADMIN))
    session.commit()
    sign_in_as(client, panellist)

    assert client.get("/officer/").status_code == 403


def test_shows_budgets_counts_and_recent_activity(client: FlaskClient, session: Session, sign_in_as: Any) -> None:
    officer = make_user(session, name="Priya Shah", roles=(Role.OFFICER,))
    spring = make_round(session, title="Community grants spring", budget_pence=5_000_000)
    spring.committed_pence = 1_250_000
    make_round(session, title="Community grants autumn", budget_pence=3_000_000)
    statuses = [ApplicationStatus.DRAFT] * 3 + [ApplicationStatus.SUBMITTED] * 2 + [ApplicationStatus.APPROVED]
    for status in statuses:
        make_application(session, grant_round=spring, organisation=make_organisation(session), status=status)
    for number in range(12):
        record(session, officer, "eligibility checked", spring, summary=f"Check number {number}")
    record(session, None, AuditAction.OFFICER_ACCOUNT_SET_UP, officer, summary="From the command line")
    session.commit()
    sign_in_as(client, officer)

    response = client.get("/officer/")

    assert response.status_code == 200
    text = page_text(response)
    assert "Community grants spring" in text
    assert "Budget £50,000 Committed to awards £12,500 Left to award £37,500" in text
    assert "Draft 3 Submitted 2 Approved 1 All applications 6" in text
    assert "Budget £30,000 Committed to awards £0 Left to award £30,000" in text
    assert "No applications yet" in text
    # The newest ten entries only, newest first.
    assert "The system Officer account set up" in text
    assert "Priya Shah Eligibility checked" in text
    assert "Check number 11" in text
    assert "Check number 3" in text
    assert "Check number 2" not in text
    assert text.index("Officer account set up") < text.index("Check number 11") < text.index("Check number 3")
