"""The panellist's pages: onboarding first, the conflict question, a review without contact details, results."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models.applications import Application, ApplicationStatus, EvidenceKind
from portal.models.audit import AuditAction, AuditEntry
from portal.models.panels import Assignment, ConflictDeclaration, Panel, PanelMember, Review
from portal.models.users import Role, User
from portal.services import audit
from portal.services.panels import scoring
from portal.services.panels.scoring import CriterionAnswer
from portal.storage import get_storage
from tests.factories import (
    make_application,
    make_assignment,
    make_evidence,
    make_organisation,
    make_panel,
    make_review,
    make_round,
    make_user,
)
from tests.fixtures.databases import reread
from tests.fixtures.pages import error_summary_problems, form_values, page_text
from tests.storage.sample_files import make_jpeg

DESCRIPTORS = {str(p): f"Descriptor {p}" for p in range(1, 6)}


@pytest.fixture
def june(session: Session) -> User:
    person = make_user(session, name="June", roles=(Role.PANELLIST,))
    session.commit()
    return person


@pytest.fixture
def setup(session: Session, june: User) -> tuple[Panel, Application]:
    grant_round = make_round(
        session,
        reviews_per_application=2,
        criteria=[{"title": "Local need", "guidance": "Is it needed here?", "weight": 1, "descriptors": DESCRIPTORS}],
    )
    panel = make_panel(session, grant_round=grant_round, members=[june])
    group = make_organisation(session, name="Secret Walkers")
    group.contact_email, group.contact_phone, group.address = "boss@walkers.example", "07700 900999", "7 Hidden Lane"
    application = make_application(
        session, grant_round=grant_round, organisation=group, status=ApplicationStatus.WITH_PANEL
    )
    application.reference, application.title = "AO-2026-0100", "Walks for all"
    application.answers = {
        "idea": {"title": "Walks for all", "activities": "Weekly walks"},
        "declarations": {"name": "Signer Person"},
    }
    make_assignment(session, application=application, panellist=june, panel=panel)
    session.commit()
    return panel, application


@pytest.fixture
def signed_in_user(june: User) -> User:
    return june


def make_panel_member(session: Session, panel: Panel, user: User) -> None:
    panel.members.append(PanelMember(user=user, onboarded_at=panel.round.opens_at))
    session.commit()


def onboard(client: FlaskClient, panel: Panel) -> None:
    assert client.post(f"/panel/panels/{panel.id}/welcome", data={"paid": "yes", "accepted": "y"}).status_code == 302


def test_onboarding_comes_before_any_application(signed_in: FlaskClient, setup: tuple[Panel, Application]) -> None:
    panel, application = setup
    assert "Read the panel guide" in page_text(signed_in.get("/panel/"))
    assert (
        signed_in.get(f"/panel/applications/{application.id}").headers["Location"]
        == f"/panel/panels/{panel.id}/welcome"
    )
    guide = page_text(signed_in.get(f"/panel/panels/{panel.id}/welcome"))
    assert "Local need" in guide
    assert "Descriptor 5" in guide
    assert "Conflicts of interest" in guide
    refused = signed_in.post(f"/panel/panels/{panel.id}/welcome", data={"paid": "yes"})
    assert "Tick to agree" in page_text(refused)
    onboard(signed_in, panel)
    assert (
        signed_in.get(f"/panel/applications/{application.id}").headers["Location"]
        == f"/panel/applications/{application.id}/conflict"
    )


def test_declaring_a_conflict_hides_the_application(
    signed_in: FlaskClient, session: Session, setup: tuple[Panel, Application]
) -> None:
    panel, application = setup
    onboard(signed_in, panel)
    assert "Do you know this group" in page_text(signed_in.get(f"/panel/applications/{application.id}/conflict"))
    signed_in.post(
        f"/panel/applications/{application.id}/conflict", data={"answer": "yes", "nature": "I volunteer there"}
    )
    reread(session)
    assert session.scalars(select(ConflictDeclaration)).one().nature == "I volunteer there"
    assert session.scalar(select(Assignment.id)) is None
    assert signed_in.get(f"/panel/applications/{application.id}").status_code == 404
    assert signed_in.get(f"/panel/applications/{application.id}/conflict").status_code == 404


def test_the_review_page_has_no_contact_details(signed_in: FlaskClient, setup: tuple[Panel, Application]) -> None:
    panel, application = setup
    onboard(signed_in, panel)
    signed_in.post(f"/panel/applications/{application.id}/conflict", data={"answer": "no"})
    html = signed_in.get(f"/panel/applications/{application.id}").get_data(as_text=True)
    assert "Walks for all" in html
    assert "Weekly walks" in html
    for secret in ("boss@walkers.example", "07700 900999", "7 Hidden Lane", "Signer Person"):
        assert secret not in html
    assert "Secret Walkers" in html  # not a blind round


def test_the_review_page_says_nothing_about_who_typed_it(
    signed_in: FlaskClient, session: Session, setup: tuple[Panel, Application]
) -> None:
    """A connector helped the group: the panel sees the group's application, nothing of the helper."""
    panel, application = setup
    connector = make_user(session, name="Chidi Connector", email="chidi@connect.example", roles=(Role.CONNECTOR,))
    application.helped_by = connector
    application.helper_sections = ["idea"]
    audit.record(
        session,
        connector,
        AuditAction.APPLICATION_CHANGED_ON_BEHALF,
        application,
        "Chidi Connector changed idea on behalf of Secret Walkers",
    )
    session.commit()
    onboard(signed_in, panel)
    signed_in.post(f"/panel/applications/{application.id}/conflict", data={"answer": "no"})
    html = signed_in.get(f"/panel/applications/{application.id}").get_data(as_text=True)
    assert "Walks for all" in html
    for trace in ("Chidi", "chidi@connect.example", "on behalf", "help from", "Last changed by"):
        assert trace not in html


