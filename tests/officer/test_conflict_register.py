"""The conflict register page: open and ended entries, adding one (which passes work on) and ending one."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models.applications import ApplicationStatus
from portal.models.panels import Assignment, ConflictDeclaration
from portal.models.users import Role
from tests.factories import (
    make_application,
    make_assignment,
    make_organisation,
    make_panel,
    make_review,
    make_round,
    make_user,
)
from tests.fixtures.databases import reread
from tests.fixtures.pages import page_text


def test_adding_an_entry_passes_the_work_on_and_says_so(signed_in: FlaskClient, session: Session) -> None:
    grant_round = make_round(session, reviews_per_application=1)
    june, ravi = (make_user(session, name=n, roles=(Role.PANELLIST,)) for n in ("June", "Ravi"))
    panel = make_panel(session, grant_round=grant_round, members=[june, ravi], onboarded=True)
    group = make_organisation(session, name="Leavesden Men's Shed")
    application = make_application(
        session,
        grant_round=grant_round,
        organisation=group,
        status=ApplicationStatus.WITH_PANEL,
        reference="AO-2026-0300",
    )
    make_assignment(session, application=application, panellist=june, panel=panel)
    make_review(session, application=application, panellist=june)
    session.commit()
    assert "Conflict register" in page_text(signed_in.get("/officer/"))
    assert "/officer/conflict-register" in signed_in.get(f"/officer/panels/{panel.id}").get_data(as_text=True)

    empty = signed_in.post("/officer/conflict-register", data={})
    for message in ("Choose the panel member", "Choose the group", "Give the reason for the conflict of interest"):
        assert message in page_text(empty)
    added = signed_in.post(
        "/officer/conflict-register",
        data={"panellist": str(june.id), "organisation": str(group.id), "reason": "Her husband chairs it"},
    )

    assert added.headers["Location"] == "/officer/conflict-register"
    page = page_text(signed_in.get("/officer/conflict-register"))
    assert "AO-2026-0300 was taken from them and given to Ravi" in page
    assert "Her husband chairs it" in page
    assert "Priya Officer" in page
    reread(session)
    assert session.scalars(select(Assignment.panellist_id)).all() == [ravi.id]
    again = signed_in.post(
        "/officer/conflict-register",
        data={"panellist": str(june.id), "organisation": str(group.id), "reason": "Twice"},
    )
    assert again.status_code == 409
    assert "already holds an open conflict" in page_text(again)


def test_ending_an_entry_needs_a_reason_and_keeps_it(signed_in: FlaskClient, session: Session) -> None:
    june = make_user(session, name="June", roles=(Role.PANELLIST,))
    group = make_organisation(session, name="Oxhey Pantry")
    entry = ConflictDeclaration(panellist_id=june.id, organisation_id=group.id, nature="Volunteers there")
    session.add(entry)
    session.commit()
    url = f"/officer/conflict-register/{entry.id}/end"
    assert "End the conflict of interest between June and Oxhey Pantry?" in page_text(signed_in.get(url))
    assert "Give the reason for ending" in page_text(signed_in.post(url, data={}))

    assert signed_in.post(url, data={"reason": "Stopped volunteering in 2025"}).status_code == 302

    page = page_text(signed_in.get("/officer/conflict-register"))
    assert "There are no open conflicts of interest" in page
    assert "Stopped volunteering in 2025" in page
    assert signed_in.get(url).status_code == 404  # already ended
