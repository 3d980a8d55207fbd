"""A person who chose texts gets their sign-in code by text, and can ask for the email instead."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models.outbox import Channel, OutboxMessage
from portal.models.users import Role, User
from portal.services.messages.outbox import body_to_send
from tests.auth.helpers import ask_for_code, code_in, is_signed_in, page_text, reread
from tests.factories import make_user

MOBILE = "+447700900123"


def texting_person(session: Session, **fields: object) -> User:
    user = make_user(session, email="amina@example.org", **fields)  # type: ignore[arg-type]
    user.phone = MOBILE
    user.contact_by_text = True
    session.commit()
    return user


def outbox(session: Session) -> list[OutboxMessage]:
    reread(session)
    return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def code_in_text(message: OutboxMessage) -> str:
    found = re.search(r"sign-in code is (\d{6})", body_to_send(message))
    assert found, message.body
    return found.group(1)


def test_the_code_goes_by_text_and_the_page_shows_only_the_numbers_last_digits(
    client: FlaskClient, session: Session
) -> None:
    texting_person(session)

    response = ask_for_code(client, "amina@example.org")
    page = client.get(response.headers["Location"])

    [text] = outbox(session)
    assert (text.channel, text.to) == (Channel.TEXT, MOBILE)
    assert "sign-in code is [code not kept]" in text.body  # the stored text never holds the code
    words = page_text(page)
    assert "Check your phone" in words
    assert "ending in 123" in words
    assert "900123" not in words
    assert "7700" not in page.get_data(as_text=True)

    code_page = client.get("/sign-in/code")
    assert "Enter the code from the text message" in page_text(code_page)
    response = client.post("/sign-in/code", data={"code": code_in_text(text)})
    assert response.status_code == 302
    assert is_signed_in(client)


def test_a_wrong_code_points_at_the_text_message(client: FlaskClient, session: Session) -> None:
    texting_person(session)
    ask_for_code(client, "amina@example.org")
    [text] = outbox(session)
    wrong = "000000" if code_in_text(text) != "000000" else "111111"
    page = client.post("/sign-in/code", data={"code": wrong})
    assert "Check the text message and enter the code again" in page_text(page)


def test_the_person_can_have_the_code_by_email_instead(client: FlaskClient, session: Session) -> None:
    texting_person(session)
    ask_for_code(client, "amina@example.org")

    response = client.post("/sign-in/send-by-email")
    page = client.get(response.headers["Location"])

    text, email = outbox(session)
    assert (text.channel, email.channel, email.to) == (Channel.TEXT, Channel.EMAIL, "amina@example.org")
    assert "Check your email" in page_text(page)
    assert client.post("/sign-in/code", data={"code": code_in(email)}).status_code == 302
    assert is_signed_in(client)


def test_asking_for_the_email_needs_a_sign_in_under_way_and_the_form_token(
    client: FlaskClient, session: Session
) -> None:
    texting_person(session)
    assert client.post("/sign-in/send-by-email").headers["Location"] == "/sign-in"
    ask_for_code(client, "amina@example.org")
    refused = client.post("/sign-in/send-by-email", csrf=False)  # type: ignore[call-arg]
    assert refused.status_code in {302, 400}
    assert [message.channel for message in outbox(session)] == [Channel.TEXT]


def test_someone_who_chose_email_gets_the_email(client: FlaskClient, session: Session) -> None:
    user = texting_person(session)
    user.contact_by_text = False
    session.commit()
    ask_for_code(client, "amina@example.org")
    [email] = outbox(session)
    assert (email.channel, email.to) == (Channel.EMAIL, "amina@example.org")


def test_staff_are_never_texted_a_code(client: FlaskClient, session: Session) -> None:
    texting_person(session, roles=(Role.OFFICER,))
    ask_for_code(client, "amina@example.org")
    [email] = outbox(session)
    assert email.channel is Channel.EMAIL
    assert "Check your email" in page_text(client.get("/sign-in/check-your-email"))


@pytest.mark.parametrize("config_overrides", [{"SMS_URL": ""}])
def test_without_texts_set_up_the_code_goes_by_email(client: FlaskClient, session: Session) -> None:
    texting_person(session)
    ask_for_code(client, "amina@example.org")
    [email] = outbox(session)
    assert email.channel is Channel.EMAIL
