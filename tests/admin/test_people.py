"""Admins manage people: add them, give and take away roles, deactivate accounts."""

from __future__ import annotations

import re
import threading
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.extensions import db
from portal.models.audit import AuditEntry
from portal.models.outbox import OutboxMessage
from portal.models.users import Role, User, UserSession
from portal.services.people import accounts
from tests.factories import make_user
from tests.fixtures.databases import count_queries, reread
from tests.fixtures.pages import link_to, page_text


def audit_actions(session: Session, user: User) -> list[tuple[str, int | None, str]]:
    reread(session)
    entries = session.scalars(
        select(AuditEntry)
        .where(AuditEntry.object_type == "User", AuditEntry.object_id == user.id)
        .order_by(AuditEntry.id)
    )
    return [(entry.action, entry.actor_id, entry.summary) for entry in entries]


# Access


@pytest.mark.parametrize("path", ["/admin/users", "/admin/users/new", "/admin/users/1"])
def test_signed_out_people_are_sent_to_the_staff_sign_in(client: FlaskClient, path: str) -> None:
    response = client.get(path)

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/staff/sign-in")


@pytest.mark.parametrize("roles", [(), (Role.PANELLIST,), (Role.OFFICER,)])
def test_people_who_are_not_admins_are_refused(
    client: FlaskClient, session: Session, sign_in_as: Any, roles: tuple[Role, ...]
) -> None:
    person = make_user(session, roles=roles)
    session.commit()
    sign_in_as(client, person)

    assert client.get("/admin/users").status_code == 403
    assert client.get(f"/admin/users/{person.id}").status_code == 403
    response = client.post("/admin/users/new", data={"name": "Sam", "email": "sam@example.org", "role": "admin"})
    assert response.status_code == 403
    reread(session)
    assert session.scalar(select(User).where(User.email == "sam@example.org")) is None


# The list


def test_lists_people_with_roles_and_filters_by_role(admin_client: FlaskClient, session: Session, admin: User) -> None:
    make_user(session, name="Pat Panel", roles=(Role.PANELLIST,))
    make_user(session, name="Olu Officer", roles=(Role.OFFICER, Role.PANELLIST), active=False)
    make_user(session, name="Ann Applicant")
    session.commit()

    text = page_text(admin_client.get("/admin/users"))

    assert "All people: 4 people" in text
    assert "Pat Panel" in text
    assert "Olu Officer" in text
    assert "Panel member, Grants officer No Never" in text
    assert "Ann Applicant" in text
    assert "Applicant only Yes Never" in text

    text = page_text(admin_client.get("/admin/users?role=panellist"))

    assert "Panel members: 2 people" in text
    assert "Pat Panel" in text
    assert "Olu Officer" in text
    assert "Ann Applicant" not in text
    assert "Alex Admin" not in text

    # An unknown role shows everyone rather than an error.
    assert "All people: 4 people" in page_text(admin_client.get("/admin/users?role=wizard"))


def test_list_is_paginated_with_a_fixed_number_of_queries(
    admin_client: FlaskClient, session: Session, admin: User
) -> None:
    for number in range(3):
        make_user(session, name=f"Person {number:03d}", roles=(Role.PANELLIST,))
    session.commit()
    admin_client.get("/admin/users")  # warm up: templates compiled, session row touched
    with count_queries() as few:
        admin_client.get("/admin/users")

    for number in range(3, 120):
        make_user(session, name=f"Person {number:03d}", roles=(Role.PANELLIST, Role.OFFICER))
    session.commit()
    with count_queries() as many:
        first_page = admin_client.get("/admin/users")

    assert len(many) == len(few)
    text = page_text(first_page)
    assert "All people: 1 to 50" in text
    assert "Person 048" in text
    assert "Person 049" not in text
    assert "Next 50" in text
    assert "Previous 50" not in text

    with count_queries() as later:
        second_page = admin_client.get(link_to(first_page, "next") or "")
    assert len(later) == len(few)
    text = page_text(second_page)
    assert "All people: 51 to 100" in text
    assert "Person 049" in text
    assert "Person 048" not in text
    assert "Previous 50" in text
    assert "Next 50" in text
    assert "All people: 1 to 50" in page_text(admin_client.get(link_to(second_page, "prev") or ""))
    # An old bookmark with a page number, or a link that was tampered with, shows the first page.
    assert "All people: 1 to 50" in page_text(admin_client.get("/admin/users?page=3"))
    assert "All people: 1 to 50" in page_text(admin_client.get("/admin/users?after=nonsense"))


