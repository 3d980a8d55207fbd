"""The eligibility checker pages: one question per page, then an immediate answer."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from portal.models.base import utcnow
from tests.factories import make_neighbourhood, make_round
from tests.fixtures.pages import page_text


@pytest.fixture
def slug(session: Session) -> str:
    # Rules that need all four questions.
    make_round(
        session,
        slug="spring",
        neighbourhoods=[make_neighbourhood(session, name="North Watford", districts=("WD24",))],
        eligibility={"kinds": ["unconstituted", "charity"], "income_bands": ["under_10k", "10k_to_50k"]},
    )
    session.commit()
    return "spring"


def answer_all(
    client: FlaskClient, slug: str, postcode: str = "wd24 4ab", purpose: tuple[str, ...] = ("activities",)
) -> None:
    base = f"/rounds/{slug}/check"
    assert client.post(f"{base}/postcode", data={"answer": postcode}).headers["Location"] == f"{base}/group"
    assert client.post(f"{base}/group", data={"answer": "unconstituted"}).headers["Location"] == f"{base}/income"
    assert client.post(f"{base}/income", data={"answer": "under_10k"}).headers["Location"] == f"{base}/purpose"
    assert client.post(f"{base}/purpose", data={"answer": list(purpose)}).headers["Location"] == f"{base}/result"


def test_a_group_that_can_apply_is_sent_to_start(client: FlaskClient, slug: str) -> None:
    assert "Check if your group can apply" in page_text(client.get(f"/rounds/{slug}/check"))
    answer_all(client, slug)
    result = client.get(f"/rounds/{slug}/check/result")
    text = page_text(result)
    assert "Your group can apply" in text
    assert "for work in North Watford" in text
    assert 'href="/rounds/spring/apply"' in result.get_data(as_text=True)
    assert "WD24 4AB" in text  # the answers, with change links


def test_a_postcode_outside_is_an_answer_not_an_error(client: FlaskClient, slug: str) -> None:
    answer_all(client, slug, postcode="M1 1AE", purpose=("activities", "building_works"))
    result = client.get(f"/rounds/{slug}/check/result")
    assert result.status_code == 200
    text = page_text(result)
    assert "Your group cannot apply to this round" in text
    assert "not in the neighbourhoods this round funds: North Watford" in text
    assert "This round does not fund: building works or major repairs" in text


@pytest.mark.parametrize(
    ("question", "data", "message"),
    [
        ("postcode", {"answer": ""}, "Enter a postcode"),
        ("postcode", {"answer": "not a postcode"}, "Enter a real postcode, like WD24 4AB"),
    ],
)
def test_questions_say_what_to_fix(
    client: FlaskClient, slug: str, question: str, data: dict[str, str], message: str
) -> None:
    response = client.post(f"/rounds/{slug}/check/{question}", data=data)
    assert response.status_code == 200
    assert message in page_text(response)


def test_choices_must_be_made(client: FlaskClient, slug: str) -> None:
    answer_all(client, slug)
    assert "Choose what kind of group it is" in page_text(client.post(f"/rounds/{slug}/check/group", data={}))
    assert "Choose your group's yearly income" in page_text(client.post(f"/rounds/{slug}/check/income", data={}))
    assert "Choose what the money is for" in page_text(client.post(f"/rounds/{slug}/check/purpose", data={}))


def test_skipping_ahead_goes_back_to_the_first_unanswered_question(client: FlaskClient, slug: str) -> None:
    assert client.get(f"/rounds/{slug}/check/income").headers["Location"] == f"/rounds/{slug}/check/postcode"
    assert client.get(f"/rounds/{slug}/check/result").headers["Location"] == f"/rounds/{slug}/check/postcode"
    client.post(f"/rounds/{slug}/check/postcode", data={"answer": "WD24 4AB"})
    assert client.get(f"/rounds/{slug}/check/result").headers["Location"] == f"/rounds/{slug}/check/group"


def test_answers_are_kept_per_round(client: FlaskClient, session: Session, slug: str) -> None:
    make_round(session, slug="autumn")
    session.commit()
    answer_all(client, slug)
    # Autumn has no neighbourhoods and funds every kind and size of group: it asks only the purpose.
    assert client.get("/rounds/autumn/check/result").headers["Location"] == "/rounds/autumn/check/purpose"
    assert 'value="WD24 4AB"' in client.get(f"/rounds/{slug}/check/postcode").get_data(as_text=True)


def test_a_round_asks_only_what_its_rules_need(client: FlaskClient, session: Session) -> None:
    make_round(session, slug="anywhere", eligibility={"income_bands": ["under_10k"]})
    session.commit()
    base = "/rounds/anywhere/check"
    # No neighbourhoods: no postcode; every kind of group: no kind.
    assert client.get(f"{base}/postcode").headers["Location"] == f"{base}/income"
    assert client.get(f"{base}/group").headers["Location"] == f"{base}/income"
    assert client.post(f"{base}/income", data={"answer": "under_10k"}).headers["Location"] == f"{base}/purpose"
    assert client.post(f"{base}/purpose", data={"answer": ["activities"]}).headers["Location"] == f"{base}/result"
    text = page_text(client.get(f"{base}/result"))
    assert "Your group can apply" in text
    assert "Postcode" not in text
    assert "Kind of group" not in text


def test_closed_and_unknown_rounds(client: FlaskClient, session: Session) -> None:
    make_round(session, slug="old", opens_at=utcnow() - timedelta(days=60), closes_at=utcnow() - timedelta(days=30))
    make_round(session, slug="soon", opens_at=utcnow() + timedelta(days=3))
    session.commit()
    assert "is not taking applications" in page_text(client.get("/rounds/old/check/postcode"))
    assert "It opens at" in page_text(client.get("/rounds/soon/check"))
    assert client.get("/rounds/nothing/check").status_code == 404
