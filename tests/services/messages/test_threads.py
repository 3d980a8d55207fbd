"""An award's thread between its group and the team, and broadcasts to funded groups: each message once
through the outbox, to the right people, with unread counts for each side."""

from __future__ import annotations

import io
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.errors import DomainError, StorageUnavailable
from portal.models.applications import Application, ApplicationStatus
from portal.models.awards import Award, AwardStatus
from portal.models.outbox import OutboxMessage
from portal.models.users import User
from portal.services.applications.evidence import can_see_evidence
from portal.services.files.uploads import receive_upload
from portal.services.messages import threads
from portal.services.messages.links import programme_email
from portal.storage import get_storage
from tests.factories import make_application, make_award, make_organisation, make_round, make_user
from tests.services.applications.test_lifecycle import BrokenAfterOne
from tests.storage.sample_files import make_pdf


def funded(session: Session, *members: User, status: AwardStatus = AwardStatus.ACCEPTED, grant_round=None) -> Award:  # type: ignore[no-untyped-def]
    award = make_award(
        session,
        application=make_application(
            session,
            grant_round=grant_round or make_round(session),
            organisation=make_organisation(session, members=members),
            status=ApplicationStatus.APPROVED,
        ),
        status=status,
    )
    award.application.reference = f"AO-2026-{award.application.id:04d}"
    return award


def sent_to(session: Session) -> list[str]:
    return sorted(session.scalars(select(OutboxMessage.to)))


def test_the_group_writes_and_the_team_hears_once(session: Session, officer: User) -> None:
    amina, ben = make_user(session, email="amina@example.org"), make_user(session, email="ben@example.org")
    award = funded(session, amina, ben)
    threads.post(session, award, by=amina, body="  Can we move the start date?  ")
    assert sent_to(session) == [programme_email()]
    assert threads.unread_for(session, award, by=officer) == 1
    assert threads.unread_for(session, award, by=ben) == 0  # the group's own message

    threads.mark_read(session, award, by=officer)
    assert threads.unread_for(session, award, by=officer) == 0
    threads.post(session, award, by=officer, body="Yes, to June.")
    assert threads.unread_for(session, award, by=ben) == 1
    [asked, answered] = threads.thread(session, award)
    assert (asked.body, asked.from_team, answered.from_team) == ("Can we move the start date?", False, True)
    assert sorted(sent_to(session)) == sorted([programme_email(), "amina@example.org", "ben@example.org"])


def test_nobody_else_reads_or_writes_the_thread(session: Session) -> None:
    award = funded(session, make_user(session))
    stranger = make_user(session)
    assert not threads.may_talk(session, award, stranger)
    with pytest.raises(DomainError, match="Only the group and the programme team"):
        threads.post(session, award, by=stranger, body="Hello")
    with pytest.raises(DomainError, match="Write your message"):
        threads.post(session, award, by=award.application.organisation.memberships[0].user, body="   ")


def test_unread_messages_from_groups_are_found_for_the_work_queue(session: Session, officer: User) -> None:
    member = make_user(session)
    award = funded(session, member)
    threads.post(session, award, by=member, body="A question")
    waiting = session.scalars(select(Application.id).where(threads.unread_from_groups())).all()
    assert waiting == [award.application_id]
    threads.mark_read(session, award, by=officer)
    assert session.scalars(select(Application.id).where(threads.unread_from_groups())).all() == []


def test_a_broadcast_reaches_each_funded_person_once(session: Session, officer: User) -> None:
    spring = make_round(session, title="Spring grants")
    both = make_user(session, email="both@example.org")
    funded(session, both, make_user(session, email="one@example.org"), grant_round=spring)
    funded(session, both, make_user(session, email="two@example.org"))
    funded(session, make_user(session, email="offered@example.org"), status=AwardStatus.OFFERED)
    funded(session, make_user(session, email="closed@example.org"), status=AwardStatus.CLOSED)

    token = threads.new_token()
    sent = threads.broadcast(
        session, by=officer, subject="Peer learning day", body="Join us on 5 March.", grant_round=None, token=token
    )
    assert sent.recipients == ["both@example.org", "one@example.org", "two@example.org"]
    assert sent_to(session) == ["both@example.org", "one@example.org", "two@example.org"]
    with pytest.raises(DomainError, match="already been sent"):
        threads.broadcast(session, by=officer, subject="Peer learning day", body="Again", grant_round=None, token=token)
    assert len(sent_to(session)) == 3

    only_spring = threads.broadcast(
        session, by=officer, subject="Spring", body="Reports are due.", grant_round=spring, token=threads.new_token()
    )
    assert only_spring.recipients == ["both@example.org", "one@example.org"]
    assert only_spring.audience == "Funded groups of Spring grants"


def test_files_sent_with_a_message_are_seen_only_by_the_group_and_the_team(session: Session, officer: User) -> None:
    member = make_user(session)
    award = funded(session, member)
    with receive_upload(io.BytesIO(make_pdf()), "receipts.pdf", max_bytes=1_000_000) as received:
        message = threads.post(session, award, by=member, body="Our receipts", storage=get_storage(), files=[received])
    [sent] = message.files
    assert sent.original_filename == "receipts.pdf"
    assert get_storage().exists(sent.storage_key)
    assert can_see_evidence(session, sent, by=officer)
    assert can_see_evidence(session, sent, by=member)
    assert not can_see_evidence(session, sent, by=make_user(session))


def test_a_storage_outage_sends_no_message_and_leaves_no_file(session: Session) -> None:
    member = make_user(session)
    award = funded(session, member)
    session.commit()
    storage: Any = BrokenAfterOne(get_storage())
    with (
        receive_upload(io.BytesIO(make_pdf()), "one.pdf", max_bytes=1_000_000) as first,
        receive_upload(io.BytesIO(make_pdf()), "two.pdf", max_bytes=1_000_000) as second,
        pytest.raises(StorageUnavailable),
    ):
        threads.post(session, award, by=member, body="Two files", storage=storage, files=[first, second])
    session.rollback()
    assert storage.keys
    assert not get_storage().exists(storage.keys[0])
    assert threads.thread(session, award) == []
