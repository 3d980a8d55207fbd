"""Links and addresses for emails built without a request."""

from __future__ import annotations

from flask import Flask

from portal.services.messages.links import programme_email


def test_the_programme_team_always_has_an_address(app: Flask) -> None:
    with app.app_context():
        app.config["PROGRAMME_EMAIL"] = None
        app.config["MAIL_FROM"] = "Anchor Offer <grants@anchor.example>"
        assert programme_email() == "grants@anchor.example"
        app.config["PROGRAMME_EMAIL"] = "team@anchor.example"
        assert programme_email() == "team@anchor.example"
