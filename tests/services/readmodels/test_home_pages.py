"""The role home pages read a fixed number of queries, however many rows there are."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models.applications import ApplicationStatus
from portal.models.audit import AuditAction
from portal.models.awards import AwardStatus
from portal.models.base import utcnow
from portal.models.panels import Assignment, ConflictDeclaration
from portal.models.users import Role, User
from portal.services.audit import record
from portal.services.readmodels import officer_home, panellist_home
from portal.services.readmodels.applicant_home import applicant_overview
from tests.factories import (
    make_application,
    make_assignment,
    make_award,
    make_organisation,
    make_panel,
    make_report,
    make_review,
    make_round,
    make_time_entry,
    make_user,
)
from tests.fixtures.databases import count_queries


def queries_for(session: Session, read: Callable[[], object]) -> int:
    """How many statements ``read`` runs against a fresh session (nothing cached)."""
    session.commit()
    session.expunge_all()
    with count_queries() as statements:
        read()
    return len(statements)


def applicant_with(session: Session, applications: int) -> User:
    applicant = make_user(session)
    # Half the applications come from one group (different rounds), half from groups of their own.
    main_group = make_organisation(session, members=(applicant,))
    for number in range(applications):
        grant_round = make_round(session)
        group = main_group if number % 2 else make_organisation(session, members=(applicant,))
        application = make_application(
            session, grant_round=grant_round, organisation=group, status=ApplicationStatus.APPROVED
        )
        if number % 3 == 0:
            make_award(session, application=application)
    return applicant


def test_applicant_overview_query_count_does_not_grow(session: Session) -> None:
    few = applicant_with(session, 2)
    many = applicant_with(session, 20)

    few_count = queries_for(session, lambda: applicant_overview(session, session.get(User, few.id)))
    many_count = queries_for(session, lambda: applicant_overview(session, session.get(User, many.id)))

    assert many_count == few_count
    # Eight for applications, rounds and events; one each for event bookings and new resources.
    assert few_count <= 10
    overview = applicant_overview(session, session.get(User, many.id))
    assert sum(len(group.applications) for group in overview.groups) == 20
    assert sum(1 for group in overview.groups for row in group.applications if row.award_amount_pence) == 7


def panellist_with(session: Session, assignments: int) -> User:
    panellist = make_user(session, roles=(Role.PANELLIST,))
    for number in range(assignments):
        grant_round = make_round(session)
        panel = make_panel(session, grant_round=grant_round)
        application = make_application(
            session,
            grant_round=grant_round,
            organisation=make_organisation(session),
            status=ApplicationStatus.WITH_PANEL,
        )
        make_assignment(session, application=application, panellist=panellist, panel=panel)
        if number % 2:
            make_review(session, application=application, panellist=panellist, submitted=number % 4 == 1)
        make_time_entry(session, panellist=panellist, panel=panel, minutes=30)
    return panellist


def test_panellist_overview_query_count_does_not_grow(session: Session) -> None:
    few = panellist_with(session, 2)
    many = panellist_with(session, 20)

    few_count = queries_for(session, lambda: panellist_home.panellist_overview(session, session.get(User, few.id)))
    many_count = queries_for(session, lambda: panellist_home.panellist_overview(session, session.get(User, many.id)))

    assert many_count == few_count
    assert few_count <= 8
    overview = panellist_home.panellist_overview(session, session.get(User, many.id))
    assert len(overview.assignments) == 20
    assert overview.minutes_recorded == 600
    statuses = [str(row.status_label) for row in overview.assignments]
    assert statuses.count("Not started") == 10
    assert statuses.count("Submitted") == 5
    assert statuses.count("In progress") == 5


def test_officer_overview_query_count_does_not_grow(session: Session) -> None:
    officer = make_user(session, roles=(Role.OFFICER,))
    grant_round = make_round(session)
    for _ in range(2):
        make_application(session, grant_round=grant_round, organisation=make_organisation(session))
    record(session, officer, AuditAction.ROUND_CREATED, grant_round, summary="Set up")
    few_count = queries_for(session, lambda: officer_home.officer_overview(session))

    for number in range(20):
        another_round = make_round(session)
        make_application(
            session,
            grant_round=another_round,
            organisation=make_organisation(session),
            status=ApplicationStatus.SUBMITTED if number % 2 else ApplicationStatus.DRAFT,
        )
        record(session, officer, AuditAction.ROUND_CREATED, another_round, summary="Set up")
    many_count = queries_for(session, lambda: officer_home.officer_overview(session))

    assert many_count == few_count
    assert few_count <= 5
    overview = officer_home.officer_overview(session)
    assert len(overview.rounds) == 21
    assert len(overview.recent_activity) == 10


def test_describe_minutes() -> None:
    assert panellist_home.describe_minutes(0) == "0 minutes"
    assert panellist_home.describe_minutes(1) == "1 minute"
    assert panellist_home.describe_minutes(60) == "1 hour"
    assert panellist_home.describe_minutes(90) == "1 hour 30 minutes"
    assert panellist_home.describe_minutes(150) == "2 hours 30 minutes"


def test_panellist_overview_reads_the_programmes_register(session: Session) -> None:
    panellist = panellist_with(session, 2)
    first, second = panellist_home.panellist_overview(session, panellist).assignments
    groups = {a.application_id: a.application.organisation_id for a in panellist_assignments(session, panellist)}
    # Entered with no round (by an officer) for the first group; ended for the second.
    session.add(ConflictDeclaration(panellist_id=panellist.id, organisation_id=groups[first.application_id]))
    session.add(
        ConflictDeclaration(
            panellist_id=panellist.id,
            organisation_id=groups[second.application_id],
            ended_at=utcnow(),
            end_reason="Old",
        )
    )
    session.flush()
    rows = {
        row.application_id: str(row.status_label)
        for row in panellist_home.panellist_overview(session, panellist).assignments
    }
    assert rows[first.application_id] == "Conflict declared"
    assert rows[second.application_id] != "Conflict declared"


def panellist_assignments(session: Session, panellist: User) -> list[Assignment]:
    return list(session.scalars(select(Assignment).where(Assignment.panellist_id == panellist.id)))


def test_the_groups_next_step_follows_its_reports(session: Session) -> None:
    applicant = make_user(session)
    group = make_organisation(session, members=(applicant,))
    application = make_application(
        session, grant_round=make_round(session), organisation=group, status=ApplicationStatus.APPROVED
    )
    award = make_award(session, application=application, status=AwardStatus.PAID)
    report = make_report(session, award=award)

    def next_step() -> str | None:
        [row] = applicant_overview(session, session.get(User, applicant.id)).groups[0].applications
        return row.next_step

    assert next_step() == "Send your report"
    report.submitted_at = utcnow()
    session.flush()
    assert next_step() is None
    report.submitted_at, report.changes_requested_at = None, utcnow()
    session.flush()
    assert next_step() == "Change your report and send it again"
