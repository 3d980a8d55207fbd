"""How we contact you: a person chooses email or texts for their codes and reminders."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models.audit import AuditAction, AuditEntry
from portal.models.users import SignInMethod, User
from tests.auth.helpers import page_text
from tests.factories import make_organisation, make_user
from tests.fixtures.databases import reread

PAGE = "/account/how-we-contact-you"


@pytest.fixture
def person(session: Session) -> User:
    user = make_user(session, name="Amina Yusuf", email="amina@example.org")
    session.commit()
    return user


@pytest.fixture
def signed_in(client: FlaskClient, person: User, sign_in_as: Any) -> FlaskClient:
    sign_in_as(client, person, SignInMethod.EMAIL)
    return client


def saved(session: Session, person: User) -> tuple[bool, str | None]:
    reread(session)
    fresh = session.get(User, person.id)
    assert fresh is not None
    return fresh.contact_by_text, fresh.phone


def audit_summaries(session: Session) -> list[str]:
    reread(session)
    query = select(AuditEntry.summary).where(AuditEntry.action == AuditAction.CONTACT_CHOICE_CHANGED)
    return list(session.scalars(query))


def test_the_page_is_linked_from_the_dashboard_and_your_data(signed_in: FlaskClient) -> None:
    for start in ("/dashboard", "/account/your-data"):
        assert f'href="{PAGE}"' in signed_in.get(start).get_data(as_text=True)
    page = signed_in.get(PAGE)
    assert page.status_code == 200
    assert "How should we send your sign-in codes and reminders?" in page_text(page)


def test_the_groups_mobile_is_offered_but_a_landline_is_not(
    signed_in: FlaskClient, session: Session, person: User
) -> None:
    landline = make_organisation(session, name="Allotment", members=(person,))
    landline.contact_phone = "01923 123456"
    mobile = make_organisation(session, name="Walking group", members=(person,))
    mobile.contact_phone = "+44 7700 900 321"
    session.commit()

    words = page_text(signed_in.get(PAGE))

    assert 'value="07700 900321"' in signed_in.get(PAGE).get_data(as_text=True)
    assert "This is the number Walking group gave us" in words
    assert saved(session, person) == (False, None)  # offered, not saved


def test_choosing_texts_saves_the_number_in_one_form_and_is_audited_without_it(
    signed_in: FlaskClient, session: Session, person: User
) -> None:
    response = signed_in.post(PAGE, data={"channel": "text", "mobile": "07700 900-123"})

    assert response.status_code == 302
    assert saved(session, person) == (True, "+447700900123")
    [summary] = audit_summaries(session)
    assert summary == "From email, no mobile to texts, mobile ending 123"
    assert "We will send your sign-in codes and reminders by text message" in page_text(signed_in.get(PAGE))

    signed_in.post(PAGE, data={"channel": "text", "mobile": "+447700900123"})  # the same again: no change
    signed_in.post(PAGE, data={"channel": "email", "mobile": "07700 900123"})
    assert saved(session, person) == (False, "+447700900123")
    assert len(audit_summaries(session)) == 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"channel": "text", "mobile": ""}, "Enter the UK mobile number to send text messages to"),
        ({"channel": "text", "mobile": "01923 123456"}, "Enter a UK mobile number, like 07700 900123"),
        ({"channel": "email", "mobile": "not a number"}, "Enter a UK mobile number, like 07700 900123"),
        ({"channel": "pigeon", "mobile": ""}, "Not a valid choice"),
        ({"mobile": ""}, "Choose email or text message"),
    ],
)
def test_a_bad_choice_is_refused_with_a_message_and_nothing_saved(
    signed_in: FlaskClient, session: Session, person: User, data: dict[str, str], message: str
) -> None:
    page = signed_in.post(PAGE, data=data)

    assert page.status_code == 200
    assert message in page_text(page)
    assert saved(session, person) == (False, None)
    assert audit_summaries(session) == []


def test_a_typed_number_is_kept_in_the_form_when_refused(signed_in: FlaskClient) -> None:
    page = signed_in.post(PAGE, data={"channel": "text", "mobile": "07000 000000"})
    assert 'value="07000 000000"' in page.get_data(as_text=True)


@pytest.mark.parametrize("config_overrides", [{"SMS_URL": ""}])
def test_without_texts_set_up_the_page_says_so_and_saves_nothing(
    signed_in: FlaskClient, session: Session, person: User
) -> None:
    words = page_text(signed_in.get(PAGE))
    assert "We cannot send text messages at the moment" in words
    signed_in.post(PAGE, data={"channel": "text", "mobile": "07700 900123"})
    assert saved(session, person) == (False, None)


def test_signed_out_people_are_sent_to_sign_in(client: FlaskClient) -> None:
    assert client.get(PAGE).status_code == 302
