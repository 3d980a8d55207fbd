"""The applicant's dashboard: their groups' applications and the open rounds."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from portal.models.applications import ApplicationStatus
from portal.models.awards import AwardStatus
from portal.models.base import utcnow
from portal.models.events import Event, EventAudience, EventStatus
from tests.factories import make_application, make_award, make_funded_group, make_organisation, make_round, make_user
from tests.fixtures.pages import page_text


def test_signed_out_people_are_sent_to_sign_in(client: FlaskClient) -> None:
    response = client.get("/dashboard")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")


def test_someone_with_no_group_is_told_how_to_start(client: FlaskClient, session: Session, sign_in_as: Any) -> None:
    person = make_user(session)
    make_round(session, slug="spring", title="Community grants spring")
    make_round(
        session,
        slug="old",
        title="Community grants last year",
        opens_at=utcnow() - timedelta(days=400),
        closes_at=utcnow() - timedelta(days=300),
    )
    session.commit()
    sign_in_as(client, person)

    response = client.get("/dashboard")

    assert response.status_code == 200
    text = page_text(response)
    assert "You have not started an application yet" in text
    assert "Community grants spring" in text
    assert "Community grants last year" not in text
    assert 'href="/rounds/spring"' in response.get_data(as_text=True)


def test_shows_each_groups_applications_and_awards(client: FlaskClient, session: Session, sign_in_as: Any) -> None:
    person = make_user(session)
    other_person = make_user(session)
    choir = make_organisation(session, name="Oxhey Community Choir", members=(person,))
    walkers = make_organisation(session, name="Leavesden Walking Group", members=(person, other_person))
    strangers = make_organisation(session, name="Someone Else's Group", members=(other_person,))
    spring = make_round(session, slug="spring", title="Community grants spring")
    autumn = make_round(session, slug="autumn", title="Community grants autumn")
    make_application(session, grant_round=spring, organisation=choir, amount_requested_pence=320_000)
    funded = make_application(
        session,
        grant_round=autumn,
        organisation=walkers,
        status=ApplicationStatus.APPROVED,
        reference="AO-2026-0042",
        amount_requested_pence=500_000,
    )
    make_award(session, application=funded, amount_pence=450_000, status=AwardStatus.ACCEPTED)
    make_application(session, grant_round=spring, organisation=walkers, status=ApplicationStatus.SUBMITTED)
    make_application(
        session,
        grant_round=spring,
        organisation=strangers,
        reference="AO-2026-0099",
        status=ApplicationStatus.SUBMITTED,
    )
    session.commit()
    sign_in_as(client, person)

    response = client.get("/dashboard")

    assert response.status_code == 200
    text = page_text(response)
    assert "Oxhey Community Choir" in text
    assert "Leavesden Walking Group" in text
    assert "Draft" in text
    assert "£3,200" in text
    assert "AO-2026-0042" in text
    assert "Approved" in text
    assert "£4,500 (accepted)" in text
    # Another group's application is never shown.
    assert "Someone Else" not in text
    assert "AO-2026-0099" not in text
    assert "Submitted" in text
    # Both groups have applied to spring, so it is not offered again; the choir can still apply to autumn.
    body = response.get_data(as_text=True)
    assert "Open for applications" in text
    assert 'href="/rounds/autumn"' in body
    assert 'href="/rounds/spring"' not in body


def test_a_group_with_no_applications_yet(client: FlaskClient, session: Session, sign_in_as: Any) -> None:
    person = make_user(session)
    make_organisation(session, name="Garston Men's Shed", members=(person,))
    session.commit()
    sign_in_as(client, person)

    text = page_text(client.get("/dashboard"))

    assert "Garston Men's Shed has not started an application yet" in text
    assert "No rounds are open for applications at the moment" not in text
    assert "There are no other rounds open for applications at the moment" in text


def test_each_application_says_what_to_do_next(client: FlaskClient, session: Session, sign_in_as: Any) -> None:
    person = make_user(session)
    choir = make_organisation(session, name="Oxhey Community Choir", members=(person,))
    draft = make_application(session, grant_round=make_round(session), organisation=choir)
    offered = make_application(
        session, grant_round=make_round(session), organisation=choir, status=ApplicationStatus.APPROVED
    )
    award = make_award(session, application=offered, status=AwardStatus.OFFERED)
    asked = make_application(
        session, grant_round=make_round(session), organisation=choir, status=ApplicationStatus.MORE_INFO
    )
    session.commit()
    sign_in_as(client, person)

    body = client.get("/dashboard").get_data(as_text=True)

    assert f'<a href="/applications/{draft.id}">Finish and send your application</a>' in body
    assert f'<a href="/awards/{award.id}">Accept your grant</a>' in body
    assert f'<a href="/applications/{asked.id}/status">Answer our question</a>' in body


def test_upcoming_peer_learning_events_are_listed(client: FlaskClient, session: Session, sign_in_as: Any) -> None:
    person = make_user(session)
    make_funded_group(session, members=(person,))
    now = utcnow()
    for title, status, start in [
        ("Writing a safeguarding policy", EventStatus.PUBLISHED, now + timedelta(days=7)),
        ("Still being planned", EventStatus.DRAFT, now + timedelta(days=8)),
        ("Last month's meet-up", EventStatus.PUBLISHED, now - timedelta(days=30)),
    ]:
        session.add(
            Event(
                title=title,
                starts_at=start,
                ends_at=start + timedelta(hours=2),
                capacity=20,
                audience=EventAudience.FUNDED_GROUPS,
                status=status,
            )
        )
    session.commit()
    sign_in_as(client, person)

    response = client.get("/dashboard")
    text = page_text(response)

    assert re.search(r"<title>Your applications \W Anchor Offer grants</title>", response.get_data(as_text=True))
    assert "Writing a safeguarding policy" in text
    assert "Still being planned" not in text
    assert "Last month's meet-up" not in text
