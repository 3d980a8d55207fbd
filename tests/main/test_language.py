"""The language choice on every page: remembered on the device and for a signed-in person,
used for the page's ``lang``, its words, dates and money."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from portal.models.users import User


def choose(client: FlaskClient, language: str, next_path: str = "/") -> Any:
    return client.post("/language", data={"language": language, "next": next_path})


def test_every_page_offers_the_other_language_in_its_own_words(client: FlaskClient) -> None:
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="en-GB">' in page
    assert '<button type="submit" name="language" value="pl" lang="pl" class="language__button">Polski</button>' in page


def test_choosing_polish_is_remembered_on_the_device(client: FlaskClient) -> None:
    response = choose(client, "pl", "/privacy")
    assert response.status_code == 302
    assert response.headers["Location"] == "/privacy"
    page = client.get("/privacy").get_data(as_text=True)
    assert '<html lang="pl">' in page
    assert "Przejdź do treści głównej" in page
    assert 'value="en" lang="en-GB"' in page


def test_a_signed_in_persons_choice_is_kept_with_their_account(
    signed_in: FlaskClient, signed_in_user: User, session: Session
) -> None:
    choose(signed_in, "pl")
    session.refresh(signed_in_user)
    assert signed_in_user.language == "pl"


def test_the_browsers_language_is_used_until_one_is_chosen(client: FlaskClient) -> None:
    page = client.get("/", headers={"Accept-Language": "pl-PL,pl;q=0.9,en;q=0.8"}).get_data(as_text=True)
    assert '<html lang="pl">' in page


def test_the_form_needs_its_token(client: FlaskClient) -> None:
    response = client.post("/language", data={"language": "pl", "next": "/"}, csrf=False)
    assert response.status_code == 400
    assert '<html lang="en-GB">' in client.get("/").get_data(as_text=True)


def test_a_language_not_offered_is_refused_and_nothing_changes(client: FlaskClient) -> None:
    response = choose(client, "xx")
    assert response.status_code == 302
    assert '<html lang="en-GB">' in client.get("/").get_data(as_text=True)


def test_only_a_local_page_is_returned_to(client: FlaskClient) -> None:
    response = choose(client, "pl", "//evil.example")
    assert response.headers["Location"] == "/"


def test_error_pages_speak_the_chosen_language(client: FlaskClient) -> None:
    choose(client, "pl")

    missing = client.get("/no-such-page")

    assert missing.status_code == 404
    page = missing.get_data(as_text=True)
    assert "Nie znaleziono strony" in page
    assert "Sprawdź adres strony albo wróć do poprzedniej strony." in page
    assert "Page not found" not in page
