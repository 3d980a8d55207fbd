"""Officers set a round's stages on its own page, then invite or do not shortlist each expression of interest
from the application's page."""

from __future__ import annotations

from datetime import timedelta

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from portal.formatting import uk_time
from portal.models.applications import Application, ApplicationStatus
from portal.models.users import User
from portal.services.applications import lifecycle
from portal.storage import get_storage
from tests.apply.filling import fill_application
from tests.factories import add_own_questions, make_organisation, make_round
from tests.fixtures.databases import reread
from tests.fixtures.pages import page_text
from tests.services.rounds.test_stages import two_stage_round


def test_officers_turn_two_stages_on_from_the_rounds_page(signed_in: FlaskClient, session: Session) -> None:
    grant_round = make_round(session, title="Spring grants")
    add_own_questions(session, grant_round, [{"key": "q1", "question": "Partners?"}], key="s1", title="Partners")
    session.commit()
    round_page = page_text(signed_in.get(f"/officer/rounds/{grant_round.id}/edit"))
    assert "one (groups send a full application)" in round_page

    address = f"/officer/rounds/{grant_round.id}/stages"
    assert "One stage or two" in page_text(signed_in.get(address))
    refused = signed_in.post(address, data={"two_stages": "y", "sections": ["s1"]})
    assert refused.status_code == 400
    assert "Enter when full applications close" in page_text(refused)

    closes = uk_time(grant_round.closes_at + timedelta(weeks=6)).strftime("%Y-%m-%dT%H:%M")
    saved = signed_in.post(address, data={"two_stages": "y", "sections": ["s1"], "full_applications_close_at": closes})
    assert saved.headers["Location"] == f"/officer/rounds/{grant_round.id}/edit"
    reread(session)
    assert grant_round.two_stages
    assert [s.at_expression_of_interest for s in grant_round.question_sections] == [True]
    assert "two (an expression of interest" in page_text(signed_in.get(saved.headers["Location"]))


def sent_eoi(session: Session, officer: User, member: User) -> Application:
    grant_round = two_stage_round(session, officer)
    group = make_organisation(session, name="Holywell Walkers", members=(member,))
    application = lifecycle.start_application(session, grant_round, group, by=member)
    fill_application(session, get_storage(), application)
    lifecycle.submit_application(session, application, by=member)
    session.commit()
    return application


def test_an_officer_invites_a_group_to_apply_in_full(
    signed_in: FlaskClient, session: Session, officer: User, member: User
) -> None:
    application = sent_eoi(session, officer, member)
    page = page_text(signed_in.get(f"/officer/applications/{application.id}"))
    assert "Expression of interest" in page
    assert "Invite to send a full application" in page
    assert "Not shortlisted" in page

    done = signed_in.post(f"/officer/applications/{application.id}/invite", follow_redirects=True)
    assert "Invited: the group has been emailed" in page_text(done)
    again = signed_in.post(f"/officer/applications/{application.id}/invite", follow_redirects=True)
    assert "already been dealt with" in page_text(again)
    reread(session)
    assert application.status is ApplicationStatus.DRAFT
    assert application.invited_at is not None


def test_an_officer_does_not_shortlist_a_group(
    signed_in: FlaskClient, session: Session, officer: User, member: User
) -> None:
    application = sent_eoi(session, officer, member)
    done = signed_in.post(
        f"/officer/applications/{application.id}/decline", data={"reasons": ["budget"]}, follow_redirects=True
    )
    assert "Not shortlisted. The group has been told." in page_text(done)
    reread(session)
    assert application.status is ApplicationStatus.DECLINED