# Adding people


def test_add_a_panel_member(admin_client: FlaskClient, session: Session, admin: User) -> None:
    response = admin_client.post(
        "/admin/users/new", data={"name": "Pat Panel", "email": " Pat@Example.org ", "role": "panellist"}
    )

    assert response.status_code == 302
    reread(session)
    user = session.scalar(select(User).where(User.email == "pat@example.org"))
    assert user is not None
    assert user.name == "Pat Panel"
    assert user.roles == {Role.PANELLIST}
    assert response.headers["Location"] == f"/admin/users/{user.id}"
    email = session.scalar(select(OutboxMessage).where(OutboxMessage.to == "pat@example.org"))
    assert email is not None
    assert email.subject == "You have been added to Anchor Offer grants"
    assert "as a panel member" in email.body
    assert "/sign-in" in email.body
    assert "/staff/sign-in" not in email.body
    assert audit_actions(session, user) == [("account created", admin.id, "pat@example.org added as panel member")]

    text = page_text(admin_client.get(response.headers["Location"]))
    assert "Account created for Pat Panel" in text
    assert "cannot sign in yet" not in text


def test_adding_an_officer_says_they_need_a_password(admin_client: FlaskClient, session: Session, admin: User) -> None:
    response = admin_client.post(
        "/admin/users/new", data={"name": "Olu Officer", "email": "olu@example.org", "role": "officer"}
    )

    assert response.status_code == 302
    reread(session)
    emails = session.scalars(
        select(OutboxMessage).where(OutboxMessage.to == "olu@example.org").order_by(OutboxMessage.id)
    ).all()
    assert [email.subject for email in emails] == [
        "You have been added to Anchor Offer grants",
        "Set your password for Anchor Offer grants",
    ]
    assert "as a grants officer" in emails[0].body
    assert "/staff/sign-in" in emails[0].body
    assert "link to set your password in a separate email" in emails[0].body
    text = page_text(admin_client.get(response.headers["Location"]))
    assert "sent a link to set their password, which works for 3 days" in text
    assert "Olu Officer cannot sign in yet" in text
    assert "flask --app portal users create-officer olu@example.org" in text


def test_adding_someone_twice_is_refused_with_a_message(
    admin_client: FlaskClient, session: Session, admin: User
) -> None:
    make_user(session, email="pat@example.org")
    session.commit()

    response = admin_client.post(
        "/admin/users/new", data={"name": "Pat Panel", "email": "PAT@example.org", "role": "panellist"}
    )

    assert response.status_code == 200
    text = page_text(response)
    assert text.startswith("Error: Add a person")
    assert "There is already an account for this email address" in text
    reread(session)
    assert session.scalars(select(OutboxMessage)).all() == []


def test_the_form_says_what_is_missing(admin_client: FlaskClient, session: Session) -> None:
    response = admin_client.post("/admin/users/new", data={"name": "", "email": "not an email"})

    text = page_text(response)
    assert "Enter the person's full name" in text
    assert "Enter an email address in the correct format" in text
    assert "Choose the person's role" in text


def test_a_form_without_its_csrf_token_is_refused(admin_client: FlaskClient, session: Session) -> None:
    response = admin_client.post(
        "/admin/users/new", data={"name": "Pat", "email": "pat@example.org", "role": "admin"}, csrf=False
    )

    assert response.status_code == 400
    reread(session)
    assert session.scalar(select(User).where(User.email == "pat@example.org")) is None


