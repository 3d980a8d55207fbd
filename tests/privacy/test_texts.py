"""A person who chose texts: their texts are in their data, and go when they are erased."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models.outbox import Channel, OutboxMessage
from portal.models.users import User
from portal.services.messages.notify import queue_text
from portal.services.people.erasure import erase_person
from portal.storage.base import Storage
from tests.factories import make_user
from tests.fixtures.databases import reread
from tests.privacy.test_export import download, signed_in

MOBILE = "+447700900123"


def texting_person(app: Flask, session: Session) -> User:
    user = make_user(session, email="amina@example.org", name="Amina Yusuf")
    user.phone, user.contact_by_text = MOBILE, True
    session.commit()
    queue_text(session, to=MOBILE, about="Sign-in code", template="sign_in", secrets={"code": "123456"}, minutes=15)
    queue_text(session, to="07700 900999", about="Sign-in code", template="sign_in", secrets={"code": "1"}, minutes=1)
    session.commit()
    return user


def test_their_data_holds_their_choice_and_their_texts_without_codes(
    app: Flask, session: Session, sign_in_as: Any
) -> None:
    user = texting_person(app, session)
    data, _archive = download(signed_in(app, sign_in_as, user))
    assert (data["person"]["phone"], data["person"]["contact_by_text"]) == (MOBILE, True)
    [text] = data["texts_sent_to_you"]
    assert text["to"] == MOBILE
    assert "123456" not in text["body"]


def test_erasure_removes_their_texts_and_their_choice(app: Flask, session: Session, storage: Storage) -> None:
    user = texting_person(app, session)
    admin = make_user(session, email="admin@example.org")
    erase_person(session, storage, user, by=admin)
    session.commit()
    reread(session)
    erased = session.get(User, user.id)
    assert erased is not None
    assert (erased.phone, erased.contact_by_text) == (None, False)
    left = session.scalars(select(OutboxMessage.to).where(OutboxMessage.channel == Channel.TEXT)).all()
    assert left == ["+447700900999"]  # someone else's
