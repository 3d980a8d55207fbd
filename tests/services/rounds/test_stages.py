"""Two-stage rounds: the expression of interest asks only its sections, is sent once, and officers invite
the shortlist to a full application (which keeps the answers and its reference) or do not shortlist it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.errors import DomainError
from portal.models.applications import Application, ApplicationStatus
from portal.models.audit import AuditAction, AuditEntry
from portal.models.base import utcnow
from portal.models.funding import Round
from portal.models.outbox import OutboxMessage
from portal.models.users import User
from portal.services.applications import form as form_rules
from portal.services.applications import lifecycle, shortlist
from portal.services.awards import decisions
from portal.services.rounds import stages
from portal.services.rounds.stages import StageSettings
from portal.storage import get_storage
from tests.apply.filling import fill_application
from tests.factories import add_own_questions, make_organisation, make_round

IN_SIX_WEEKS = timedelta(weeks=6)


def two_stage_round(session: Session, officer: User) -> Round:
    grant_round = make_round(session, title="Spring grants")
    add_own_questions(session, grant_round, [{"key": "q1", "question": "Who are your partners?"}], key="s1")
    add_own_questions(session, grant_round, [{"key": "q2", "question": "How will you measure it?"}], key="s2")
    stages.set_stages(
        session,
        grant_round,
        StageSettings(True, frozenset({"s1"}), grant_round.closes_at + IN_SIX_WEEKS),
        by=officer,
    )
    return grant_round


@pytest.fixture
def sent_eoi(session: Session, officer: User, member: User) -> Application:
    grant_round = two_stage_round(session, officer)
    group = make_organisation(session, name="Holywell Walkers", members=(member,))
    application = lifecycle.start_application(session, grant_round, group, by=member)
    fill_application(session, get_storage(), application)
    assert lifecycle.submit_application(session, application, by=member)
    return application


def emails(session: Session, subject: str) -> list[OutboxMessage]:
    return list(session.scalars(select(OutboxMessage).where(OutboxMessage.subject.startswith(subject))))


def test_the_expression_of_interest_asks_its_sections_only(session: Session, officer: User, member: User) -> None:
    grant_round = two_stage_round(session, officer)
    application = lifecycle.start_application(session, grant_round, make_organisation(session), by=member)

    assert [entry.section.key for entry in form_rules.task_list(application)] == ["group", "idea", "s1"]
    assert stages.asks_now(application, "s1")
    assert not stages.asks_now(application, "budget")

    application.invited_at = utcnow()
    keys = [entry.section.key for entry in form_rules.task_list(application)]
    assert keys == ["group", "idea", "benefit", "budget", "s1", "s2", "evidence", "declarations"]


def test_an_expression_of_interest_is_sent_once(session: Session, sent_eoi: Application, member: User) -> None:
    assert sent_eoi.status is ApplicationStatus.EOI_SUBMITTED
    assert sent_eoi.eoi_submitted_at is not None
    assert sent_eoi.submitted_at is None
    assert sent_eoi.reference
    assert not lifecycle.submit_application(session, sent_eoi, by=member)  # a double tap
    assert len(emails(session, "We have your expression of interest")) == 1
    assert stages.may_shortlist(sent_eoi)


def test_the_invited_group_sends_its_full_application_after_the_first_stage_closes(
    session: Session, sent_eoi: Application, officer: User, member: User
) -> None:
    reference = sent_eoi.reference
    shortlist.invite(session, sent_eoi, by=officer)
    assert sent_eoi.status is ApplicationStatus.DRAFT
    assert sent_eoi.invited_at is not None
    [invitation] = emails(session, "You are invited to send a full application")
    assert invitation.to == member.email
    with pytest.raises(DomainError, match="already been dealt with"):
        shortlist.invite(session, sent_eoi, by=officer)

    # The first stage closes; the invited group still has until full applications close.
    grant_round = sent_eoi.round
    grant_round.closes_at = utcnow() - timedelta(minutes=1)
    assert stages.open_for(sent_eoi)
    fill_application(session, get_storage(), sent_eoi)
    assert lifecycle.submit_application(session, sent_eoi, by=member)
    assert sent_eoi.status is ApplicationStatus.SUBMITTED
    assert sent_eoi.reference == reference  # one reference from the first stage to the decision

    actions = session.scalars(select(AuditEntry.action).where(AuditEntry.object_id == sent_eoi.id)).all()
    assert AuditAction.APPLICATION_EOI_SUBMITTED in actions
    assert AuditAction.APPLICATION_INVITED in actions


def test_a_group_not_shortlisted_is_told_with_the_rounds_reasons(
    session: Session, sent_eoi: Application, officer: User
) -> None:
    decisions.decline(session, sent_eoi, by=officer, reasons=["budget"], feedback="Try the next round.")
    assert sent_eoi.status is ApplicationStatus.DECLINED
    [told] = emails(session, "Our decision on your expression of interest")
    assert "Try the next round." in told.body
    with pytest.raises(DomainError, match="already been dealt with"):
        shortlist.invite(session, sent_eoi, by=officer)


def test_full_applications_must_close_after_the_first_stage(session: Session, officer: User) -> None:
    grant_round = make_round(session)
    too_soon = StageSettings(True, frozenset(), grant_round.closes_at)
    assert (
        "after expressions of interest close"
        in stages.check_settings(grant_round, too_soon)["full_applications_close_at"]
    )
    missing = StageSettings(True, frozenset(), None)
    assert stages.check_settings(grant_round, missing) == {
        "full_applications_close_at": "Enter when full applications close"
    }
    with pytest.raises(DomainError):
        stages.set_stages(session, grant_round, missing, by=officer)
    assert not grant_round.two_stages


def test_the_stages_are_kept_once_a_group_has_sent_something(
    session: Session, sent_eoi: Application, officer: User
) -> None:
    grant_round = sent_eoi.round
    assert stages.stages_locked(session, grant_round)
    with pytest.raises(DomainError, match="cannot change once groups have sent"):
        stages.set_stages(session, grant_round, StageSettings(False, frozenset(), None), by=officer)
    assert grant_round.two_stages


def test_turning_two_stages_off_forgets_the_first_stage_sections(session: Session, officer: User) -> None:
    grant_round = two_stage_round(session, officer)
    stages.set_stages(session, grant_round, StageSettings(False, frozenset({"s1"}), None), by=officer)
    assert not grant_round.two_stages
    assert grant_round.full_applications_close_at is None
    assert not any(section.at_expression_of_interest for section in grant_round.question_sections)
    summaries = session.scalars(
        select(AuditEntry.summary).where(AuditEntry.action == AuditAction.ROUND_STAGES_CHANGED)
    ).all()
    assert summaries[-1] == "Spring grants: one stage"
    assert "also asks More about your project" in summaries[0]
