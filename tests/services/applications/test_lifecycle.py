"""Starting, saving, sending, withdrawing and answering questions about an application."""

from __future__ import annotations

import io
import threading
from datetime import timedelta
from typing import Any, BinaryIO

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.errors import DomainError, IllegalTransition, StorageUnavailable
from portal.extensions import db
from portal.infra.database import writing
from portal.models.applications import Application, ApplicationStatus, Evidence
from portal.models.audit import AuditEntry
from portal.models.base import utcnow
from portal.models.outbox import OutboxMessage
from portal.services.applications import form as form_rules
from portal.services.applications import lifecycle
from portal.services.applications.lifecycle import StaleSection
from portal.services.files.uploads import receive_upload
from portal.storage import get_storage
from portal.storage.base import Storage, StoredObject
from tests.apply.filling import fill_application
from tests.factories import make_application, make_info_request, make_organisation, make_round, make_user, set_programme
from tests.fixtures.databases import reread
from tests.storage.sample_files import make_pdf

IDEA = {"title": "Walk and talk", "activities": "Weekly walks.", "local_need": "Loneliness.", "timing": "2027"}


def new_draft(session: Session) -> Application:
    member = make_user(session, name="Amina Yusuf")
    group = make_organisation(session, members=(member,))
    application = lifecycle.start_application(session, make_round(session), group, by=member)
    session.commit()
    return application


def test_starting_twice_continues_the_same_draft(session: Session) -> None:
    application = new_draft(session)
    again = lifecycle.start_application(session, application.round, application.organisation, by=application.created_by)  # type: ignore[arg-type]
    assert again.id == application.id
    assert session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "application started")) == 1


def test_a_closed_round_takes_no_new_applications(session: Session) -> None:
    member = make_user(session)
    closed = make_round(session, opens_at=utcnow() - timedelta(days=30), closes_at=utcnow() - timedelta(days=1))
    with pytest.raises(DomainError, match="closed on"):
        lifecycle.start_application(session, closed, make_organisation(session, members=(member,)), by=member)


def test_each_save_bumps_the_sections_revision_and_keeps_half_answers(session: Session) -> None:
    application = new_draft(session)
    user = application.created_by
    lifecycle.save_answers(session, application, "idea", {"title": "Walks", "activities": ""}, by=user, revision=0)  # type: ignore[arg-type]
    lifecycle.save_answers(session, application, "benefit", {"people_count": "lots"}, by=user, revision=0)  # type: ignore[arg-type]
    session.commit()
    reread(session)

    assert application.answers["idea"] == {"title": "Walks", "activities": ""}
    assert application.answers["benefit"] == {"people_count": "lots"}
    assert application.title == "Walks"
    assert application.section_revisions == {"idea": 1, "benefit": 1}
    assert form_rules.section_status(application, "idea") == form_rules.IN_PROGRESS


def test_a_stale_save_is_refused_and_shows_what_is_saved(session: Session) -> None:
    application = new_draft(session)
    user = application.created_by
    lifecycle.save_answers(session, application, "idea", IDEA, by=user, revision=0)  # type: ignore[arg-type]
    session.commit()

    with pytest.raises(StaleSection) as refused:
        lifecycle.save_answers(session, application, "idea", {**IDEA, "title": "Mine"}, by=user, revision=0)  # type: ignore[arg-type]

    assert refused.value.saved == IDEA
    assert refused.value.revision == 1
    reread(session)
    assert application.answers["idea"]["title"] == "Walk and talk"
    # Another section saved meanwhile does not make this one stale.
    lifecycle.save_answers(session, application, "benefit", {"people_count": "3"}, by=user, revision=0)  # type: ignore[arg-type]


