"""A group's answers written in another language are marked with it on the officer's page, so a
screen reader reads them in that language; answers in the page's own language are not marked."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from portal.models.applications import ApplicationStatus
from tests.factories import make_application, make_organisation, make_round


def test_answers_in_polish_are_marked_polish_on_an_english_page(signed_in: FlaskClient, session: Session) -> None:
    application = make_application(
        session,
        grant_round=make_round(session),
        organisation=make_organisation(session, name="Grupa Sąsiedzka"),
        status=ApplicationStatus.SUBMITTED,
    )
    application.answers = {"idea": {"title": "Spacery", "local_need": "Sąsiedzi spotykają się tylko w sklepie."}}
    application.language = "pl"
    session.commit()

    page = signed_in.get(f"/officer/applications/{application.id}").get_data(as_text=True)
    assert 'lang="pl">Sąsiedzi spotykają się tylko w sklepie.' in page

    application.language = "en"
    session.commit()
    page = signed_in.get(f"/officer/applications/{application.id}").get_data(as_text=True)
    assert 'lang="pl"' not in page.split("<main", 1)[1]