def test_a_blind_round_names_the_group_only_where_a_conflict_is_asked_about(
    signed_in: FlaskClient, session: Session, setup: tuple[Panel, Application]
) -> None:
    panel, application = setup
    application.round.blind_review = True
    session.commit()
    onboard(signed_in, panel)
    # You cannot declare a conflict with a group you cannot see.
    assert "Secret Walkers" in page_text(signed_in.get(f"/panel/applications/{application.id}/conflict"))
    signed_in.post(f"/panel/applications/{application.id}/conflict", data={"answer": "no"})
    assert "Secret Walkers" not in signed_in.get(f"/panel/applications/{application.id}").get_data(as_text=True)
    assert "Secret Walkers" not in signed_in.get("/panel/").get_data(as_text=True)


def test_scoring_draft_then_submit_then_see_the_panel(
    signed_in: FlaskClient, session: Session, setup: tuple[Panel, Application], june: User
) -> None:
    panel, application = setup
    other = make_user(session, roles=(Role.PANELLIST,))
    other_assignment = make_assignment(session, application=application, panellist=other, panel=panel)
    session.commit()
    scoring.submit_review(
        session,
        other_assignment,
        {application.round.criteria[0].id: CriterionAnswer(2, "")},
        by=other,
        recommendation=scoring.Recommendation.MAYBE,
        comment="Hidden until June submits",
    )
    session.commit()
    onboard(signed_in, panel)
    signed_in.post(f"/panel/applications/{application.id}/conflict", data={"answer": "no"})
    url = f"/panel/applications/{application.id}"
    criterion = application.round.criteria[0].id

    page = page_text(signed_in.get(url))
    assert "Hidden until June submits" not in page
    assert "Panel member 1" not in page
    assert "Results of the" in page_text(signed_in.get("/panel/"))
    assert "once you have submitted all your reviews" in page_text(signed_in.get(f"/panel/panels/{panel.id}/results"))

    signed_in.post(url, data={f"score-{criterion}": "4", "action": "draft"})
    saved = form_values(signed_in.get(url), with_field=f"score-{criterion}")
    assert saved[f"score-{criterion}"] == ["4"]
    missing = signed_in.post(url, data={f"score-{criterion}": "4", "action": "submit"})
    assert "Choose whether you recommend funding it" in page_text(missing)

    to_confirm = signed_in.post(url, data={f"score-{criterion}": "4", "recommendation": "fund", "action": "submit"})
    assert to_confirm.headers["Location"] == f"{url}/submit"
    check = page_text(signed_in.get(f"{url}/submit"))
    assert "Check your review before you submit it" in check
    assert "4: Descriptor 4" in check
    assert "cannot change them afterwards" in check
    reread(session)
    assert not session.scalars(select(Review).where(Review.panellist_id == june.id)).one().submitted
    assert signed_in.post(f"{url}/submit").headers["Location"] == url
    after = page_text(signed_in.get(url))
    assert "Your review (submitted)" in after
    assert "Hidden until June submits" in after
    assert "Panel member 1" in after
    reread(session)
    assert session.scalars(select(Review).where(Review.panellist_id == june.id)).one().submitted
    results_url = f"/panel/panels/{panel.id}/results"
    assert "Before you see the panel" in page_text(signed_in.get(results_url))
    assert signed_in.post(results_url).headers["Location"] == results_url
    results = page_text(signed_in.get(results_url))
    assert "AO-2026-0100" in results
    assert "3.00" in results


