"""The officer's ranked results: each row links to its application; approving respects the threshold."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.models.applications import Application, ApplicationStatus
from portal.models.awards import Award, Decision
from portal.models.funding import Round
from portal.models.panels import Review, Score
from portal.models.users import Role
from portal.services.panels import results
from tests.factories import make_application, make_organisation, make_round, make_user
from tests.fixtures.databases import reread
from tests.fixtures.pages import link_to, page_text


def scored(session: Session, grant_round: Round, number: int, amount: int, score: int) -> Application:
    application = make_application(
        session,
        grant_round=grant_round,
        organisation=make_organisation(session),
        status=ApplicationStatus.SCORED,
        reference=f"AO-2026-040{number}",
        amount_requested_pence=amount,
    )
    review = Review(application_id=application.id, panellist_id=make_user(session).id, submitted=True)
    review.scores = [Score(criterion_id=grant_round.criteria[0].id, value=score)]
    session.add(review)
    return application


def test_approving_the_chosen_sends_those_above_the_threshold_to_a_second_officer(
    client: FlaskClient, session: Session, sign_in_as: Any
) -> None:
    grant_round = make_round(
        session,
        budget_pence=1_000_000,
        second_approval_above_pence=300_000,
        criteria=[{"title": "Need", "descriptors": {str(p): str(p) for p in range(1, 6)}}],
    )
    big = scored(session, grant_round, 1, 400_000, 5)
    small = scored(session, grant_round, 2, 200_000, 4)
    larger = scored(session, grant_round, 3, 350_000, 3)
    officer = make_user(session, roles=(Role.OFFICER,))
    session.commit()
    sign_in_as(client, officer)
    url = f"/officer/rounds/{grant_round.id}/results"

    html = client.get(url).get_data(as_text=True)
    for application in (big, small, larger):
        assert f'<a href="/officer/applications/{application.id}">{application.reference}: ' in html
    assert "Awards above £3,000 (this round's second-officer threshold) are not offered yet" in page_text(
        client.get(url)
    )

    response = client.post(
        f"{url}/decide", data={"application": [str(a.id) for a in (big, small, larger)], "action": "approve"}
    )
    text = page_text(client.get(response.headers["Location"]))
    assert "3 applications approved: 1 offered; 2 wait for a second officer: AO-2026-0401, AO-2026-0403." in text
    reread(session)
    assert session.scalars(select(Award.application_id)).all() == [small.id]
    assert session.scalar(select(func.count(Decision.id))) == 3
    assert session.get(Round, grant_round.id).committed_pence == 950_000  # type: ignore[union-attr]


def test_without_a_threshold_the_page_says_every_approval_is_offered(
    client: FlaskClient, session: Session, sign_in_as: Any
) -> None:
    grant_round = make_round(session, criteria=[{"title": "Need", "descriptors": {"1": "1", "2": "2"}}])
    scored(session, grant_round, 1, 100_000, 2)
    officer = make_user(session, roles=(Role.OFFICER,))
    session.commit()
    sign_in_as(client, officer)
    text = page_text(client.get(f"/officer/rounds/{grant_round.id}/results"))
    assert "This round has no second-officer threshold, so each approval is offered to the group at once." in text


def test_the_results_page_by_page_each_with_the_budget_and_the_funding_line(
    client: FlaskClient, session: Session, sign_in_as: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(results, "PER_PAGE", 2)
    grant_round = make_round(
        session,
        budget_pence=1_000_000,
        criteria=[{"title": "Need", "descriptors": {str(p): str(p) for p in range(1, 6)}}],
    )
    grant_round.committed_pence = 700_000
    for number, score in enumerate((5, 4, 3, 2, 1), start=1):
        scored(session, grant_round, number, 100_000, score)
    officer = make_user(session, roles=(Role.OFFICER,))
    session.commit()
    sign_in_as(client, officer)
    url = f"/officer/rounds/{grant_round.id}/results"

    first = client.get(url)
    second = client.get(link_to(first, "next") or "")
    text = page_text(second)
    assert "Showing ranks 3 to 4" in text
    assert ("AO-2026-0403" in text, "AO-2026-0402" in text) == (True, False)
    # The budget and where the money runs out, on the second page as on the first.
    for page in (page_text(first), text):
        assert "Budget £10,000 Committed £7,000 Left to award £3,000" in page
        assert "covers the top 3 ranked, down to AO-2026-0403" in page
        assert "runs out after rank 3" in page
    assert "Showing ranks 1 to 2" in page_text(client.get(link_to(second, "prev") or ""))
    assert link_to(client.get(link_to(second, "next") or ""), "next") is None
    # A bookmark with a page number, or a spoilt link, shows the top of the ranking.
    assert "Showing ranks 1 to 2" in page_text(client.get(url + "?page=2"))
    assert "Showing ranks 1 to 2" in page_text(client.get(url + "?after=%%%"))
