"""The panel member's home page: their assignments and the time they have recorded."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from portal.models.applications import ApplicationStatus
from portal.models.base import utcnow
from portal.models.panels import ConflictDeclaration
from portal.models.users import Role
from tests.factories import (
    make_application,
    make_assignment,
    make_organisation,
    make_panel,
    make_review,
    make_round,
    make_time_entry,
    make_user,
)
from tests.fixtures.pages import page_text


def test_signed_out_people_are_sent_to_sign_in(client: FlaskClient) -> None:
    response = client.get("/panel/")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")


def test_applicants_cannot_see_the_panel_page(client: FlaskClient, session: Session, sign_in_as: Any) -> None:
    applicant = make_user(session)
    session.commit()
    sign_in_as(client, applicant)

    assert client.get("/panel/").status_code == 403


def test_lists_only_my_assignments_with_review_status(client: FlaskClient, session: Session, sign_in_as: Any) -> None:
    me = make_user(session, roles=(Role.PANELLIST,))
    someone_else = make_user(session, roles=(Role.PANELLIST,))
    grant_round = make_round(session, title="Community grants spring")
    panel = make_panel(session, grant_round=grant_round, reviews_due_at=utcnow() + timedelta(days=10))

    def submitted(name: str, reference: str) -> Any:
        return make_application(
            session,
            grant_round=grant_round,
            organisation=make_organisation(session, name=name),
            status=ApplicationStatus.WITH_PANEL,
            reference=reference,
        )

    not_started = submitted("Oxhey Community Choir", "AO-2026-0001")
    in_progress = submitted("Leavesden Walking Group", "AO-2026-0002")
    done = submitted("Garston Men's Shed", "AO-2026-0003")
    not_mine = submitted("Bushey Cancer Support", "AO-2026-0004")
    for application in (not_started, in_progress, done):
        make_assignment(session, application=application, panellist=me, panel=panel)
    make_assignment(session, application=not_mine, panellist=someone_else, panel=panel)
    make_review(session, application=in_progress, panellist=me)
    make_review(session, application=done, panellist=me, submitted=True)
    make_review(session, application=not_mine, panellist=someone_else, submitted=True)
    make_time_entry(session, panellist=me, panel=panel, minutes=90)
    make_time_entry(session, panellist=me, panel=panel, minutes=60)
    make_time_entry(session, panellist=someone_else, panel=panel, minutes=600)
    session.commit()
    sign_in_as(client, me)

    response = client.get("/panel/")

    assert response.status_code == 200
    text = page_text(response)
    assert "You have 2 applications to review" in text
    assert "AO-2026-0001 Oxhey Community Choir Community grants spring" in text
    assert re.search(r"AO-2026-0001 .* Not started", text)
    assert re.search(r"AO-2026-0002 Leavesden Walking Group .* In progress", text)
    assert re.search(r"AO-2026-0003 Garston Men's Shed .* Submitted", text)
    assert "AO-2026-0004" not in text
    assert "Bushey Cancer Support" not in text
    assert "You have recorded 2 hours 30 minutes of panel work" in text


def test_blind_review_hides_group_names(client: FlaskClient, session: Session, sign_in_as: Any) -> None:
    me = make_user(session, roles=(Role.PANELLIST,))
    grant_round = make_round(session, title="Community grants spring")
    grant_round.blind_review = True
    application = make_application(
        session,
        grant_round=grant_round,
        organisation=make_organisation(session, name="Oxhey Community Choir"),
        status=ApplicationStatus.WITH_PANEL,
        reference="AO-2026-0007",
    )
    make_assignment(session, application=application, panellist=me)
    session.commit()
    sign_in_as(client, me)

    response = client.get("/panel/")

    text = page_text(response)
    assert "AO-2026-0007" in text
    assert "Oxhey Community Choir" not in text
    assert "You have not recorded any time yet" in text


def test_conflicts_are_shown_as_declared(client: FlaskClient, session: Session, sign_in_as: Any) -> None:
    me = make_user(session, roles=(Role.PANELLIST,))
    grant_round = make_round(session)
    group = make_organisation(session, name="Oxhey Community Choir")
    application = make_application(
        session, grant_round=grant_round, organisation=group, status=ApplicationStatus.WITH_PANEL
    )
    make_assignment(session, application=application, panellist=me)
    session.add(ConflictDeclaration(panellist_id=me.id, organisation_id=group.id, round_id=grant_round.id))
    session.commit()
    sign_in_as(client, me)

    text = page_text(client.get("/panel/"))

    assert "Conflict declared" in text
    assert "You have finished all the reviews you have been asked to do" in text


def test_nothing_assigned_yet(client: FlaskClient, session: Session, sign_in_as: Any) -> None:
    me = make_user(session, roles=(Role.PANELLIST,))
    session.commit()
    sign_in_as(client, me)

    text = page_text(client.get("/panel/"))

    assert "You have not been given any applications to review yet" in text
