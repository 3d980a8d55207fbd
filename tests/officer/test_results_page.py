"""The officer's ranked results: each row links to its application; approving respects the threshold."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.models.applications import Application, ApplicationStatus
from portal.models.awards import Award, Decision
from portal.models.funding import Round
from portal.models.panels import Review, Score
from portal.models.users import Role
from tests.factories import make_application, make_organisation, make_round, make_user
from tests.fixtures.databases import reread
from tests.fixtures.pages import page_text


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
