"""Setting up and changing rounds."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models.audit import AuditEntry
from portal.models.funding import Round
from portal.services.rounds.decline_reasons import DEFAULT_DECLINE_REASONS
from tests.factories import make_fund, make_round
from tests.fixtures.databases import reread
from tests.fixtures.pages import error_summary_problems, form_values, page_text

# The id of the fund every test here chooses (made by the fixture below).
FUND: dict[str, str] = {}


@pytest.fixture(autouse=True)
def small_grants_fund(session: Session) -> None:
    FUND["id"] = str(make_fund(session, name="Anchor Offer small grants").id)
    session.commit()


def filled(**changes: object) -> dict[str, object]:
    form: dict[str, object] = {
        "fund_id": FUND["id"],
        "title": "Spring grants 2027",
        "opens_at": "2027-03-01T09:00",
        "closes_at": "2027-04-30T17:00",
        "decisions_by": "2027-06-30",
        "budget": "50,000",
        "min_award": "500",
        "max_award": "5000",
        "reviews": "3",
        "hourly_rate": "13.60",
        "second_approval_above": "3000",
        "guidance-idea": "Tell us in your own words.",
        "words-idea": "250",
    }
    return form | changes


def test_setting_up_a_round(signed_in: FlaskClient, session: Session) -> None:
    session.commit()
    assert "Set up a round" in page_text(signed_in.get("/officer/rounds/new"))
    response = signed_in.post("/officer/rounds/new", data=filled())
    assert response.status_code == 302
    grant_round = session.scalars(select(Round)).one()
    # The new round's page lists what is still to set up on pages of their own.
    assert response.headers["Location"] == f"/officer/rounds/{grant_round.id}/edit"
    page = page_text(signed_in.get(response.headers["Location"]))
    assert "Now set up the rest of it" in page
    assert "Funders for this round" in page
    assert grant_round.slug == "spring-grants-2027"
    assert (grant_round.budget_pence, grant_round.max_award_pence, grant_round.second_approval_above_pence) == (
        5_000_000,
        500_000,
        300_000,
    )
    assert grant_round.opens_at.hour == 9  # 1 March: UK time is GMT
    assert grant_round.closes_at.hour == 16  # 30 April: 5pm British Summer Time
    assert grant_round.questions["sections"]["idea"] == {"guidance": "Tell us in your own words.", "word_limit": 250}
    assert "extra" not in grant_round.questions  # the round's own questions are made in the question builder
    # The scale and criteria are set on the Scoring page; decline reasons start with the defaults.
    assert (grant_round.scale_low, grant_round.scale_high, grant_round.criteria) == (1, 5, [])
    assert [r.code for r in grant_round.decline_reasons] == list(DEFAULT_DECLINE_REASONS)
    assert grant_round.neighbourhoods == []
    assert session.scalars(select(AuditEntry.action)).all() == ["round created"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": ""}, "Enter the round's title"),
        ({"title": "Spring\r\nBcc: someone@example.org", "slug": "spring"}, "Enter the round's title on one line"),
        ({"closes_at": "2027-02-01T09:00"}, "The round must close after it opens"),
        ({"max_award": "100"}, "The largest award must be at least the smallest"),
        ({"budget": "lots"}, "Enter the total budget in pounds"),
        ({"slug": "Not OK!"}, "lower-case letters, numbers and hyphens"),
    ],
)
def test_problems_are_explained(
    signed_in: FlaskClient, session: Session, changes: dict[str, str], message: str
) -> None:
    response = signed_in.post("/officer/rounds/new", data=filled(**changes))
    assert response.status_code == 200
    assert message in page_text(response)
    assert session.scalar(select(Round.id)) is None
    # Each problem is linked to, and shown at, its field; what was typed stays in the boxes.
    body = response.get_data(as_text=True)
    assert error_summary_problems(body) == []
    for name, typed in changes.items():
        assert f'name="{name}" type="text" value="{typed}"' in body or name.startswith("closes") or not typed


def test_a_refused_save_keeps_what_was_typed(signed_in: FlaskClient, session: Session) -> None:
    grant_round = make_round(
        session,
        criteria=[{"title": "Need", "descriptors": {str(p): str(p) for p in range(1, 6)}}],
        questions={"extra": [{"key": "q1", "question": "Who?"}]},
    )
    session.commit()
    url = f"/officer/rounds/{grant_round.id}/edit"
    fields = form_values(signed_in.get(url), with_field="title")
    response = signed_in.post(url, data=fields | {"budget": ["lots"]})

    assert "Enter the total budget in pounds" in page_text(response)
    assert form_values(response, with_field="title")["budget"] == ["lots"]
    # The round's own questions are untouched by the round form.
    reread(session)
    assert [q.key for q in grant_round.question_sections[0].questions] == ["q1"]


def test_changing_a_round_keeps_its_criteria(signed_in: FlaskClient, session: Session) -> None:
    grant_round = make_round(
        session, criteria=[{"title": "Need", "descriptors": {str(p): str(p) for p in range(1, 6)}}]
    )
    session.commit()
    page = signed_in.get(f"/officer/rounds/{grant_round.id}/edit").get_data(as_text=True)
    assert f'value="{grant_round.title}"' in page
    signed_in.post(
        f"/officer/rounds/{grant_round.id}/edit",
        data=filled(title="Renamed", slug=grant_round.slug, fund_id=str(grant_round.fund_id)),
    )
    reread(session)
    assert grant_round.title == "Renamed"
    assert [c.title for c in grant_round.criteria] == ["Need"]


def test_a_round_needs_a_fund_chosen_from_the_list(signed_in: FlaskClient, session: Session) -> None:
    page = signed_in.get("/officer/rounds/new")
    assert "Anchor Offer small grants" in page_text(page)
    response = signed_in.post("/officer/rounds/new", data=filled(fund_id=""))
    assert response.status_code == 200
    assert "Choose the fund the round's money comes from" in page_text(response)
    assert error_summary_problems(response.get_data(as_text=True)) == []
    response = signed_in.post("/officer/rounds/new", data=filled(fund_id="999999"))
    assert "Choose the fund the round's money comes from" in page_text(response)
    assert session.scalars(select(Round)).first() is None


def test_a_round_with_funders_keeps_its_fund(signed_in: FlaskClient, session: Session) -> None:
    grant_round = make_round(session)  # its fund's funder puts in the budget
    session.commit()
    response = signed_in.post(
        f"/officer/rounds/{grant_round.id}/edit", data=filled(title="Moved", slug=grant_round.slug)
    )
    assert response.status_code == 409
    assert "Take them off “Funders for this round” before changing the fund" in page_text(response)
    reread(session)
    assert grant_round.title != "Moved"