# Roles


def test_grant_and_revoke_roles(admin_client: FlaskClient, session: Session, admin: User) -> None:
    person = make_user(session, name="Pat Panel", roles=(Role.PANELLIST,))
    session.commit()
    path = f"/admin/users/{person.id}"

    response = admin_client.post(path, data={"action": "roles", "roles": ["officer", "admin"]})

    assert response.status_code == 302
    reread(session)
    assert session.get(User, person.id).roles == {Role.OFFICER, Role.ADMIN}
    assert audit_actions(session, person) == [
        ("role granted", admin.id, f"Administrator given to {person.email}"),
        ("role granted", admin.id, f"Grants officer given to {person.email}"),
        ("role revoked", admin.id, f"Panel member taken away from {person.email}"),
    ]
    assert "Roles saved. Pat Panel is now: Grants officer, Administrator." in page_text(admin_client.get(path))

    # A double submit changes nothing and records nothing more.
    admin_client.post(path, data={"action": "roles", "roles": ["officer", "admin"]})
    assert len(audit_actions(session, person)) == 3
    assert "No changes: Pat Panel already had those roles" in page_text(admin_client.get(path))

    # No boxes ticked: just an applicant.
    admin_client.post(path, data={"action": "roles"})
    reread(session)
    assert session.get(User, person.id).roles == frozenset()


def test_the_edit_page_ticks_current_roles(admin_client: FlaskClient, session: Session) -> None:
    person = make_user(session, roles=(Role.PANELLIST,))
    session.commit()

    body = admin_client.get(f"/admin/users/{person.id}").get_data(as_text=True)

    assert re.search(r'<input[^>]*checked[^>]*value="panellist"|<input[^>]*value="panellist"[^>]*checked', body)
    assert not re.search(r'<input[^>]*value="officer"[^>]*checked', body)


def test_an_unknown_role_is_refused(admin_client: FlaskClient, session: Session) -> None:
    person = make_user(session)
    session.commit()

    response = admin_client.post(f"/admin/users/{person.id}", data={"action": "roles", "roles": ["wizard"]})

    assert response.status_code == 200
    assert "Choose roles from the list" in page_text(response)
    reread(session)
    assert session.get(User, person.id).roles == frozenset()


def test_admins_cannot_remove_their_own_admin_role(admin_client: FlaskClient, session: Session, admin: User) -> None:
    response = admin_client.post(f"/admin/users/{admin.id}", data={"action": "roles", "roles": ["officer"]})

    assert response.status_code == 200
    assert "You cannot remove your own administrator role" in page_text(response)
    reread(session)
    assert session.get(User, admin.id).roles == {Role.ADMIN}
    assert audit_actions(session, admin) == []


def test_a_missing_person_is_not_found(admin_client: FlaskClient) -> None:
    assert admin_client.get("/admin/users/999999").status_code == 404


# Deactivating


def test_deactivating_signs_the_person_out_at_once(
    app: Any, session: Session, admin: User, admin_client: FlaskClient, sign_in_as: Any
) -> None:
    person = make_user(session, name="Pat Panel", roles=(Role.PANELLIST,))
    session.commit()
    their_browser = app.test_client()
    sign_in_as(their_browser, person)
    assert their_browser.get("/panel/").status_code == 200

    response = admin_client.post(f"/admin/users/{person.id}", data={"action": "deactivate"})

    assert response.status_code == 302
    reread(session)
    assert session.get(User, person.id).active is False
    sessions = session.scalars(select(UserSession).where(UserSession.user_id == person.id)).all()
    assert sessions
    assert all(row.revoked_at is not None for row in sessions)
    assert audit_actions(session, person) == [
        ("account deactivated", admin.id, f"{person.email} deactivated; 1 session(s) ended")
    ]
    next_page = their_browser.get("/panel/")
    assert next_page.status_code == 302
    assert next_page.headers["Location"].startswith("/sign-in")

    # Twice is the same as once.
    admin_client.post(f"/admin/users/{person.id}", data={"action": "deactivate"})
    assert len(audit_actions(session, person)) == 1

    response = admin_client.post(f"/admin/users/{person.id}", data={"action": "reactivate"})
    assert response.status_code == 302
    reread(session)
    assert session.get(User, person.id).active is True
    assert audit_actions(session, person)[-1] == ("account reactivated", admin.id, f"{person.email} can sign in again")
    # The old sessions stay ended: they sign in afresh.
    assert their_browser.get("/panel/").status_code == 302


