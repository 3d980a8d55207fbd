"""Object-level access beyond the matrix: a panellist's conflicts, and nothing of another's leaks.

The access matrix (tests/test_access_matrix.py) already checks every method of
every route that names group A's application, evidence, award or report as
group B's applicant and as a panellist (404), and a panellist on an
application not assigned to them (404). These add the conflict register.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import delete
from sqlalchemy.orm import Session

from portal.models.applications import ApplicationStatus
from portal.models.panels import ConflictDeclaration
from portal.models.users import Role, User
from tests.factories import make_application, make_assignment, make_organisation, make_panel, make_round, make_user

TITLE = "Walking group for carers in Watford"


@pytest.fixture
def panellist(session: Session) -> User:
    person = make_user(session, email="panel@example.org", roles=(Role.PANELLIST,))
    session.commit()
    return person


@pytest.fixture
def conflicted_application_id(session: Session, panellist: User) -> int:
    """Assigned to the panellist, who is in the register as knowing the group (declared on another of its bids)."""
    grant_round = make_round(session)
    group = make_organisation(session, name="Carers Together")
    panel = make_panel(session, grant_round=grant_round, members=[panellist], onboarded=True)
    application = make_application(
        session, grant_round=grant_round, organisation=group, status=ApplicationStatus.WITH_PANEL, title=TITLE
    )
    make_assignment(session, application=application, panellist=panellist, panel=panel)
    session.add(
        ConflictDeclaration(
            panellist_id=panellist.id, organisation_id=group.id, round_id=grant_round.id, nature="My sister runs it"
        )
    )
    session.commit()
    return application.id


@pytest.mark.parametrize("page", ["review", "conflict"])
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_panellist_never_opens_an_application_they_are_conflicted_on(
    client: FlaskClient, sign_in_as: Any, panellist: User, conflicted_application_id: int, page: str, method: str
) -> None:
    sign_in_as(client, panellist)
    response = client.open(f"/panel/applications/{conflicted_application_id}/{page}", method=method, data={})
    assert response.status_code == 404
    body = response.get_data(as_text=True)
    assert TITLE not in body
    assert "Carers Together" not in body


def test_without_the_register_entry_the_same_assignment_opens(
    client: FlaskClient, session: Session, sign_in_as: Any, panellist: User, conflicted_application_id: int
) -> None:
    session.execute(delete(ConflictDeclaration))
    session.commit()
    sign_in_as(client, panellist)
    response = client.get(f"/panel/applications/{conflicted_application_id}/conflict")
    assert response.status_code == 200
