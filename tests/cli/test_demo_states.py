"""The demo holds only states the portal's own services produce.

The demo is built through the services the pages call, so each check here is a
rule those services keep: a decided application has its decision, an award its
audit trail, a scored application its reviews, a booking its audit entry. The
demo is loaded once per test, as ``flask demo load`` does.
"""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.demo import helping as demo_helping
from portal.demo import programme as demo
from portal.demo import queue as demo_queue
from portal.models.applications import Application, ApplicationStatus, InfoRequest
from portal.models.audit import AuditEntry
from portal.models.awards import Award, AwardStatus, Decision, DecisionOutcome, MonitoringReport, Payment
from portal.models.base import utcnow
from portal.models.events import Event, Registration, RegistrationStatus
from portal.models.organisations import Organisation
from portal.models.panels import Assignment, PanelMember, Review
from portal.models.users import User
from portal.services.applications import earlier_documents
from portal.services.outcomes.access import outcome_rounds
from portal.services.outcomes.stories import shared_stories

S = ApplicationStatus
# The audit actions the services record for each step (named once, so a rename is one change here).
SUBMITTED = "application submitted"
ELIGIBLE = "application marked eligible"
SCORED = "application scored"
CLOSED_SHORT = "reviewing closed"
OFFERED = "award offered"
ACCEPTED = "award accepted"
PLANNED = "payment planned"
REPORT_ACCEPTED = "report accepted"
QUESTION = "more information requested"
ASSIGNED = "application assigned"
BOOKED = "event booked"
ATTENDANCE = "event attendance marked"
EVENT_CREATED = "event created"
EVENT_PUBLISHED = "event published"

PAST_CHECKS = {S.ELIGIBILITY_CHECK, S.MORE_INFO, S.WITH_PANEL, S.SCORED, S.APPROVED, S.DECLINED}
DECIDED = {S.APPROVED, S.DECLINED}


@pytest.fixture
def loaded(app: Flask, session: Session) -> Session:
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    session.rollback()
    return session


def audited(session: Session, action: str, obj: object) -> list[AuditEntry]:
    return list(
        session.scalars(
            select(AuditEntry).where(
                AuditEntry.action == action,
                AuditEntry.object_type == type(obj).__name__,
                AuditEntry.object_id == getattr(obj, "id"),  # noqa: B009 (any model)
            )
        )
    )


def test_every_sent_application_was_sent_and_checked_by_the_services(loaded: Session) -> None:
    session = loaded
    applications = session.scalars(select(Application)).all()
    # And last year's grant and last year's application that could not go further, and the
    # draft the connector is helping with.
    assert len(applications) == len(demo.GROUPS) + len(demo_queue.GROUPS) + 3
    for application in applications:
        if application.status is S.DRAFT:
            assert application.round.is_open(), application.title
            assert application.submitted_at is None, application.title
            assert application.reference is None, application.title
            continue
        assert application.submitted_at is not None, application.title
        assert application.reference, application.title
        assert len(audited(session, SUBMITTED, application)) == 1, application.title
        if application.status in PAST_CHECKS - {S.ELIGIBILITY_CHECK, S.MORE_INFO}:
            assert audited(session, ELIGIBLE, application), application.title


def test_every_decided_application_has_its_decision_and_every_award_its_trail(loaded: Session) -> None:
    session = loaded
    for application in session.scalars(select(Application)):
        decision = session.scalar(select(Decision).where(Decision.application_id == application.id))
        award = session.scalar(select(Award).where(Award.application_id == application.id))
        if application.status in DECIDED:
            assert decision is not None, application.title
            assert application.decided_at is not None
        if application.status is S.APPROVED:
            assert decision is not None, application.title
            assert decision.outcome is DecisionOutcome.APPROVE, application.title
            assert award is not None, application.title
            assert award.amount_pence == decision.amount_pence, application.title
        if decision is not None and decision.outcome is DecisionOutcome.APPROVE and award is None:
            # Waiting for a second officer: scored, approved by one officer, not yet offered.
            assert application.status is S.SCORED, application.title
            assert decision.second_approved_at is None, application.title
        if award is None:
            continue
        assert application.status is S.APPROVED, application.title
        assert len(audited(session, OFFERED, award)) == 1, application.title
        # Every award has its own report schedule, copied from its round's when it was offered.
        assert award.schedule, application.title
        if award.status is not AwardStatus.OFFERED:
            assert award.accepted_at is not None, application.title
            assert audited(session, ACCEPTED, award), application.title
            assert [report.schedule_item for report in award.reports] == sorted(
                award.schedule, key=lambda item: (item.due_on, item.position)
            ), application.title
        for report in award.reports:
            # Accepted only once sent, and each acceptance audited.
            if report.accepted_at is not None:
                assert report.submitted_at is not None, application.title
                assert audited(session, REPORT_ACCEPTED, report), application.title
        payments = session.scalars(select(Payment).where(Payment.award_id == award.id)).all()
        assert sum(p.amount_pence for p in payments) <= award.amount_pence
        assert len(audited(session, PLANNED, award)) == len(payments), application.title
    walkers = session.scalars(select(Organisation).where(Organisation.name == "Borehamwood Walking Buddies")).one()
    past = session.scalars(select(Award).join(Application).where(Application.organisation_id == walkers.id)).one()
    assert past.status is AwardStatus.OFFERED
    assert len(past.payments) == 2
    # The allotment's reports: the officer has accepted the first, and the last waits to be read.
    sent = session.scalars(
        select(MonitoringReport)
        .where(MonitoringReport.submitted_at.is_not(None))
        .order_by(MonitoringReport.due_on, MonitoringReport.id)
    ).all()
    assert len(sent) >= 2
    assert [report.accepted_at is not None for report in sent] == [True] * (len(sent) - 1) + [False]


