"""Staff set their own password from a link an administrator emailed: once, for a few days."""

from __future__ import annotations

import time

import pytest
from itsdangerous import TimestampSigner
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.errors import DomainError
from portal.models.audit import AuditAction, AuditEntry
from portal.models.outbox import OutboxMessage
from portal.models.users import Role
from portal.services.people import password_links
from portal.services.people.passwords import verify_password
from tests.factories import make_user

KEY = "a-secret-key-for-these-tests-only-0000000"


def test_a_link_names_the_person_until_it_is_used(session: Session) -> None:
    officer = make_user(session, email="olu@example.org", roles=(Role.OFFICER,))
    token = password_links.make_token(officer, secret_key=KEY)
    assert password_links.person_for(session, token, secret_key=KEY) is officer

    password_links.set_password(session, officer, "river otter lantern")

    assert verify_password(officer.password_hash, "river otter lantern")
    assert password_links.person_for(session, token, secret_key=KEY) is None, "a link works once"
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == AuditAction.PASSWORD_SET)).one()
    assert entry.actor_id == officer.id


def test_a_link_made_before_another_was_used_stops_working(session: Session) -> None:
    admin = make_user(session, roles=(Role.ADMIN,), password="first password here")
    first = password_links.make_token(admin, secret_key=KEY)
    second = password_links.make_token(admin, secret_key=KEY)
    password_links.set_password(session, admin, "second password here")
    assert password_links.person_for(session, first, secret_key=KEY) is None
    assert password_links.person_for(session, second, secret_key=KEY) is None


def test_links_expire(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    officer = make_user(session, roles=(Role.OFFICER,))
    made_at = int(time.time() - password_links.LIFETIME.total_seconds() - 60)
    with monkeypatch.context() as patched:
        patched.setattr(TimestampSigner, "get_timestamp", lambda self: made_at)
        token = password_links.make_token(officer, secret_key=KEY)
    assert password_links.person_for(session, token, secret_key=KEY) is None


@pytest.mark.parametrize("token", ["", "nonsense", "eyJ1c2VyIjoxfQ.forged.signature"])
def test_forged_and_damaged_links_name_nobody(session: Session, token: str) -> None:
    make_user(session, roles=(Role.OFFICER,))
    assert password_links.person_for(session, token, secret_key=KEY) is None


def test_a_link_signed_with_another_key_names_nobody(session: Session) -> None:
    officer = make_user(session, roles=(Role.OFFICER,))
    token = password_links.make_token(officer, secret_key="another-key-another-key-another-key-00")
    assert password_links.person_for(session, token, secret_key=KEY) is None


def test_a_link_stops_working_when_the_account_is_deactivated_or_no_longer_staff(session: Session) -> None:
    officer = make_user(session, roles=(Role.OFFICER,))
    token = password_links.make_token(officer, secret_key=KEY)
    officer.active = False
    assert password_links.person_for(session, token, secret_key=KEY) is None
    officer.active = True
    officer.revoke(Role.OFFICER)
    session.flush()
    assert password_links.person_for(session, token, secret_key=KEY) is None


def test_sending_a_link_emails_it_and_records_it(session: Session) -> None:
    admin = make_user(session, roles=(Role.ADMIN,))
    officer = make_user(session, name="Olu", email="olu@example.org", roles=(Role.OFFICER,))

    password_links.send_link(session, officer, by=admin, link="http://127.0.0.1:5000/staff/set-password/abc")

    email = session.scalars(select(OutboxMessage)).one()
    assert email.to == "olu@example.org"
    assert email.subject == "Set your password for Anchor Offer grants"
    assert "abc" not in email.body, "the link is kept encrypted until the email is sent"
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == AuditAction.PASSWORD_LINK_SENT)).one()
    assert (entry.actor_id, entry.object_id) == (admin.id, officer.id)


def test_links_are_only_for_active_staff(session: Session) -> None:
    admin = make_user(session, roles=(Role.ADMIN,))
    with pytest.raises(DomainError, match="Only grants officers and administrators"):
        password_links.send_link(session, make_user(session, roles=(Role.PANELLIST,)), by=admin, link="x")
    with pytest.raises(DomainError, match="deactivated"):
        password_links.send_link(session, make_user(session, roles=(Role.OFFICER,), active=False), by=admin, link="x")
    assert session.scalars(select(OutboxMessage)).all() == []


@pytest.mark.parametrize(
    ("password", "message"),
    [("short", "at least 8 characters"), ("password1", "too common"), ("olu.officer", "not be your email")],
)
def test_weak_passwords_are_refused_and_nothing_changes(session: Session, password: str, message: str) -> None:
    officer = make_user(session, email="olu.officer@example.org", roles=(Role.OFFICER,))
    with pytest.raises(DomainError, match=message):
        password_links.set_password(session, officer, password)
    assert officer.password_hash is None
