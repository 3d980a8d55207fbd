"""The panel's results as a panellist sees them: only once every review of theirs on the panel is in,
only that panel's applications, never a conflicted group's row, and never without their say-so."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models.applications import Application, ApplicationStatus
from portal.models.audit import AuditEntry
from portal.models.funding import Round
from portal.models.panels import ConflictDeclaration, Panel, PanelMember, Score
from portal.models.users import Role, User
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

DESCRIPTORS = {str(p): f"Descriptor {p}" for p in range(1, 6)}


def scored(session: Session, grant_round: Round, reference: str, panel: Panel, by: User, value: int) -> Application:
    """An application of the round given ``value`` by ``by`` through ``panel``."""
    application = make_application(
        session,
        grant_round=grant_round,
        organisation=make_organisation(session, name=f"Group {reference}"),
        status=ApplicationStatus.WITH_PANEL,
        reference=reference,
    )
    make_assignment(session, application=application, panellist=by, panel=panel)
    review = make_review(session, application=application, panellist=by, submitted=True)
    review.scores.append(Score(criterion_id=grant_round.criteria[0].id, value=value))
    session.flush()
    return application


@pytest.fixture
def scene(session: Session) -> dict[str, Any]:
    """Two panels in a round: Ravi scored two applications on the first panel, Sam one on the second."""
    grant_round = make_round(
        session, reviews_per_application=2, criteria=[{"title": "Need", "weight": 1, "descriptors": DESCRIPTORS}]
    )
    june, ravi, sam = (make_user(session, name=n, roles=(Role.PANELLIST,)) for n in ("June", "Ravi", "Sam"))
    first = make_panel(session, grant_round=grant_round, name="First panel", members=[june, ravi], onboarded=True)
    second = make_panel(session, grant_round=grant_round, name="Second panel", members=[sam], onboarded=True)
    apps = {
        "mine": scored(session, grant_round, "AO-2026-0201", first, ravi, 4),
        "conflicted": scored(session, grant_round, "AO-2026-0202", first, ravi, 5),
        "elsewhere": scored(session, grant_round, "AO-2026-0203", second, sam, 3),
    }
    session.commit()
    return {"round": grant_round, "june": june, "ravi": ravi, "first": first, "apps": apps}


def results_of(client: FlaskClient, panel: Panel) -> str:
    return page_text(client.get(f"/panel/panels/{panel.id}/results"))


def test_a_member_with_no_assignment_sees_no_scores(
    client: FlaskClient, sign_in_as: Any, scene: dict[str, Any]
) -> None:
    sign_in_as(client, scene["june"])
    shown = results_of(client, scene["first"])
    for application in scene["apps"].values():
        assert application.reference not in shown
    assert "not reviewed any applications for this panel" in shown


def test_a_member_with_a_review_to_do_sees_no_scores(
    client: FlaskClient, session: Session, sign_in_as: Any, scene: dict[str, Any]
) -> None:
    june = scene["june"]
    make_assignment(session, application=scene["apps"]["mine"], panellist=june, panel=scene["first"])
    make_review(session, application=scene["apps"]["mine"], panellist=june)  # a draft
    session.commit()
    sign_in_as(client, june)
    shown = results_of(client, scene["first"])
    assert "AO-2026-0201" not in shown
    assert "You have 1 review still to do" in shown


def test_results_hold_only_the_panels_applications_and_never_a_conflicted_groups(
    client: FlaskClient, session: Session, sign_in_as: Any, scene: dict[str, Any]
) -> None:
    ravi, conflicted = scene["ravi"], scene["apps"]["conflicted"]
    # Declared in another round: the programme's register holds in every round.
    session.add(
        ConflictDeclaration(panellist_id=ravi.id, organisation_id=conflicted.organisation_id, declared_by_id=ravi.id)
    )
    session.commit()
    sign_in_as(client, ravi)
    url = f"/panel/panels/{scene['first'].id}/results"
    client.post(url)
    shown = results_of(client, scene["first"])
    assert "AO-2026-0201" in shown
    assert "AO-2026-0202" not in shown  # a group they have a conflict with
    assert "AO-2026-0203" not in shown  # another panel's application
    assert "Ravi" not in shown


def test_seeing_the_results_is_asked_for_and_recorded_once(
    client: FlaskClient, session: Session, sign_in_as: Any, scene: dict[str, Any]
) -> None:
    ravi, panel = scene["ravi"], scene["first"]
    sign_in_as(client, ravi)
    url = f"/panel/panels/{panel.id}/results"
    first_look = results_of(client, panel)
    assert "Before you see the panel" in first_look
    assert "AO-2026-0201" not in first_look
    member = session.scalars(select(PanelMember).where(PanelMember.user_id == ravi.id)).one()
    assert member.results_seen_at is None  # opening the page changes nothing
    assert client.post(url).headers["Location"] == url
    assert client.post(url).status_code == 302
    reread(session)
    assert session.get(PanelMember, member.id).results_seen_at is not None  # type: ignore[union-attr]
    seen = session.scalars(select(AuditEntry).where(AuditEntry.action == "panel results seen")).all()
    assert len(seen) == 1
    assert "AO-2026-0201" in results_of(client, panel)
