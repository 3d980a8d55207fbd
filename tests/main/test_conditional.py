"""Conditional GET on the landing page and the round pages: a browser that has the page gets a 304,
an officer's edit shows on the next request, and one person's copy is never another's."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from portal.models.base import utcnow
from portal.models.users import Role
from portal.services.programme import settings as programme
from tests.conftest import another_browser
from tests.factories import make_neighbourhood, make_round, make_user
from tests.fixtures.databases import count_queries, queries


def again(client: FlaskClient, path: str, etag: str) -> Any:
    return client.get(path, headers={"If-None-Match": etag})


def first(client: FlaskClient, path: str) -> tuple[Any, str]:
    response = client.get(path)
    assert response.status_code == 200
    etag = response.headers["ETag"]
    assert etag.startswith('W/"')
    return response, etag


def test_landing_page_answers_304_to_a_browser_that_has_it(client: FlaskClient, session: Session) -> None:
    make_round(session, slug="open-now", title="Community grants spring")
    session.commit()
    response, etag = first(client, "/")
    assert response.headers["Cache-Control"] == "private, no-cache"
    assert "Cookie" in response.vary

    repeat = again(client, "/", etag)

    assert repeat.status_code == 304
    assert repeat.get_data() == b""
    assert repeat.headers["ETag"] == etag
    assert repeat.headers["Cache-Control"] == "private, no-cache"
    assert "Cookie" in repeat.vary


def test_a_304_renders_nothing_and_asks_one_question(app: Flask, client: FlaskClient, session: Session) -> None:
    make_round(session, slug="open-now", title="Community grants spring")
    session.commit()
    _, etag = first(client, "/")
    with app.app_context(), count_queries() as statements:
        assert again(client, "/", etag).status_code == 304
    assert len(queries(statements)) == 1


def test_an_edited_round_changes_the_landing_page_at_once(client: FlaskClient, session: Session) -> None:
    grant_round = make_round(session, slug="open-now", title="Community grants spring")
    session.commit()
    _, etag = first(client, "/")

    grant_round.title = "Community grants summer"
    session.commit()
    response = again(client, "/", etag)

    assert response.status_code == 200
    assert "Community grants summer" in response.get_data(as_text=True)
    assert response.headers["ETag"] != etag


def test_a_round_published_or_closed_changes_the_landing_page(client: FlaskClient, session: Session) -> None:
    grant_round = make_round(session, slug="open-now", title="Community grants spring")
    session.commit()
    _, etag = first(client, "/")

    make_round(session, slug="another", title="Grants for gardens")
    session.commit()
    published = again(client, "/", etag)
    assert published.status_code == 200
    assert "Grants for gardens" in published.get_data(as_text=True)

    etag = published.headers["ETag"]
    grant_round.closes_at = utcnow()
    session.commit()
    closed = again(client, "/", etag)
    assert closed.status_code == 200
    assert "Community grants spring" not in closed.get_data(as_text=True)


def test_new_programme_settings_change_the_landing_page(client: FlaskClient, session: Session) -> None:
    admin = make_user(session, roles=(Role.ADMIN,))
    make_round(session, slug="open-now")
    session.commit()
    _, etag = first(client, "/")

    values = programme.current(session)
    programme.update(session, programme.Programme(**{**values.__dict__, "name": "Hertfordshire small grants",
                                                     "contact_email": "grants@example.org"}), by=admin)  # fmt: skip
    session.commit()
    response = again(client, "/", etag)

    assert response.status_code == 200
    assert "Hertfordshire small grants" in response.get_data(as_text=True)


def test_a_signed_in_person_never_gets_the_page_someone_else_had(
    app: Flask, client: FlaskClient, session: Session, sign_in_as: Any
) -> None:
    other = another_browser(app)
    make_round(session, slug="open-now")
    amina = make_user(session, email="amina@example.org")
    officer = make_user(session, email="priya@example.org", roles=(Role.OFFICER,))
    session.commit()
    _, nobodys = first(other, "/")
    sign_in_as(client, amina)
    signed_in, aminas = first(client, "/")
    assert "Sign out" in signed_in.get_data(as_text=True)

    # The copy a signed-out browser holds is not what a signed-in person sees (and the other way round).
    assert again(client, "/", nobodys).status_code == 200
    assert again(other, "/", aminas).status_code == 200
    # Another person, with other roles and another session, has another page.
    sign_in_as(other, officer)
    assert again(other, "/", aminas).status_code == 200
    # The same person asking again has theirs.
    assert again(client, "/", aminas).status_code == 304


def test_a_waiting_message_is_shown_not_answered_304(client: FlaskClient, session: Session) -> None:
    make_round(session, slug="open-now")
    session.commit()
    _, etag = first(client, "/")
    with client.session_transaction() as flask_session:
        flask_session["_flashes"] = [("success", "You are signed out.")]

    response = again(client, "/", etag)

    assert response.status_code == 200
    assert "You are signed out." in response.get_data(as_text=True)


def test_round_page_answers_304_until_an_officer_changes_it(client: FlaskClient, session: Session) -> None:
    watford = make_neighbourhood(session, name="Central and West Watford", districts=("WD17",))
    grant_round = make_round(session, slug="spring", neighbourhoods=[watford], criteria=[{"title": "Need"}])
    make_round(session, slug="gardens")
    session.commit()
    response, etag = first(client, "/rounds/spring")
    assert response.headers["Cache-Control"] == "private, no-cache"
    assert again(client, "/rounds/spring", etag).status_code == 304
    # Each round page has its own ETag.
    assert again(client, "/rounds/gardens", etag).status_code == 200

    grant_round.criteria[0].guidance = "Say who will come, and how you will find them."
    session.commit()
    changed = again(client, "/rounds/spring", etag)
    assert changed.status_code == 200
    assert "how you will find them" in changed.get_data(as_text=True)

    etag = changed.headers["ETag"]
    watford.name = "Watford"
    session.commit()
    assert again(client, "/rounds/spring", etag).status_code == 200


def test_unknown_round_is_404_whatever_the_browser_sends(client: FlaskClient, session: Session) -> None:
    make_round(session, slug="spring")
    session.commit()
    _, etag = first(client, "/rounds/spring")
    assert again(client, "/rounds/autumn", etag).status_code == 404
