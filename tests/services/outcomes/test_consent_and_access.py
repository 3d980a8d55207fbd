"""Nothing of a report is shared without the group's consent and an officer's acceptance; a
funder's people read only the rounds their funder puts money into."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.errors import DomainError
from portal.models.applications import ApplicationStatus, Evidence, EvidenceKind
from portal.models.audit import AuditAction, AuditEntry
from portal.models.awards import MonitoringReport
from portal.models.base import utcnow
from portal.models.funders import RoundFunder
from portal.models.users import Role
from portal.services.outcomes import access
from portal.services.outcomes.consent import may_share_photo, may_share_story
from tests.factories import (
    make_application,
    make_award,
    make_funder,
    make_organisation,
    make_report,
    make_round,
    make_user,
)


def a_report(session: Session, *, story: bool, photos: bool, accepted: bool = True) -> MonitoringReport:
    grant_round = make_round(session)
    application = make_application(
        session, grant_round=grant_round, organisation=make_organisation(session), status=ApplicationStatus.APPROVED
    )
    report = make_report(session, award=make_award(session, application=application))
    report.share_story, report.share_photos = story, photos
    report.submitted_at = utcnow()
    report.accepted_at = utcnow() if accepted else None
    return report


def a_photo(report: MonitoringReport) -> Evidence:
    return Evidence(report_id=report.id, kind=EvidenceKind.PHOTO, original_filename="walk.jpg")


@pytest.mark.parametrize(
    ("story", "photos", "accepted", "shared"),
    [
        (True, True, True, (True, True)),
        (True, False, True, (True, False)),
        (False, True, True, (False, True)),
        (False, False, True, (False, False)),
        # Not yet accepted: the group may still change it, so nothing is shared.
        (True, True, False, (False, False)),
    ],
)
def test_only_consented_parts_of_accepted_reports_are_shared(
    session: Session, story: bool, photos: bool, accepted: bool, shared: tuple[bool, bool]
) -> None:
    report = a_report(session, story=story, photos=photos, accepted=accepted)

    assert (may_share_story(report), may_share_photo(a_photo(report), report)) == shared


def test_a_photo_of_another_report_is_never_shared(session: Session) -> None:
    sharing = a_report(session, story=True, photos=True)
    other = a_report(session, story=False, photos=False)

    assert may_share_photo(a_photo(other), sharing) is False


def test_a_funder_reads_only_the_rounds_it_puts_money_into(session: Session) -> None:
    health, council = make_funder(session, name="Health Trust"), make_funder(session, name="City Council")
    theirs, shared, other = make_round(session), make_round(session), make_round(session)
    theirs.funders = [RoundFunder(funder=health, amount_pence=1_000_000)]
    shared.funders = [RoundFunder(funder=health, amount_pence=1), RoundFunder(funder=council, amount_pence=1)]
    other.funders = [RoundFunder(funder=council, amount_pence=1_000_000)]
    admin, officer = make_user(session, roles=(Role.ADMIN,)), make_user(session, roles=(Role.OFFICER,))
    person = make_user(session, email="reader@healthtrust.example")
    session.flush()

    assert access.outcome_rounds(session, person) == []
    access.link_funder_person(session, person, health, by=admin)

    assert person.has_role(Role.FUNDER)
    assert access.funder_of(session, person) == health
    assert {r.id for r in access.outcome_rounds(session, person)} == {theirs.id, shared.id}
    assert not access.may_read_round_outcomes(session, person, other)
    assert access.may_read_round_outcomes(session, officer, other)
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == AuditAction.FUNDER_LINKED)).one()
    assert "Health Trust" in entry.summary

    # Moving them to another funder changes what they read.
    access.link_funder_person(session, person, council, by=admin)
    assert {r.id for r in access.outcome_rounds(session, person)} == {shared.id, other.id}


def test_people_with_no_outcomes_role_read_nothing(session: Session) -> None:
    make_round(session)
    finance = make_user(session, roles=(Role.FINANCE,))

    assert access.outcome_rounds(session, finance) == []
    with pytest.raises(DomainError, match="Staff cannot also read for a funder"):
        access.link_funder_person(session, finance, make_funder(session), by=make_user(session, roles=(Role.ADMIN,)))
