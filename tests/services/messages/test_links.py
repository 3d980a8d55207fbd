"""Links and addresses for emails built without a request."""

from __future__ import annotations

from flask import Flask
from sqlalchemy.orm import Session

from portal.services.messages.links import programme_email
from tests.factories import set_programme


def test_the_programme_team_always_has_an_address(app: Flask, session: Session) -> None:
    app.config["MAIL_FROM"] = "Anchor Offer <grants@anchor.example>"
    assert programme_email() == "grants@anchor.example"
    set_programme(session, contact_email="team@anchor.example")
    assert programme_email() == "team@anchor.example"
