"""A community connector applying alongside a group: starting on its behalf, filling recorded as
such, and the group's confirmation by a single-use link or code before anything is sent."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.errors import DomainError
from portal.models.applications import Application, ApplicationStatus
from portal.models.audit import AuditAction, AuditEntry
from portal.models.base import utcnow
from portal.models.organisations import OrganisationKind
from portal.models.outbox import OutboxMessage
from portal.models.users import Role, User
from portal.services.applications import helpers, lifecycle
from portal.services.applications.helpers import NewGroup
from portal.storage import get_storage
from tests.apply.filling import fill_application
from tests.factories import make_organisation, make_round, make_user

IDEA = {"title": "Walk and talk", "activities": "Weekly walks.", "local_need": "Loneliness.", "timing": "2027"}


def _connector(session: Session) -> User:
    return make_user(session, name="Chidi Connector", roles=(Role.CONNECTOR,))


def _helped(session: Session) -> tuple[Application, User, User]:
    """A draft a connector started for a new group; the connector and the group's contact."""
    connector = _connector(session)
    application = helpers.start_on_behalf(
        session,
        make_round(session),
        by=connector,
        new_group=NewGroup("Hope Street Walkers", OrganisationKind.CHARITY, "Amina Yusuf", "amina@example.org"),
    )
    contact = session.scalars(select(User).where(User.email == "amina@example.org")).one()
    return application, connector, contact


def test_starting_for_a_new_group_makes_its_contact_a_member_and_records_the_helper(session: Session) -> None:
    application, connector, contact = _helped(session)

    assert application.helped_by_id == connector.id
    assert helpers.may_fill(session, contact, application)
    assert helpers.may_fill(session, connector, application)
    assert [g.name for g in helpers.groups_helped(session, connector)] == ["Hope Street Walkers"]


def test_a_connector_cannot_start_for_a_group_they_do_not_help(session: Session) -> None:
    connector = _connector(session)
    stranger_group = make_organisation(session, members=(make_user(session),))
    with pytest.raises(DomainError, match="groups you already help"):
        helpers.start_on_behalf(session, make_round(session), by=connector, organisation=stranger_group)
    with pytest.raises(DomainError):
        helpers.start_on_behalf(session, make_round(session), by=make_user(session), organisation=stranger_group)


def test_an_officer_may_start_for_any_group(session: Session) -> None:
    officer = make_user(session, name="Priya Officer", roles=(Role.OFFICER,))
    group = make_organisation(session, members=(make_user(session),))
    application = helpers.start_on_behalf(session, make_round(session), by=officer, organisation=group)
    assert application.helped_by_id == officer.id


def test_another_connector_may_not_fill_it(session: Session) -> None:
    application, _, _ = _helped(session)
    assert not helpers.may_fill(session, _connector(session), application)


def test_each_helper_save_is_audited_on_behalf_and_shown_per_section(session: Session) -> None:
    application, connector, contact = _helped(session)
    lifecycle.save_answers(session, application, "idea", IDEA, by=connector, revision=0)

    entry = session.scalars(
        select(AuditEntry).where(AuditEntry.action == AuditAction.APPLICATION_CHANGED_ON_BEHALF)
    ).one()
    assert entry.actor_id == connector.id
    assert "on behalf of Hope Street Walkers" in entry.summary
    assert application.helper_sections == ["idea"]

    # The group's own change takes the section back.
    lifecycle.save_answers(session, application, "idea", IDEA, by=contact, revision=1)
    assert application.helper_sections == []


def test_the_helper_cannot_send(session: Session) -> None:
    application, connector, _ = _helped(session)
    fill_application(session, get_storage(), application)
    with pytest.raises(DomainError, match="Only the group"):
        lifecycle.submit_application(session, application, by=connector)
    assert application.status is ApplicationStatus.DRAFT


def _asked(session: Session) -> tuple[Application, User, User, helpers.ConfirmationRequest]:
    application, connector, contact = _helped(session)
    fill_application(session, get_storage(), application)
    request = helpers.ask_group_to_confirm(session, application, by=connector)
    return application, connector, contact, request


def test_asking_emails_the_group_a_link_and_code_stored_hashed(session: Session) -> None:
    _, _, _, request = _asked(session)
    email = session.scalars(select(OutboxMessage).where(OutboxMessage.to == "amina@example.org")).all()[-1]
    assert request.code not in email.body
    assert request.token not in email.body
    assert request.confirmation.token_hash != request.token
    assert request.code not in request.confirmation.code_hash
    assert request.confirmation.expires_at - utcnow() > timedelta(days=13)


def test_the_link_sends_once_as_the_group_member(session: Session) -> None:
    application, _, contact, request = _asked(session)
    confirmation = helpers.confirmation_for_token(session, request.token, by=contact)
    helpers.confirm_and_send(session, confirmation, by=contact)

    assert application.status is ApplicationStatus.SUBMITTED
    sent = session.scalars(select(AuditEntry).where(AuditEntry.action == AuditAction.APPLICATION_SUBMITTED)).one()
    assert sent.actor_id == contact.id
    with pytest.raises(DomainError):
        helpers.confirmation_for_token(session, request.token, by=contact)


def test_the_code_works_once(session: Session) -> None:
    application, _, contact, request = _asked(session)
    confirmation = helpers.confirmation_for_code(session, request.code, by=contact)
    helpers.confirm_and_send(session, confirmation, by=contact)
    assert application.status is ApplicationStatus.SUBMITTED
    with pytest.raises(DomainError):
        helpers.confirmation_for_code(session, request.code, by=contact)


def test_a_change_after_asking_makes_the_link_and_code_stale(session: Session) -> None:
    application, connector, contact, request = _asked(session)
    revision = lifecycle.revision_of(application, "idea")
    lifecycle.save_answers(session, application, "idea", {**IDEA, "title": "Walk"}, by=connector, revision=revision)

    with pytest.raises(DomainError):
        helpers.confirmation_for_token(session, request.token, by=contact)
    with pytest.raises(DomainError):
        helpers.confirmation_for_code(session, request.code, by=contact)
    assert application.status is ApplicationStatus.DRAFT


def test_someone_outside_the_group_is_refused(session: Session) -> None:
    _, connector, _, request = _asked(session)
    with pytest.raises(DomainError, match="member of the group"):
        helpers.confirmation_for_token(session, request.token, by=connector)
    with pytest.raises(DomainError):
        helpers.confirmation_for_code(session, request.code, by=make_user(session))


def test_an_expired_link_is_refused(session: Session) -> None:
    _, _, contact, request = _asked(session)
    request.confirmation.expires_at = utcnow() - timedelta(minutes=1)
    session.flush()
    with pytest.raises(DomainError, match="no longer works"):
        helpers.confirmation_for_token(session, request.token, by=contact)


def test_the_round_closing_before_confirmation_leaves_a_draft(session: Session) -> None:
    application, _, contact, request = _asked(session)
    confirmation = helpers.confirmation_for_token(session, request.token, by=contact)
    application.round.closes_at = utcnow() - timedelta(minutes=1)
    with pytest.raises(DomainError):
        helpers.confirm_and_send(session, confirmation, by=contact)
    assert application.status is ApplicationStatus.DRAFT


def test_the_helper_cannot_withdraw(session: Session) -> None:
    application, connector, _ = _helped(session)
    with pytest.raises(DomainError, match="Only the group"):
        lifecycle.withdraw_application(session, application, by=connector, reason="")
    assert application.status is ApplicationStatus.DRAFT
