"""Public pages, the health check and static files."""

from __future__ import annotations

import gzip
import hashlib
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from portal.models.base import utcnow
from portal.models.organisations import IncomeBand
from portal.models.users import Role, User
from portal.storage import get_storage
from tests.factories import make_neighbourhood, make_round
from tests.fixtures.pages import page_text

STATIC = Path(__file__).resolve().parents[2] / "static"


def test_landing_page_lists_open_rounds_only(client: FlaskClient, session: Session) -> None:
    now = utcnow()
    watford = make_neighbourhood(session, name="Central and West Watford", districts=("WD17", "WD18"))
    make_round(session, slug="open-now", title="Community grants spring", neighbourhoods=[watford])
    make_round(
        session,
        slug="closed",
        title="Community grants last year",
        opens_at=now - timedelta(days=400),
        closes_at=now - timedelta(days=300),
    )
    make_round(
        session,
        slug="later",
        title="Community grants autumn",
        opens_at=now + timedelta(days=30),
        closes_at=now + timedelta(days=60),
    )
    session.commit()

    response = client.get("/")

    assert response.status_code == 200
    text = page_text(response)
    assert "Community grants spring" in text
    assert "Community grants last year" not in text
    assert "Community grants autumn" not in text
    assert "Grants from £500 to £5,000" in text
    assert "Central and West Watford" in text
    assert re.search(r"Closes \d{1,2}(:\d\d)?(am|pm) on \w+day \d{1,2} \w+ \d{4}", text)
    assert 'href="/rounds/open-now"' in response.get_data(as_text=True)


def test_landing_page_says_when_the_next_round_opens(client: FlaskClient, session: Session) -> None:
    now = utcnow()
    make_round(
        session,
        slug="later",
        title="Community grants autumn",
        opens_at=now + timedelta(days=30),
        closes_at=now + timedelta(days=60),
    )
    session.commit()

    text = page_text(client.get("/"))

    assert "No rounds are open for applications at the moment" in text
    assert "The next round, Community grants autumn, opens at" in text


def test_landing_page_with_no_rounds_at_all(client: FlaskClient) -> None:
    text = page_text(client.get("/"))
    assert "No rounds are open for applications at the moment" in text
    assert "Start now" in text


def test_round_page_explains_the_round(client: FlaskClient, session: Session) -> None:
    hemel = make_neighbourhood(session, name="Hemel Hempstead", districts=("HP1", "HP2", "HP3"))
    make_round(
        session,
        slug="community-grants",
        title="Community grants",
        budget_pence=6_000_000,
        neighbourhoods=[hemel],
        eligibility={
            "requirements": ["Your group works with people in Hemel Hempstead."],
            "income_bands": [IncomeBand.UNDER_10K.value, IncomeBand.FROM_10K_TO_50K.value],
            "needs_bank_account": True,
        },
        criteria=[
            {"title": "Local need", "guidance": "Is there a real need?", "weight": 3, "descriptors": {"1": "a"}},
            {"title": "Led by the community", "guidance": "Who runs it?", "weight": 2, "descriptors": {"1": "a"}},
        ],
    )
    session.commit()

    response = client.get("/rounds/community-grants")

    assert response.status_code == 200
    text = page_text(response)
    assert "Your group works with people in Hemel Hempstead." in text
    assert "Less than £10,000 a year" in text
    assert "Needs bank account: Yes" in text
    assert "Postcodes starting HP1, HP2, HP3" in text
    assert "between £500 and £5,000" in text
    assert "£60,000 to give in total" in text
    assert "Funded by Anchor Offer health charity." in text
    assert "Local need" in text
    assert "3 of 5" in text
    assert "What you will need" in text
    assert "a bank statement from the last three months" in text
    assert "When you will hear" in text
    html = response.get_data(as_text=True)
    assert 'href="/rounds/community-grants/check"' in html
    assert re.search(r'href="[^"]*\?next=(/|%2F)rounds(/|%2F)community-grants(/|%2F)apply"', html)


def test_closed_round_page_has_no_start_button(client: FlaskClient, session: Session) -> None:
    now = utcnow()
    make_round(session, slug="old", opens_at=now - timedelta(days=60), closes_at=now - timedelta(days=30))
    session.commit()

    text = page_text(client.get("/rounds/old"))

    assert "This round is closed" in text
    assert "Check if your group can apply" not in text


