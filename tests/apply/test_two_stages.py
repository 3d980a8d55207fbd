"""A group in a two-stage round: a short form first, sent as an expression of interest; the full form once
invited, with the earlier answers kept."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from portal.models.applications import Application, ApplicationStatus
from portal.models.users import User
from portal.services.applications import lifecycle, shortlist
from portal.storage import get_storage
from tests.apply.filling import fill_application
from tests.factories import make_organisation, make_user
from tests.fixtures.databases import reread
from tests.fixtures.pages import page_text
from tests.services.rounds.test_stages import two_stage_round


def start(session: Session, member: User) -> Application:
    officer = make_user(session, name="Priya Officer")
    grant_round = two_stage_round(session, officer)
    group = make_organisation(session, name="Holywell Walkers", members=(member,))
    application = lifecycle.start_application(session, grant_round, group, by=member)
    session.commit()
    return application


def test_the_group_sends_a_short_expression_of_interest(signed_in: FlaskClient, session: Session, member: User) -> None:
    application = start(session, member)
    tasks = page_text(signed_in.get(f"/applications/{application.id}"))
    assert "Your expression of interest" in tasks
    assert "You have completed 0 of 3 sections" in tasks
    assert "Budget" not in tasks
    assert "Documents and photos" not in tasks

    # A page of the full form is not open yet: back to the task list, saying why.
    later = signed_in.get(f"/applications/{application.id}/budget")
    assert later.headers["Location"] == f"/applications/{application.id}"
    assert "opens if we invite you" in page_text(signed_in.get(later.headers["Location"]))

    fill_application(session, get_storage(), application)
    session.commit()
    check = page_text(signed_in.get(f"/applications/{application.id}/check-your-answers"))
    assert "Now send your expression of interest" in check
    assert "Budget" not in check
    sent = signed_in.post(f"/applications/{application.id}/check-your-answers", data={})
    assert sent.headers["Location"] == f"/applications/{application.id}/sent"
    assert "Expression of interest sent" in page_text(signed_in.get(sent.headers["Location"]))
    reread(session)
    assert application.status is ApplicationStatus.EOI_SUBMITTED

    status = page_text(signed_in.get(f"/applications/{application.id}/status"))
    assert "Expression of interest" in status
    assert "You sent your expression of interest" in status
    assert "choose a shortlist" in status


def test_once_invited_the_full_form_opens_with_the_answers_kept(
    signed_in: FlaskClient, session: Session, member: User
) -> None:
    application = start(session, member)
    fill_application(session, get_storage(), application)
    lifecycle.submit_application(session, application, by=member)
    shortlist.invite(session, application, by=make_user(session, name="Sam Officer"))
    session.commit()

    tasks = page_text(signed_in.get(f"/applications/{application.id}"))
    assert "We have invited you to send a full application" in tasks
    assert "Budget" in tasks
    assert "Documents and photos" in tasks
    assert "About your group Completed" in tasks
    assert signed_in.get(f"/applications/{application.id}/budget").status_code == 200
    assert "Now send your application" in page_text(signed_in.get(f"/applications/{application.id}/check-your-answers"))
