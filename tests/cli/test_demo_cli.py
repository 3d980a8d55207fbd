from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.demo import programme as demo
from portal.models.applications import Application, ApplicationStatus
from portal.models.awards import Award, AwardStatus
from portal.models.funding import Round
from portal.models.organisations import Organisation
from portal.models.panels import Assignment
from portal.models.users import Role, User
from portal.services.applications.form import incomplete_sections
from portal.services.awards.budget_check import check_rounds
from portal.services.readmodels.work_queue import Kind, work_queue
from tests.fixtures.pages import page_text


def counts(session: Session) -> dict[str, int]:
    session.rollback()
    return {
        model.__name__: session.scalar(select(func.count()).select_from(model)) or 0
        for model in (User, Organisation, Round, Application, Assignment)
    }


def test_demo_load_creates_the_demo_and_says_how_to_sign_in(app: Flask, session: Session) -> None:
    result = app.test_cli_runner().invoke(args=["demo", "load"])

    assert result.exit_code == 0, result.output
    assert "amina@example.org" in result.output
    assert "officer@example.org" in result.output
    assert demo.DEMO_STAFF_PASSWORD in result.output
    session.rollback()
    grant_round = session.scalars(select(Round).where(Round.slug == demo.ROUND_SLUG)).one()
    assert grant_round.is_open()
    assert grant_round.budget_pence == 6_000_000
    assert (grant_round.min_award_pence, grant_round.max_award_pence) == (50_000, 500_000)
    assert len(grant_round.neighbourhoods) == 4
    assert all(n.areas for n in grant_round.neighbourhoods)
    assert [c.weight for c in grant_round.criteria] == [3, 3, 2, 2]
    statuses = {a.status for a in session.scalars(select(Application))}
    assert {ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED, ApplicationStatus.WITH_PANEL} <= statuses
    references = [a.reference for a in session.scalars(select(Application)) if a.status is not ApplicationStatus.DRAFT]
    assert all(ref and ref.startswith("AO-") for ref in references)
    # Sent applications have their documents and complete answers; one group has a question, one a grant to accept.
    for application in session.scalars(select(Application).where(Application.round_id == grant_round.id)):
        if application.status is not ApplicationStatus.DRAFT:
            assert incomplete_sections(application) == [], application.title
    assert {ApplicationStatus.MORE_INFO, ApplicationStatus.APPROVED} <= statuses
    walkers = session.scalars(select(Organisation).where(Organisation.name == "Borehamwood Walking Buddies")).one()
    past_grant = session.scalars(select(Award).join(Application).where(Application.organisation_id == walkers.id)).one()
    assert past_grant.status is AwardStatus.OFFERED
    users = session.scalars(select(User)).all()
    assert sum(u.has_role(Role.PANELLIST) for u in users) == 3
    assert any(u.has_role(Role.OFFICER) and u.password_hash for u in users)
    assert any(u.has_role(Role.ADMIN) and u.password_hash for u in users)


def test_demo_load_twice_changes_nothing(app: Flask, session: Session) -> None:
    runner = app.test_cli_runner()
    runner.invoke(args=["demo", "load"])
    first = counts(session)

    result = runner.invoke(args=["demo", "load"])

    assert result.exit_code == 0, result.output
    assert counts(session) == first


def test_demo_is_refused_in_production(app: Flask) -> None:
    app.config["PRODUCTION"] = True
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code != 0
    assert "development only" in result.output


def test_demo_load_runs_a_peer_learning_event_end_to_end(app: Flask, session: Session) -> None:
    from portal.demo import events as demo_events
    from portal.models.events import Event, Registration, RegistrationStatus, Resource, ResourceKind
    from portal.storage import get_storage

    runner = app.test_cli_runner()
    runner.invoke(args=["demo", "load"])
    runner.invoke(args=["demo", "load"])
    session.rollback()
    upcoming = session.scalars(select(Event).where(Event.title == demo_events.UPCOMING_TITLE)).one()
    past = session.scalars(select(Event).where(Event.title == demo_events.PAST_TITLE)).one()
    statuses = [
        r.status
        for r in session.scalars(
            select(Registration).where(Registration.event_id == upcoming.id).order_by(Registration.created_at)
        )
    ]
    assert statuses == [RegistrationStatus.BOOKED] * 3 + [RegistrationStatus.WAITLISTED]
    past_statuses = {r.status for r in session.scalars(select(Registration).where(Registration.event_id == past.id))}
    assert RegistrationStatus.ATTENDED in past_statuses
    event_resources = session.scalars(select(Resource).where(Resource.event_id == past.id)).all()
    assert {r.kind for r in event_resources} == {ResourceKind.FILE, ResourceKind.LINK}
    library = session.scalars(select(Resource).where(Resource.event_id.is_(None)).order_by(Resource.title)).all()
    assert [r.title for r in library] == [demo_events.MODEL_CONSTITUTION[0], demo_events.SAFEGUARDING_POLICY[0]]
    for resource in library:
        assert resource.content_type == "application/pdf"
        with get_storage().open(resource.storage_key) as stored:  # type: ignore[arg-type]
            content = stored.read()
        assert content.startswith(b"%PDF-")
        assert b"(9. Review." in content or b"(10. Changes." in content


def test_the_demo_officer_home_lists_every_kind_of_work(
    app: Flask, session: Session, client: FlaskClient, sign_in_as: Any
) -> None:
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    assert "second.officer@example.org" in result.output
    session.rollback()
    officer = session.scalars(select(User).where(User.email == "officer@example.org")).one()
    assert {line.kind for line in work_queue(session, by=officer)} == set(Kind)
    assert check_rounds(session) == []  # every approval and award in the demo holds exactly its money

    sign_in_as(client, officer)
    home = page_text(client.get("/officer/"))
    for kind in Kind:
        assert str(kind.title) in home, kind
    assert "Returned by Sam Reid on " in home
    assert "Set up your authenticator app" in home


def test_demo_load_shows_the_conflict_register_and_reviewing_closed_short(app: Flask, session: Session) -> None:
    from portal.models.panels import ConflictDeclaration
    from portal.services.panels import results

    assert app.test_cli_runner().invoke(args=["demo", "load"]).exit_code == 0
    session.rollback()
    officer = session.scalars(select(User).where(User.email == demo.OFFICER[0])).one()
    entries = session.scalars(select(ConflictDeclaration).order_by(ConflictDeclaration.id)).all()
    assert [e.declared_by_id == officer.id for e in entries] == [True, False]  # entered by the officer, then declared
    singers = session.scalars(
        select(Application).join(Organisation).where(Organisation.name == demo.GROUPS[-1].name)
    ).one()
    assert singers.status is ApplicationStatus.SCORED
    assert singers.reviews_closed_reason
    [row] = [r for r in results.round_results(session, singers.round) if r.application_id == singers.id]
    assert row.flags == [f"Reviewing closed with 1 of 3 reviews: {singers.reviews_closed_reason}"]
