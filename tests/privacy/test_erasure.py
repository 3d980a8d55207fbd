"""An administrator erases a person: nothing personal is left, the money still adds up."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.errors import DomainError
from portal.models.applications import ApplicationStatus
from portal.models.audit import AuditEntry
from portal.models.awards import AwardStatus, Payment
from portal.models.base import utcnow
from portal.models.events import Registration
from portal.models.organisations import Membership, Organisation
from portal.models.users import Role, User, UserSession
from portal.services.people import erasure
from portal.storage.base import Storage
from tests.conftest import CsrfClient
from tests.factories import make_application, make_award, make_round, make_user
from tests.fixtures.databases import reread
from tests.privacy import binary_columns, files_containing, personal_data_left, stored_objects
from tests.privacy.conftest import EMAIL, NAME, PHONE, Person, money


def test_the_scan_finds_the_person_before_erasure(session: Session, person: Person, storage: Storage) -> None:
    """The checks below could fail: before erasure the person is everywhere."""
    left = personal_data_left(session, NAME, EMAIL, PHONE)
    tables = {line.split(".")[0] for line in left}
    assert {"users", "organisations", "applications", "registrations", "outbox_messages", "audit_entries"} <= tables
    assert files_containing(storage, NAME.encode()) == [person.own_file.storage_key]


@pytest.mark.s3
def test_erasure_leaves_no_personal_data_and_keeps_the_money(
    session: Session, person: Person, storage: Storage
) -> None:
    before = money(session)
    admin = make_user(session, roles=(Role.ADMIN,))
    user_id = person.user.id

    result = erasure.erase_person(session, storage, person.user, by=admin)
    session.commit()
    reread(session)

    assert personal_data_left(session, NAME, EMAIL, PHONE) == []
    # The binary columns hold encrypted secrets, which the scan cannot read: bank details
    # (checked below), authenticator secrets and sign-in emails' codes (both gone with the person).
    assert sorted(binary_columns()) == [
        "awards.bank_details_encrypted",
        "outbox_messages.secrets_encrypted",
        "users.totp_secret_encrypted",
    ]
    assert files_containing(storage, NAME.encode()) == []
    assert not storage.exists(person.own_file.storage_key)
    # A file for a group that still has other members stays the group's.
    assert storage.exists(person.shared_file.storage_key)
    assert person.shared_file.storage_key in stored_objects(storage)
    assert money(session) == before
    assert result.files_deleted == 1
    assert result.sessions_ended == 1

    user = session.get(User, user_id)
    assert user is not None
    assert user.email == f"erased-{user_id}@invalid"
    assert (user.name, user.phone, user.password_hash, user.has_authenticator) == ("", None, None, False)
    assert not user.active
    assert user.roles == frozenset()
    assert user.erased_at is not None
    assert session.scalars(select(UserSession).where(UserSession.user_id == user_id)).all() == []
    assert session.scalars(select(Membership).where(Membership.user_id == user_id)).all() == []
    registration = session.get(Registration, person.registration_id)
    assert registration is not None
    assert (registration.attendee_name, registration.access_needs) == ("Erased person", "")
    own = session.get(Organisation, person.own_organisation_id)
    assert own is not None
    assert (own.contact_name, own.contact_email, own.contact_phone, own.money_holders) == ("", "", "", "")
    assert own.name == "Tregarthen Walkers"
    # The group and amounts of the award are kept.
    assert person.award.amount_pence == 400_000
    assert person.award.application.organisation_id == person.own_organisation_id
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "person erased"))
    assert entry is not None
    assert (entry.actor_id, entry.object_type, entry.object_id) == (admin.id, "User", user_id)


def test_erasing_twice_or_erasing_yourself_is_refused(session: Session, person: Person, storage: Storage) -> None:
    admin = make_user(session, roles=(Role.ADMIN,))
    with pytest.raises(DomainError, match="your own account"):
        erasure.erase_person(session, storage, admin, by=admin)
    erasure.erase_person(session, storage, person.user, by=admin)
    with pytest.raises(DomainError, match="already been erased"):
        erasure.erase_person(session, storage, person.user, by=admin)


def _admin_client(app: Flask, session: Session, sign_in_as: Any) -> tuple[FlaskClient, User]:
    admin = make_user(session, roles=(Role.ADMIN,), name="Ada Admin")
    session.commit()
    app.test_client_class = CsrfClient
    client = app.test_client()
    sign_in_as(client, admin)
    return client, admin


def test_admin_confirms_then_erases_and_the_person_is_signed_out(
    app: Flask, session: Session, sign_in_as: Any, person: Person
) -> None:
    user_id = person.user.id
    app.test_client_class = CsrfClient
    person_client = app.test_client()
    sign_in_as(person_client, person.user)
    assert person_client.get("/account/your-data").status_code == 200
    admin_client, _ = _admin_client(app, session, sign_in_as)

    page = admin_client.get(f"/admin/users/{user_id}")
    assert f"/admin/users/{user_id}/erase" in page.get_data(as_text=True)
    confirm = admin_client.get(f"/admin/users/{user_id}/erase")
    assert confirm.status_code == 200
    assert "cannot be undone" in confirm.get_data(as_text=True)

    unticked = admin_client.post(f"/admin/users/{user_id}/erase", data={})
    assert unticked.status_code == 200
    assert "Tick the box to confirm" in unticked.get_data(as_text=True)
    reread(session)
    assert session.get(User, user_id).erased_at is None  # type: ignore[union-attr]

    done = admin_client.post(f"/admin/users/{user_id}/erase", data={"confirmed": "y"})
    assert done.status_code == 302
    assert done.headers["Location"] == f"/admin/users/{user_id}"
    reread(session)
    assert personal_data_left(session, NAME, EMAIL, PHONE) == []
    assert person_client.get("/account/your-data").headers["Location"].startswith("/sign-in")
    assert "were erased on" in admin_client.get(f"/admin/users/{user_id}/erase").get_data(as_text=True)


def test_admin_cannot_erase_themselves(app: Flask, session: Session, sign_in_as: Any) -> None:
    admin_client, admin = _admin_client(app, session, sign_in_as)
    response = admin_client.post(f"/admin/users/{admin.id}/erase", data={"confirmed": "y"})
    assert response.status_code == 200
    assert "This is your own account" in response.get_data(as_text=True)
    reread(session)
    assert session.get(User, admin.id).erased_at is None  # type: ignore[union-attr]


def test_erasure_post_needs_a_csrf_token(app: Flask, session: Session, sign_in_as: Any, person: Person) -> None:
    admin_client, _ = _admin_client(app, session, sign_in_as)
    response = admin_client.post(f"/admin/users/{person.user.id}/erase", data={"confirmed": "y"}, csrf=False)
    assert response.status_code == 400
    reread(session)
    assert session.get(User, person.user.id).erased_at is None  # type: ignore[union-attr]


def test_erase_from_the_command_line(app: Flask, session: Session, person: Person, storage: Storage) -> None:
    runner = app.test_cli_runner()
    before = money(session)

    result = runner.invoke(args=["users", "erase", EMAIL.upper(), "--yes"])
    assert result.exit_code == 0, result.output
    assert "1 session(s) ended, 1 file(s) deleted" in result.output
    reread(session)
    assert personal_data_left(session, NAME, EMAIL, PHONE) == []
    assert files_containing(storage, NAME.encode()) == []
    assert money(session) == before

    again = runner.invoke(args=["users", "erase", f"erased-{person.user.id}@invalid", "--yes"])
    assert again.exit_code == 1
    assert "already been erased" in again.output
    unknown = runner.invoke(args=["users", "erase", "nobody@example.org", "--yes"])
    assert unknown.exit_code == 1
    assert "There is no account" in unknown.output


def test_the_command_line_asks_before_erasing(app: Flask, session: Session, person: Person) -> None:
    result = app.test_cli_runner().invoke(args=["users", "erase", EMAIL], input="n\n")
    assert result.exit_code == 1
    reread(session)
    assert session.get(User, person.user.id).erased_at is None  # type: ignore[union-attr]


def test_bank_details_go_once_nothing_more_is_to_be_paid(session: Session, person: Person, storage: Storage) -> None:
    """An unconstituted group's account is often the person's own; it stays only while money is still due."""

    due = person.award
    due.bank_details_encrypted, due.bank_account_last4 = b"encrypted", "1234"
    finished = make_award(
        session,
        application=make_application(
            session,
            grant_round=make_round(session),
            organisation=session.get(Organisation, person.own_organisation_id),  # type: ignore[arg-type]
            status=ApplicationStatus.APPROVED,
        ),
        amount_pence=100_000,
        status=AwardStatus.PAID,
    )
    finished.payments.append(Payment(amount_pence=100_000, due_on=utcnow().date(), paid_at=utcnow()))
    finished.bank_details_encrypted, finished.bank_account_last4 = b"encrypted", "5678"
    session.commit()
    before = money(session)

    erasure.erase_person(session, storage, person.user, by=make_user(session, roles=(Role.ADMIN,)))
    session.commit()
    reread(session)

    assert (due.bank_details_encrypted, due.bank_account_last4) == (b"encrypted", "1234")
    assert (finished.bank_details_encrypted, finished.bank_account_last4) == (None, None)
    assert money(session) == before