def test_the_budget_is_kept_as_typed_and_mirrored_as_lines(session: Session) -> None:
    application = new_draft(session)
    lines = [form_rules.BudgetLineInput("Hall hire", "£1,200"), form_rules.BudgetLineInput("Tea", "a lot")]
    lifecycle.save_budget(session, application, lines, by=application.created_by, revision=0)  # type: ignore[arg-type]
    session.commit()
    reread(session)

    assert application.answers["budget"]["lines"] == [
        {"item": "Hall hire", "amount": "£1,200"},
        {"item": "Tea", "amount": "a lot"},
    ]
    assert [(line.item, line.amount_pence) for line in application.budget_lines] == [("Hall hire", 120_000)]
    assert application.amount_requested_pence == 120_000

    lifecycle.save_budget(session, application, [], by=application.created_by, revision=1)  # type: ignore[arg-type]
    session.commit()
    reread(session)
    assert application.budget_lines == []
    assert application.amount_requested_pence == 0


def test_an_unfinished_application_cannot_be_sent(session: Session) -> None:
    application = new_draft(session)
    fill_application(session, get_storage(), application, except_section="budget")
    with pytest.raises(DomainError, match="Still to do: budget"):
        lifecycle.submit_application(session, application, by=application.created_by)  # type: ignore[arg-type]
    assert application.status is ApplicationStatus.DRAFT


def test_sending_gives_a_reference_an_audit_entry_and_one_email(session: Session) -> None:
    application = new_draft(session)
    fill_application(session, get_storage(), application)
    session.commit()

    assert lifecycle.submit_application(session, application, by=application.created_by) is True  # type: ignore[arg-type]
    assert lifecycle.submit_application(session, application, by=application.created_by) is False  # type: ignore[arg-type]
    session.commit()
    reread(session)

    assert application.status is ApplicationStatus.SUBMITTED
    assert application.reference == f"AO-{utcnow().year}-0001"
    assert application.submitted_at is not None
    emails = session.scalars(select(OutboxMessage)).all()
    assert [e.subject for e in emails] == [f"We have your application {application.reference}"]
    assert application.reference in emails[0].body
    assert session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "application submitted")) == 1
    with pytest.raises(DomainError, match="can no longer be changed"):
        lifecycle.save_answers(session, application, "idea", IDEA, by=application.created_by, revision=1)  # type: ignore[arg-type]


def test_a_closed_round_refuses_saves_and_sending(session: Session) -> None:
    application = new_draft(session)
    fill_application(session, get_storage(), application)
    application.round.closes_at = utcnow() - timedelta(minutes=1)
    application.round.opens_at = utcnow() - timedelta(days=10)
    session.commit()
    with pytest.raises(DomainError, match="closed on"):
        lifecycle.submit_application(session, application, by=application.created_by)  # type: ignore[arg-type]
    with pytest.raises(DomainError, match="closed on"):
        lifecycle.save_answers(session, application, "idea", IDEA, by=application.created_by, revision=1)  # type: ignore[arg-type]


def test_withdrawing_follows_the_workflow(session: Session) -> None:
    application = new_draft(session)
    lifecycle.withdraw_application(session, application, by=application.created_by, reason="We found other money")  # type: ignore[arg-type]
    assert application.status is ApplicationStatus.WITHDRAWN
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "application withdrawn")).one()
    assert entry.summary == "We found other money"
    with pytest.raises(IllegalTransition):
        lifecycle.withdraw_application(session, application, by=application.created_by, reason="")  # type: ignore[arg-type]


def asked(session: Session) -> tuple[Application, object]:
    member = make_user(session)
    application = make_application(
        session,
        grant_round=make_round(session),
        organisation=make_organisation(session, members=(member,)),
        status=ApplicationStatus.MORE_INFO,
    )
    application.reference = "AO-2026-0042"
    application.created_by = member
    request = make_info_request(session, application=application)
    session.commit()
    return application, request


