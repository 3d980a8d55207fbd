"""The Decline reasons page, and the decline form offering the round's own reasons."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from portal.models.applications import ApplicationStatus
from tests.factories import make_application, make_organisation, make_round
from tests.fixtures.databases import reread
from tests.fixtures.pages import page_text


def test_officers_add_reword_retire_and_move_reasons(signed_in: FlaskClient, session: Session) -> None:
    grant_round = make_round(session)
    session.commit()
    address = f"/officer/rounds/{grant_round.id}/decline-reasons"
    assert "The plan or budget was not clear enough" in signed_in.get(address).get_data(as_text=True)

    assert signed_in.post(address, data={"words": "Apply to the youth fund instead"}).status_code == 302
    refused = signed_in.post(address, data={"words": ""})
    assert refused.status_code == 400
    assert "Enter the reason as the group will read it" in page_text(refused)

    reread(session)
    plan, added = grant_round.decline_reasons[3], grant_round.decline_reasons[5]
    signed_in.post(f"{address}/{plan.id}", data={f"reason-{plan.id}-action": "retire", f"reason-{plan.id}-words": ""})
    signed_in.post(
        f"{address}/{added.id}",
        data={f"reason-{added.id}-action": "reword", f"reason-{added.id}-words": "Try the youth fund"},
    )
    signed_in.post(f"{address}/{added.id}", data={f"reason-{added.id}-action": "up"})
    reread(session)
    assert [(r.code, r.retired) for r in grant_round.decline_reasons if not r.retired][-2:] == [
        (added.code, False),
        ("already_funded", False),
    ]
    assert plan.retired is True
    assert added.words == "Try the youth fund"

    application = make_application(
        session, grant_round=grant_round, organisation=make_organisation(session), status=ApplicationStatus.SCORED
    )
    session.commit()
    page = page_text(signed_in.get(f"/officer/applications/{application.id}"))
    assert "Try the youth fund" in page
    assert "The plan or budget was not clear enough" not in page
    other = make_round(session)
    session.commit()
    assert "Try the youth fund" not in signed_in.get(f"/officer/rounds/{other.id}/decline-reasons").get_data(
        as_text=True
    )
