"""The officer's panel pages: set up, invite, assign, results with moderation, time and pay."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.models.applications import ApplicationStatus
from portal.models.base import utcnow
from portal.models.funding import Round
from portal.models.outbox import OutboxMessage
from portal.models.panels import Assignment, ModeratedScore, Panel, TimeActivity, TimeEntry
from portal.models.users import Role
from tests.factories import make_application, make_organisation, make_panel, make_round, make_user
from tests.fixtures.databases import reread
from tests.fixtures.pages import page_text


@pytest.fixture
def grant_round(session: Session) -> Round:
    item = make_round(
        session,
        reviews_per_application=2,
        criteria=[{"title": "Need", "descriptors": {str(p): str(p) for p in range(1, 6)}}],
    )
    for number in (1, 2):
        application = make_application(
            session, grant_round=item, organisation=make_organisation(session), status=ApplicationStatus.WITH_PANEL
        )
        application.reference = f"AO-2026-010{number}"
    session.commit()
    return item


def test_setting_up_a_panel_inviting_and_assigning(
    signed_in: FlaskClient, session: Session, grant_round: Round
) -> None:
    assert "This round has no panel yet" in page_text(signed_in.get(f"/officer/rounds/{grant_round.id}/panels"))
    assert "Enter a name for the panel" in page_text(
        signed_in.post(f"/officer/rounds/{grant_round.id}/panels", data={})
    )
    created = signed_in.post(
        f"/officer/rounds/{grant_round.id}/panels", data={"name": "Spring panel", "reviews_due_at": "2027-01-15T17:00"}
    )
    panel = session.scalars(select(Panel)).one()
    assert created.headers["Location"] == f"/officer/panels/{panel.id}"
    assert panel.reviews_due_at is not None

    for name in ("June", "Ravi", "Tom"):
        assert (
            signed_in.post(
                f"/officer/panels/{panel.id}/invite", data={"name": name, "email": f"{name.lower()}@example.org"}
            ).status_code
            == 302
        )
    assert "already on this panel" in page_text(
        signed_in.post(f"/officer/panels/{panel.id}/invite", data={"name": "June", "email": "june@example.org"})
    )
    reread(session)
    assert session.scalar(select(func.count(OutboxMessage.id))) == 3

    done = signed_in.post(f"/officer/panels/{panel.id}/assign-automatically")
    assert done.status_code == 302
    assert "4 assignments made" in page_text(signed_in.get(done.headers["Location"]))
    reread(session)
    assert session.scalar(select(func.count(Assignment.id))) == 4


def test_removing_a_member_hands_on_their_work(signed_in: FlaskClient, session: Session, grant_round: Round) -> None:
    people = [make_user(session, roles=(Role.PANELLIST,)) for _ in range(3)]
    panel = make_panel(session, grant_round=grant_round, members=people, onboarded=True)
    session.commit()
    signed_in.post(f"/officer/panels/{panel.id}/assign-automatically")
    leaving = panel.members[0]
    assert "Remove" in page_text(signed_in.get(f"/officer/panels/{panel.id}/members/{leaving.id}/leave"))
    signed_in.post(f"/officer/panels/{panel.id}/members/{leaving.id}/leave")
    reread(session)
    assert session.scalar(select(func.count(Assignment.id)).where(Assignment.panellist_id == leaving.user_id)) == 0
    assert session.scalar(select(func.count(Assignment.id))) == 4


def test_results_and_moderation(signed_in: FlaskClient, session: Session, grant_round: Round) -> None:
    assert session.scalars(select(ModeratedScore)).first() is None
    page = page_text(signed_in.get(f"/officer/rounds/{grant_round.id}/results"))
    assert "AO-2026-0101" in page
    assert "2 of 2 reviews missing" in page

    target = grant_round_application_id(session, grant_round)
    url = f"/officer/applications/{target}/moderate"
    assert "Give the reason" in page_text(signed_in.post(url, data={"score": "3.5", "reason": ""}))
    assert "between 1 and 5" in page_text(signed_in.post(url, data={"score": "9", "reason": "Agreed"}))
    assert signed_in.post(url, data={"score": "3.5", "reason": "Agreed at the meeting"}).status_code == 302
    assert "Agreed at the meeting" in page_text(signed_in.get(f"/officer/rounds/{grant_round.id}/results"))


def grant_round_application_id(session: Session, grant_round: Round) -> int:
    from portal.models.applications import Application

    return session.scalars(
        select(Application.id).where(Application.round_id == grant_round.id).order_by(Application.id)
    ).first()  # type: ignore[return-value]


def test_time_and_pay(signed_in: FlaskClient, session: Session, grant_round: Round) -> None:
    june = make_user(session, name="June", roles=(Role.PANELLIST,))
    panel = make_panel(session, grant_round=grant_round, members=[june], onboarded=True)
    session.add(
        TimeEntry(
            panellist_id=june.id,
            panel_id=panel.id,
            activity=TimeActivity.MEETING,
            worked_on=utcnow().date(),
            minutes=120,
        )
    )
    session.commit()
    page = page_text(signed_in.get(f"/officer/panels/{panel.id}/time"))
    assert "June" in page
    assert "£27.20" in page
    csv = signed_in.get(f"/officer/panels/{panel.id}/time.csv")
    assert csv.headers["Content-Disposition"].startswith("attachment")
    assert "27.20" in csv.get_data(as_text=True)
    reread(session)
    from portal.models.audit import AuditEntry

    assert session.scalars(select(AuditEntry.action).where(AuditEntry.action == "panel time exported")).one()
    signed_in.post(f"/officer/panels/{panel.id}/time/{june.id}/paid")
    reread(session)
    assert session.scalars(select(TimeEntry)).one().paid_at is not None


def test_deciding_several_from_the_results_in_rank_order(signed_in: FlaskClient, session: Session) -> None:
    from portal.models.awards import Award
    from portal.models.panels import Review, Score

    grant_round = make_round(
        session,
        budget_pence=300_000,
        criteria=[{"title": "Need", "descriptors": {str(p): str(p) for p in range(1, 6)}}],
    )
    ids = []
    for number, score in ((1, 2), (2, 5), (3, 4)):
        application = make_application(
            session, grant_round=grant_round, organisation=make_organisation(session), status=ApplicationStatus.SCORED
        )
        application.reference, application.amount_requested_pence = f"AO-2026-030{number}", 150_000
        review = Review(application_id=application.id, panellist_id=make_user(session).id, submitted=True)
        review.scores = [Score(criterion_id=grant_round.criteria[0].id, value=score)]
        session.add(review)
        ids.append(application.id)
    session.commit()
    response = signed_in.post(
        f"/officer/rounds/{grant_round.id}/results/decide",
        data={"application": [str(i) for i in ids], "action": "approve"},
    )
    text = page_text(signed_in.get(response.headers["Location"]))
    assert "2 applications approved" in text
    assert "AO-2026-0301: There is not enough left in the budget" in text
    reread(session)
    funded = {a.reference for a in session.scalars(select(Award)).all() for a in [a.application]}
    assert funded == {"AO-2026-0302", "AO-2026-0303"}  # the two best scored, in rank order