def test_answering_a_question_sends_the_application_back_with_its_files(session: Session, app: Flask) -> None:
    set_programme(session, contact_email="grants@example.org")
    application, request = asked(session)
    with receive_upload(io.BytesIO(make_pdf()), "statement.pdf", max_bytes=1_000_000) as received:
        lifecycle.answer_info_request(
            session, get_storage(), request, by=application.created_by, answer="Here it is.", files=[received]
        )
    session.commit()
    reread(session)

    assert application.status is ApplicationStatus.SUBMITTED
    assert request.answer == "Here it is."  # type: ignore[attr-defined]
    assert session.scalar(select(func.count(Evidence.id)).where(Evidence.info_request_id == request.id)) == 1  # type: ignore[attr-defined]
    assert sorted(m.to for m in session.scalars(select(OutboxMessage))) == sorted(
        [application.created_by.email, "grants@example.org"]
    )  # type: ignore[union-attr]
    with pytest.raises(DomainError, match="already been answered"):
        lifecycle.answer_info_request(session, get_storage(), request, by=application.created_by, answer="Again")  # type: ignore[arg-type]


class BrokenAfterOne:
    """Stores the first file, then storage goes down."""

    def __init__(self, inner: Storage) -> None:
        self.inner = inner
        self.keys: list[str] = []

    def put(self, key: str, stream: BinaryIO, content_type: str) -> StoredObject:
        if self.keys:
            raise StorageUnavailable("down")
        self.keys.append(key)
        return self.inner.put(key, stream, content_type)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def test_a_storage_outage_while_answering_leaves_no_file_behind(session: Session) -> None:
    application, request = asked(session)
    storage: Any = BrokenAfterOne(get_storage())
    with (
        receive_upload(io.BytesIO(make_pdf()), "one.pdf", max_bytes=1_000_000) as first,
        receive_upload(io.BytesIO(make_pdf()), "two.pdf", max_bytes=1_000_000) as second,
        pytest.raises(StorageUnavailable),
    ):
        lifecycle.answer_info_request(
            session, storage, request, by=application.created_by, answer="Hi", files=[first, second]
        )  # type: ignore[arg-type]
    session.rollback()
    reread(session)
    assert storage.keys
    assert not get_storage().exists(storage.keys[0])
    assert application.status is ApplicationStatus.MORE_INFO
    assert request.answer is None  # type: ignore[attr-defined]


@pytest.mark.postgres_only
def test_two_members_sending_at_once_send_once_with_one_email(app: Flask, session: Session) -> None:
    application = new_draft(session)
    second = make_user(session)
    application.organisation.memberships.append(type(application.organisation.memberships[0])(user=second))
    fill_application(session, get_storage(), application)
    session.commit()
    ids = [application.created_by_id, second.id]
    results: list[bool] = []
    barrier = threading.Barrier(len(ids))

    def send(user_id: int) -> None:
        with app.app_context(), writing():
            from portal.models.users import User

            mine = db.session.get(Application, application.id)
            user = db.session.get(User, user_id)
            barrier.wait()
            results.append(lifecycle.submit_application(db.session, mine, by=user))  # type: ignore[arg-type]
            db.session.commit()

    threads = [threading.Thread(target=send, args=(user_id,)) for user_id in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    reread(session)
    assert sorted(results) == [False, True]
    assert session.scalar(select(func.count(OutboxMessage.id))) == 1
    assert session.scalar(select(Application.reference).where(Application.id == application.id)) is not None


@pytest.mark.postgres_only
def test_two_members_saving_the_same_page_at_once_lose_nothing(app: Flask, session: Session) -> None:
    application = new_draft(session)
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def save(title: str) -> None:
        with app.app_context(), writing():
            from portal.models.users import User

            mine = db.session.get(Application, application.id)
            user = db.session.get(User, application.created_by_id)
            barrier.wait()
            try:
                lifecycle.save_answers(db.session, mine, "idea", {**IDEA, "title": title}, by=user, revision=0)  # type: ignore[arg-type]
                db.session.commit()
                outcomes.append(title)
            except StaleSection:
                db.session.rollback()
                outcomes.append(f"refused {title}")

    threads = [threading.Thread(target=save, args=(title,)) for title in ("First", "Second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    reread(session)
    saved = [o for o in outcomes if not o.startswith("refused")]
    assert len(saved) == 1
    assert len(outcomes) == 2
    assert application.answers["idea"]["title"] == saved[0]
    assert application.section_revisions == {"idea": 1}