def test_unassigned_applications_are_not_found(
    signed_in: FlaskClient, session: Session, setup: tuple[Panel, Application]
) -> None:
    panel, application = setup
    onboard(signed_in, panel)
    stranger = make_application(
        session,
        grant_round=application.round,
        organisation=make_organisation(session),
        status=ApplicationStatus.WITH_PANEL,
    )
    session.commit()
    assert signed_in.get(f"/panel/applications/{stranger.id}").status_code == 404
    assert signed_in.post(f"/panel/applications/{stranger.id}", data={"action": "draft"}).status_code == 404


def test_logging_time(signed_in: FlaskClient, setup: tuple[Panel, Application]) -> None:
    panel, _ = setup
    assert "Enter the date" in page_text(signed_in.post("/panel/time", data={"activity": "meeting"}))
    ok = signed_in.post(
        "/panel/time",
        data={"panel": str(panel.id), "activity": "meeting", "worked_on": "2026-11-01", "hours": "2", "minutes": "30"},
    )
    assert ok.status_code == 302
    assert "2 h 30 min" in page_text(signed_in.get("/panel/time"))


def test_a_conflict_can_be_declared_late_until_the_review_is_in(
    signed_in: FlaskClient, session: Session, setup: tuple[Panel, Application], june: User
) -> None:
    panel, application = setup
    ravi = make_user(session, name="Ravi", roles=(Role.PANELLIST,))
    make_panel_member(session, panel, ravi)
    onboard(signed_in, panel)
    signed_in.post(f"/panel/applications/{application.id}/conflict", data={"answer": "no"})
    url = f"/panel/applications/{application.id}"
    criterion = application.round.criteria[0].id
    signed_in.post(url, data={f"score-{criterion}": "3", "action": "draft"})
    page = signed_in.get(url).get_data(as_text=True)
    assert f'href="{url}/conflict">I have a conflict of interest with this group</a>' in page

    asked_again = page_text(signed_in.get(f"{url}/conflict"))
    assert "You told us earlier that you do not know this group" in asked_again
    declared = signed_in.post(f"{url}/conflict", data={"answer": "yes", "nature": "I know the treasurer"})

    assert declared.headers["Location"] == "/panel/"
    reread(session)
    assert session.scalars(select(Review).where(Review.panellist_id == june.id)).all() == []
    assert session.scalars(select(Assignment.panellist_id)).all() == [ravi.id]
    assert signed_in.get(url).status_code == 404