def test_every_scored_application_has_its_reviews_from_panel_members(loaded: Session) -> None:
    session = loaded
    for assignment in session.scalars(select(Assignment)):
        member = session.scalar(
            select(PanelMember).where(
                PanelMember.panel_id == assignment.panel_id, PanelMember.user_id == assignment.panellist_id
            )
        )
        assert member is not None, "assigned to someone not on the panel"
        assert audited(session, ASSIGNED, assignment.application)
    for application in session.scalars(select(Application).where(Application.status.in_([S.SCORED, S.APPROVED]))):
        reviews = session.scalars(
            select(Review).where(Review.application_id == application.id, Review.submitted.is_(True))
        ).all()
        assert reviews, application.title
        if application.reviews_closed_reason:
            assert audited(session, CLOSED_SHORT, application)
        else:
            assert len(reviews) >= application.round.reviews_per_application, application.title
            assert audited(session, SCORED, application), application.title
    for request in session.scalars(select(InfoRequest)):
        assert audited(session, QUESTION, request.application)


def test_every_group_and_event_booking_is_as_the_services_left_it(loaded: Session) -> None:
    session = loaded
    for spec in (*demo.GROUPS, *demo_queue.GROUPS):
        organisation = session.scalars(select(Organisation).where(Organisation.name == spec.name)).one()
        assert organisation.neighbourhood is not None, spec.name
        assert organisation.neighbourhood.name == spec.neighbourhood, spec.name
    for event in session.scalars(select(Event)):
        assert audited(session, EVENT_CREATED, event), event.title
        assert audited(session, EVENT_PUBLISHED, event), event.title
        registrations = session.scalars(select(Registration).where(Registration.event_id == event.id)).all()
        # One booking (and its audit entry) may name several people.
        assert len(audited(session, BOOKED, event)) >= len({r.user_id for r in registrations}), event.title
        if any(r.status is RegistrationStatus.ATTENDED for r in registrations):
            assert event.starts_at <= utcnow(), event.title
            assert audited(session, ATTENDANCE, event), event.title


def test_the_connector_is_helping_a_new_group_whose_contact_reads_polish(loaded: Session) -> None:
    session = loaded
    connector = session.scalars(select(User).where(User.email == demo_helping.CONNECTOR[0])).one()
    group = session.scalars(select(Organisation).where(Organisation.name == demo_helping.GROUP.name)).one()
    [draft] = session.scalars(select(Application).where(Application.organisation_id == group.id))
    assert (draft.status, draft.helped_by_id) == (S.DRAFT, connector.id)
    assert draft.helper_sections == ["group", "idea"]
    assert group.neighbourhood is not None
    contact = session.scalars(select(User).where(User.email == demo_helping.GROUP.contact_email)).one()
    assert contact.language == "pl"
    assert [m.user_id for m in group.memberships] == [contact.id]
    # The connector added the group through the service, which audits it.
    assert audited(session, "group created", group)


def test_the_pantry_is_offered_last_years_bank_statement_on_its_draft(loaded: Session) -> None:
    session = loaded
    [spec] = [spec for spec in demo.GROUPS if spec.applied_last_year]
    member = session.scalars(select(User).where(User.email == spec.member_email)).one()
    group = session.scalars(select(Organisation).where(Organisation.name == spec.name)).one()
    applications = session.scalars(select(Application).where(Application.organisation_id == group.id)).all()
    [draft] = [a for a in applications if a.status is S.DRAFT]
    [earlier] = [a for a in applications if a.status is S.INELIGIBLE]
    assert audited(session, "application marked ineligible", earlier)

    offered = earlier_documents.earlier_documents(session, draft, by=member)

    assert [(kind.value, offer.given_with) for kind, offer in offered.items()] == [("bank_statement", earlier)]


def test_neighbourhoods_are_set_up_through_the_service(loaded: Session) -> None:
    from portal.models.funding import Neighbourhood

    names = set(loaded.scalars(select(Neighbourhood.name)))
    created = set(loaded.scalars(select(AuditEntry.summary).where(AuditEntry.action == "neighbourhood created")))
    assert names == set(demo.NEIGHBOURHOODS)
    assert {summary.split(":")[0] for summary in created} == names


def test_the_demo_funder_reads_last_years_round_and_the_allotment_story(loaded: Session) -> None:
    session = loaded
    reader = session.scalar(select(User).where(User.email == demo_queue.FUNDER_PERSON[0]))
    assert reader is not None
    rounds = outcome_rounds(session, reader)
    assert rounds
    stories = shared_stories(session, rounds)
    # The allotment group's accepted halfway report, whose story it agreed to share.
    assert [story.group for story in stories if story.answers] == [demo_queue.ALLOTMENT.name]