def test_unknown_round_is_not_found(client: FlaskClient) -> None:
    response = client.get("/rounds/no-such-round")
    assert response.status_code == 404
    text = page_text(response)
    assert "Page not found" in text
    assert "Go to the Anchor Offer grants home page" in text


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("/accessibility", ["WCAG", "2.2", "axe-core", "keyboard", "email the programme team"]),
        ("/privacy", ["UK GDPR", "legitimate interests", "7 years", "2 years", "bank details", "time you record"]),
    ],
)
def test_statements(client: FlaskClient, path: str, words: list[str]) -> None:
    response = client.get(path)
    assert response.status_code == 200
    text = page_text(response)
    for word in words:
        assert word in text
    assert 'href="mailto:' in response.get_data(as_text=True)


def test_every_page_has_the_frame(client: FlaskClient) -> None:
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="en-GB">' in html
    assert 'href="#main-content"' in html
    assert '<main id="main-content"' in html
    assert 'href="/accessibility"' in html
    assert 'href="/privacy"' in html
    assert "<title>Grants for community groups \u2013 Anchor Offer grants</title>" in html
    assert "<script" not in html
    assert "style=" not in html
    assert "<style" not in html


def test_security_headers(client: FlaskClient) -> None:
    response = client.get("/")
    headers = response.headers
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"


def test_healthz_ok(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"database": "ok", "storage": "ok", "status": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


def test_healthz_storage_unavailable(client: FlaskClient, app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken_ping(self: Any) -> bool:
        raise OSError("the disk has gone")

    with app.app_context():
        monkeypatch.setattr(type(get_storage()), "ping", broken_ping, raising=False)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.get_json() == {"database": "ok", "storage": "unavailable", "status": "unavailable"}
    assert response.headers["Cache-Control"] == "no-store"


class TestDatabaseDown:
    @pytest.fixture
    def config_overrides(self, tmp_path: Path) -> dict[str, Any]:
        # A database file in a folder that does not exist cannot be opened.
        return {"DATABASE_URL": f"sqlite:///{tmp_path / 'missing' / 'portal.sqlite3'}"}

    def test_healthz_database_unavailable(self, client: FlaskClient) -> None:
        response = client.get("/healthz")
        assert response.status_code == 503
        body = response.get_json()
        assert body["database"] == "unavailable"
        assert body["status"] == "unavailable"
        assert response.headers["Cache-Control"] == "no-store"


def test_stylesheet_is_fingerprinted_and_cached(client: FlaskClient) -> None:
    html = client.get("/").get_data(as_text=True)
    digest = hashlib.sha256((STATIC / "css" / "portal.css").read_bytes()).hexdigest()[:12]
    href = f"/static/css/portal.css?v={digest}"
    assert f'href="{href}"' in html

    response = client.get(href)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    response.close()

    for stale in ("/static/css/portal.css", "/static/css/portal.css?v=000000000000"):
        response = client.get(stale)
        assert response.status_code == 200
        assert "immutable" not in response.headers["Cache-Control"]
        response.close()


def test_stylesheet_is_lean() -> None:
    # Compressed, it leaves most of a page's 30 KB budget (DESIGN §11) to the page itself.
    assert len(gzip.compress((STATIC / "css" / "portal.css").read_bytes())) < 6 * 1024


def test_navigation_follows_the_signed_in_person(client: FlaskClient, session: Session, sign_in_as: Any) -> None:
    officer = User(email="officer@example.org", name="Priya")
    officer.grant(Role.OFFICER)
    session.add(officer)
    session.commit()
    sign_in_as(client, officer)

    response = client.get("/")

    html = response.get_data(as_text=True)
    text = page_text(response)
    assert "Your applications" in text
    assert "Officer" in text
    assert "Panel" not in text
    assert "People" not in text
    assert "Sign in" not in text
    assert re.search(
        r'<form method="post" action="[^"]+" class="nav__form">\s*<input type="hidden" name="csrf_token"', html
    )
    assert "Sign out" in text
    # Kept only by this browser, and only after asking whether it is still current (conditional GET).
    assert response.headers["Cache-Control"] == "private, no-cache"
    assert "Cookie" in response.vary


def test_every_page_links_to_the_public_events(client: FlaskClient) -> None:
    for path in ("/", "/accessibility", "/privacy"):
        html = client.get(path).get_data(as_text=True)
        assert re.search(r'<a href="/events">Peer-learning events</a>', html), path