def test_admins_cannot_deactivate_themselves(admin_client: FlaskClient, session: Session, admin: User) -> None:
    page = page_text(admin_client.get(f"/admin/users/{admin.id}"))
    assert "Deactivate account" not in page

    response = admin_client.post(f"/admin/users/{admin.id}", data={"action": "deactivate"})

    assert response.status_code == 200
    assert "You cannot deactivate your own account" in page_text(response)
    reread(session)
    assert session.get(User, admin.id).active is True
    # Still signed in.
    assert admin_client.get("/admin/users").status_code == 200


@pytest.mark.postgres_only
def test_two_simultaneous_grants_of_the_same_role_grant_it_once(app: Any, session: Session, admin: User) -> None:
    person = make_user(session)
    session.commit()
    both_loaded = threading.Barrier(2, timeout=10)
    results: list[object] = []

    def grant_panellist() -> None:
        with app.app_context():
            thread_session = db.session
            try:
                actor = thread_session.get(User, admin.id)
                target = thread_session.get(User, person.id)
                assert target is not None
                assert target.roles == frozenset()
                both_loaded.wait()
                granted, _revoked = accounts.set_roles(thread_session, target, [Role.PANELLIST], by=actor)
                thread_session.commit()
                results.append(granted)
            except Exception as error:  # reported below
                thread_session.rollback()
                results.append(error)

    threads = [threading.Thread(target=grant_panellist) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)

    assert sorted(results, key=lambda result: len(result) if isinstance(result, set) else -1) == [
        set(),
        {Role.PANELLIST},
    ]
    reread(session)
    assert session.get(User, person.id).roles == {Role.PANELLIST}
    assert [action for action, _actor, _summary in audit_actions(session, person)] == ["role granted"]


def test_admins_grant_and_remove_the_finance_role(admin_client: FlaskClient, session: Session, admin: User) -> None:
    person = make_user(session, name="Fatima Finance", roles=(Role.OFFICER,))
    session.commit()
    path = f"/admin/users/{person.id}"
    assert 'value="finance"' in admin_client.get(path).get_data(as_text=True)

    admin_client.post(path, data={"action": "roles", "roles": ["officer", "finance"]})
    reread(session)
    assert session.get(User, person.id).roles == {Role.OFFICER, Role.FINANCE}
    assert "Fatima Finance is now: Grants officer, Finance." in page_text(admin_client.get(path))

    admin_client.post(path, data={"action": "roles", "roles": ["officer"]})
    reread(session)
    assert session.get(User, person.id).roles == {Role.OFFICER}
    assert ("role revoked", admin.id, f"Finance taken away from {person.email}") in audit_actions(session, person)


def test_admins_grant_and_remove_the_connector_role(admin_client: FlaskClient, session: Session, admin: User) -> None:
    person = make_user(session, name="Chidi Connector")
    session.commit()
    path = f"/admin/users/{person.id}"
    assert 'value="connector"' in admin_client.get(path).get_data(as_text=True)

    admin_client.post(path, data={"action": "roles", "roles": ["connector"]})
    reread(session)
    assert session.get(User, person.id).roles == {Role.CONNECTOR}
    assert "Chidi Connector is now: Community connector." in page_text(admin_client.get(path))

    admin_client.post(path, data={"action": "roles", "roles": []})
    reread(session)
    assert session.get(User, person.id).roles == frozenset()
    assert ("role revoked", admin.id, f"Community connector taken away from {person.email}") in audit_actions(
        session, person
    )