def test_once_the_review_is_in_a_conflict_goes_to_the_grants_team(
    signed_in: FlaskClient, session: Session, setup: tuple[Panel, Application], june: User
) -> None:
    panel, application = setup
    onboard(signed_in, panel)
    signed_in.post(f"/panel/applications/{application.id}/conflict", data={"answer": "no"})
    make_review(session, application=application, panellist=june, submitted=True)
    session.commit()
    url = f"/panel/applications/{application.id}"

    review_page = page_text(signed_in.get(url))
    assert "I have a conflict of interest with this group" not in review_page
    assert "write to the grants team" in review_page
    conflict_page = signed_in.get(f"{url}/conflict").get_data(as_text=True)
    assert "write to the grants team" in conflict_page
    assert "<form" not in conflict_page.split("<main", 1)[1]
    signed_in.post(f"{url}/conflict", data={"answer": "yes"})
    reread(session)
    assert session.scalars(select(ConflictDeclaration)).all() == []


def test_the_review_page_shows_the_groups_photos_and_nothing_else(
    signed_in: FlaskClient, session: Session, setup: tuple[Panel, Application]
) -> None:
    panel, application = setup
    storage = get_storage()
    photo = make_evidence(
        session,
        storage,
        content=make_jpeg(),
        filename="our-walk.jpg",
        kind=EvidenceKind.PHOTO,
        application_id=application.id,
    )
    statement = make_evidence(
        session, storage, filename="statement.pdf", kind=EvidenceKind.BANK_STATEMENT, application_id=application.id
    )
    session.commit()
    onboard(signed_in, panel)
    signed_in.post(f"/panel/applications/{application.id}/conflict", data={"answer": "no"})

    page = signed_in.get(f"/panel/applications/{application.id}").get_data(as_text=True)
    assert "our-walk.jpg" in page
    assert f"/evidence/{photo.id}" in page
    assert "statement.pdf" not in page
    for evidence_id, status in ((photo.id, 200), (statement.id, 404)):
        response = signed_in.get(f"/evidence/{evidence_id}")
        assert response.status_code == status
        response.close()


def test_missing_scores_are_shown_on_the_review_page_not_the_confirmation(
    signed_in: FlaskClient, session: Session, setup: tuple[Panel, Application], june: User
) -> None:
    panel, application = setup
    onboard(signed_in, panel)
    signed_in.post(f"/panel/applications/{application.id}/conflict", data={"answer": "no"})
    url = f"/panel/applications/{application.id}"
    criterion = application.round.criteria[0].id
    buttons = signed_in.get(url).get_data(as_text=True)
    assert buttons.index(">Save as draft<") < buttons.index(">Submit your review<")

    missing = signed_in.post(url, data={"recommendation": "fund", "action": "submit"})
    assert missing.status_code == 200
    assert "Choose a score for Local need" in page_text(missing)
    # Going to the confirmation page with an unfinished draft leads back to the review, with the errors.
    back = signed_in.get(f"{url}/submit")
    assert back.headers["Location"] == f"{url}?check=1"
    assert "Choose a score for Local need" in page_text(signed_in.get(back.headers["Location"]))
    assert signed_in.post(f"{url}/submit").headers["Location"] == f"{url}?check=1"

    signed_in.post(url, data={f"score-{criterion}": "5", "recommendation": "fund", "action": "submit"})
    first, second = signed_in.post(f"{url}/submit"), signed_in.post(f"{url}/submit")
    assert first.headers["Location"] == url
    assert second.headers["Location"] == url  # a double tap submits once
    reread(session)
    assert session.scalars(select(Review).where(Review.panellist_id == june.id)).one().submitted
    audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "review submitted")).all()
    assert len(audit) == 1


def test_what_is_missing_from_a_review_is_shown_at_its_question(
    signed_in: FlaskClient, setup: tuple[Panel, Application]
) -> None:
    panel, application = setup
    onboard(signed_in, panel)
    signed_in.post(f"/panel/applications/{application.id}/conflict", data={"answer": "no"})
    criterion = application.round.criteria[0].id

    page = signed_in.post(f"/panel/applications/{application.id}", data={"action": "submit"})

    html = page.get_data(as_text=True)
    assert error_summary_problems(html) == []  # every summary item links to its question, which shows it
    text = page_text(page)
    assert text.index("Choose a score for Local need") < text.index("Choose whether you recommend funding it")
    assert f'href="#score-{criterion}"' in html
    assert f'id="score-{criterion}-error"' in html
    assert 'id="recommendation-error"' in html
