"""Every email the portal sends reaches a person who chose Polish in Polish.

Each template's real service call (``SCENARIOS``) runs twice on the same
world: once with everyone reading English and once with everyone reading
Polish (people the call itself adds, and the programme team's mailbox, are
taken to read it too, so every template is read in Polish). The Polish
email's subject and body must differ from the English one's, and no line of
prose may be the same in both (a line left in English); lines that are only
names, addresses, references, amounts or links are the same in any language.
"""

from __future__ import annotations

import re

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models.outbox import OutboxMessage
from portal.models.users import User
from portal.services.people import languages
from portal.services.programme.settings import Programme
from tests.services.messages.test_email_subjects import SCENARIOS, build_world

NAME = "Grupa Sąsiedzka Łąkowa"
PROGRAMME = Programme().name  # the programme's name signs every email, in any language
# An officer's message to every funded group goes out with the subject the officer wrote.
TYPED_SUBJECTS = {"broadcast"}
ENGLISH_WORD = re.compile(r"\b[A-Za-z]{2,}\b")


def sent(
    app: Flask, session: Session, monkeypatch: pytest.MonkeyPatch, template: str, language: str
) -> dict[str, tuple[str, str]]:
    """Subject and body of each email the scenario sends, by address, with everyone reading ``language``."""
    status, scenario = SCENARIOS[template]
    monkeypatch.setattr(languages, "language_of_address", lambda session, address: language)
    own = session()
    try:
        with app.test_request_context():
            world = build_world(own, NAME, status)
            for user in own.scalars(select(User)):
                user.language = language
            own.flush()
            scenario(own, world)
            own.flush()
        return {
            message.to: (message.subject, message.body)
            for message in own.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
        }
    finally:
        own.rollback()


def prose(line: str) -> bool:
    """Whether ``line`` holds words of a sentence (three or more), not only a name, a link or a figure.

    A line holding what people typed (the world's name is in every name, title and message) is
    theirs, in their words; a secret's stand-in ("[link not kept]") is only in the stored copy.
    """
    if NAME in line:
        return False
    without_links = re.sub(r"\S+://\S+|\[\w+ not kept\]", "", line.replace(PROGRAMME, ""))
    return len(ENGLISH_WORD.findall(without_links)) >= 3


@pytest.mark.parametrize("template", sorted(SCENARIOS))
def test_email_is_written_in_the_recipients_language(
    app: Flask, session: Session, monkeypatch: pytest.MonkeyPatch, template: str
) -> None:
    english = sent(app, session, monkeypatch, template, "en")
    polish = sent(app, session, monkeypatch, template, "pl")
    assert polish
    assert set(polish) == set(english)
    for address, (subject, body) in polish.items():
        english_subject, english_body = english[address]
        if template not in TYPED_SUBJECTS:
            assert subject != english_subject, f"{template}: the subject is in English"
        english_lines = {line.strip() for line in english_body.splitlines()}
        left = sorted({line.strip() for line in body.splitlines() if prose(line)} & english_lines)
        assert left == [], f"{template} to {address}: lines left in English"
