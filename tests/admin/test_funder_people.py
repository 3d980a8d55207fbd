"""Admins choose the funder a person reads outcomes for, on the person's page."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from portal.extensions import db
from portal.models.users import Role, User
from portal.services.outcomes.access import funder_of
from tests.admin.test_people import audit_actions
from tests.factories import make_funder, make_user
from tests.fixtures.databases import reread
from tests.fixtures.pages import page_text


def test_an_admin_links_a_person_to_a_funder_and_takes_it_away(
    admin_client: FlaskClient, session: Session, admin: User
) -> None:
    health = make_funder(session, name="Health Trust")
    person = make_user(session, name="Fran Funder", email="fran@healthtrust.example")
    session.commit()
    path = f"/admin/users/{person.id}"
    assert "Health Trust" in page_text(admin_client.get(path))

    response = admin_client.post(path, data={"action": "funder", "funder": str(health.id)})

    assert response.headers["Location"] == path
    reread(session)
    person = db.session.get(User, person.id)
    assert person is not None
    assert person.has_role(Role.FUNDER)
    assert funder_of(session, person) == health
    assert ("funder linked", admin.id, "fran@healthtrust.example reads outcomes for Health Trust") in audit_actions(
        session, person
    )
    page = page_text(admin_client.get(path))
    assert "Fran Funder reads outcomes for Health Trust" in page
    assert "Funder" in page

    # Saving the roles form leaves the funder role alone.
    admin_client.post(path, data={"action": "roles", "roles": ["panellist"]})
    reread(session)
    assert db.session.get(User, person.id).roles == {Role.PANELLIST, Role.FUNDER}

    admin_client.post(path, data={"action": "funder", "funder": ""})
    reread(session)
    person = db.session.get(User, person.id)
    assert not person.has_role(Role.FUNDER)
    assert funder_of(session, person) is None


def test_staff_cannot_also_read_for_a_funder(admin_client: FlaskClient, session: Session) -> None:
    health = make_funder(session, name="Health Trust")
    officer = make_user(session, roles=(Role.OFFICER,))
    session.commit()

    response = admin_client.post(f"/admin/users/{officer.id}", data={"action": "funder", "funder": str(health.id)})

    assert "Staff cannot also read for a funder" in page_text(response)
    reread(session)
    assert not db.session.get(User, officer.id).has_role(Role.FUNDER)


def test_an_unknown_funder_is_refused(admin_client: FlaskClient, session: Session) -> None:
    person = make_user(session)
    session.commit()

    response = admin_client.post(f"/admin/users/{person.id}", data={"action": "funder", "funder": "999999"})

    assert response.status_code == 200
    assert "Choose a funder from the list" in page_text(response)
    reread(session)
    assert not db.session.get(User, person.id).has_role(Role.FUNDER)
