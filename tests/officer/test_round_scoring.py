"""The Scoring page: a round's scale and criteria, saved together; locked once scoring starts."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from portal.models.applications import ApplicationStatus
from portal.models.panels import Review, Score
from tests.factories import make_application, make_organisation, make_round, make_user
from tests.fixtures.databases import reread
from tests.fixtures.pages import error_summary_problems, page_text


def posted(low: int, high: int, **changes: str) -> dict[str, str]:
    boxes = {f"criterion-0-points-{n}": f"Point {low + n}" for n in range(high - low + 1)}
    return (
        {"low": str(low), "high": str(high), "criterion-0-title": "Need", "criterion-0-weight": "2"} | boxes | changes
    )


def test_choosing_a_scale_and_describing_its_points(signed_in: FlaskClient, session: Session) -> None:
    grant_round = make_round(session)
    session.commit()
    page = page_text(signed_in.get(f"/officer/rounds/{grant_round.id}/scoring?low=0&high=3"))
    assert "What a score of 0 means" in page
    assert "What a score of 3 means" in page
    assert "What a score of 4 means" not in page
    # A scale that cannot be is not shown: the round's own is.
    assert "What a score of 5 means" in page_text(
        signed_in.get(f"/officer/rounds/{grant_round.id}/scoring?low=4&high=2")
    )

    response = signed_in.post(f"/officer/rounds/{grant_round.id}/scoring", data=posted(0, 3))
    assert response.status_code == 302
    reread(session)
    assert (grant_round.scale_low, grant_round.scale_high) == (0, 3)
    assert grant_round.criteria[0].descriptors == {str(p): f"Point {p}" for p in range(4)}
    assert grant_round.criteria[0].weight == 2


def test_a_missing_descriptor_is_shown_at_its_box(signed_in: FlaskClient, session: Session) -> None:
    grant_round = make_round(session)
    session.commit()
    response = signed_in.post(
        f"/officer/rounds/{grant_round.id}/scoring", data=posted(1, 10, **{"criterion-0-points-4": ""})
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert error_summary_problems(html) == []
    assert 'href="#criterion-0-points-4"' in html
    assert "Describe every score point (1 to 10) for Need" in html
    # What was typed stays.
    assert 'value="Point 10"' in html
    reread(session)
    assert grant_round.criteria == []


def test_locked_once_scoring_started(signed_in: FlaskClient, session: Session) -> None:
    grant_round = make_round(
        session, criteria=[{"title": "Need", "descriptors": {str(p): str(p) for p in range(1, 6)}}]
    )
    application = make_application(
        session, grant_round=grant_round, organisation=make_organisation(session), status=ApplicationStatus.WITH_PANEL
    )
    review = Review(application_id=application.id, panellist_id=make_user(session).id)
    review.scores = [Score(criterion_id=grant_round.criteria[0].id, value=3)]
    session.add(review)
    session.commit()
    assert "can no longer change" in page_text(signed_in.get(f"/officer/rounds/{grant_round.id}/scoring"))
    refused = signed_in.post(f"/officer/rounds/{grant_round.id}/scoring", data=posted(0, 3))
    assert refused.status_code == 400
    assert "started scoring" in page_text(refused)
    reread(session)
    assert (grant_round.scale_low, grant_round.scale_high) == (1, 5)
