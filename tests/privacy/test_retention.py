"""``flask --app portal retention run [--apply]``: unsuccessful applications are anonymised after RETENTION_MONTHS."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.config import ConfigError, load_config
from portal.models.applications import (
    Application,
    ApplicationNote,
    ApplicationStatus,
    BudgetLine,
    Evidence,
)
from portal.models.audit import AuditAction, AuditEntry
from portal.models.awards import AwardStatus, Decision, DecisionOutcome, Payment
from portal.models.base import utcnow
from portal.models.outbox import OutboxMessage
from portal.models.panels import ConflictDeclaration
from portal.models.users import Role
from portal.services.audit import record
from portal.services.people.retention import months_before
from portal.services.people.your_data import ERASED
from portal.storage.base import Storage
from tests.factories import (
    make_application,
    make_award,
    make_evidence,
    make_info_request,
    make_organisation,
    make_review,
    make_round,
    make_user,
)
from tests.fixtures.databases import reread
from tests.privacy import files_containing, personal_data_left
from tests.privacy.conftest import money
from tests.storage.sample_files import make_pdf

# Someone named in an application (a volunteer), not a user of the portal.
NAMED = "Priya Shahzad"
NAMED_EMAIL = "priya.s@example.net"
NAMED_PHONE = "07700 900777"
NEEDLES = (NAMED, NAMED_EMAIL, NAMED_PHONE)


@dataclass
class Applications:
    old_declined: Application
    old_ineligible: Application
    old_withdrawn: Application
    recent_declined: Application
    old_approved: Application
    thumbnail_key: str
    file_keys: list[str]


def months_ago(months: int) -> datetime:
    return months_before(utcnow(), months)


def _application(session: Session, status: ApplicationStatus, ended: datetime, title: str) -> Application:
    applicant = make_user(session)
    application = make_application(
        session,
        grant_round=make_round(session),
        organisation=make_organisation(session, members=(applicant,)),
        status=status,
        title=title,
    )
    application.created_by_id = applicant.id
    application.answers = {"people": {"lead": f"{NAMED}, {NAMED_EMAIL}, {NAMED_PHONE}"}}
    application.budget_lines.append(BudgetLine(position=1, item=f"Fee for {NAMED}", amount_pence=20_000))
    if status is ApplicationStatus.WITHDRAWN:
        application.updated_at = ended
    else:
        application.decided_at = ended
    session.flush()
    return application


@pytest.fixture
def applications(session: Session, storage: Storage) -> Applications:
    officer = make_user(session, roles=(Role.OFFICER,))
    panellist = make_user(session, roles=(Role.PANELLIST,))
    old_declined = _application(session, ApplicationStatus.DECLINED, months_ago(25), f"Lunch club with {NAMED}")
    old_ineligible = _application(session, ApplicationStatus.INELIGIBLE, months_ago(30), "Garden")
    old_ineligible.ineligible_reason = "A Garden for one household is not a community project."
    old_withdrawn = _application(session, ApplicationStatus.WITHDRAWN, months_ago(26), "Choir")
    recent_declined = _application(session, ApplicationStatus.DECLINED, months_ago(6), "Recent")
    old_approved = _application(session, ApplicationStatus.APPROVED, months_ago(30), "Funded")
    award = make_award(session, application=old_approved, amount_pence=300_000, status=AwardStatus.PAID)
    session.add(Payment(award=award, amount_pence=300_000, due_on=utcnow().date(), paid_at=utcnow()))

    files = [
        make_evidence(
            session, storage, content=make_pdf(trailing=f"\n% {NAMED}\n".encode()), application_id=old_declined.id
        )
    ]
    info = make_info_request(session, application=old_declined, question=f"Is {NAMED} your treasurer?")
    info.answer = f"Yes, {NAMED} is."
    files.append(make_evidence(session, storage, filename=f"{NAMED}.pdf", info_request_id=info.id))
    thumbnail_key = f"thumbnails/{files[0].id}.jpg"
    storage.put(thumbnail_key, io.BytesIO(f"thumbnail of {NAMED}".encode()), "image/jpeg")
    files[0].thumbnail_key = thumbnail_key
    files.append(
        make_evidence(
            session, storage, content=make_pdf(trailing=f"\n% {NAMED}\n".encode()), application_id=old_withdrawn.id
        )
    )
    session.add(ApplicationNote(application_id=old_declined.id, author_id=officer.id, body=f"Spoke to {NAMED}"))
    make_review(session, application=old_declined, panellist=panellist, submitted=True).comment = f"{NAMED} is great"
    session.add(
        Decision(
            application_id=old_declined.id,
            outcome=DecisionOutcome.DECLINE,
            feedback=f"Sorry {NAMED}",
            decided_by_id=officer.id,
        )
    )
    session.add(
        ConflictDeclaration(
            panellist_id=panellist.id,
            organisation_id=old_declined.organisation_id,
            round_id=old_declined.round_id,
            application_id=old_declined.id,
            nature=f"I know {NAMED}",
        )
    )
    record(session, None, AuditAction.APPLICATION_SUBMITTED, old_declined, summary=f"AO-1: {old_declined.title}")
    session.add_all(
        [
            OutboxMessage(to=NAMED_EMAIL, subject="Old", body=f"Dear {NAMED}", sent_at=months_ago(25)),
            OutboxMessage(to="recent@example.org", subject="Recent", body="Hello", sent_at=months_ago(1)),
        ]
    )
    session.commit()
    # The recent application mentions the same person, so they are not gone from the database altogether.
    return Applications(
        old_declined,
        old_ineligible,
        old_withdrawn,
        recent_declined,
        old_approved,
        thumbnail_key,
        [f.storage_key for f in files],
    )


def run(app: Flask, *args: str) -> str:
    result = app.test_cli_runner().invoke(args=["retention", "run", *args])
    assert result.exit_code == 0, result.output
    return str(result.output)


def test_a_dry_run_lists_what_is_due_and_changes_nothing(
    app: Flask, session: Session, applications: Applications, storage: Storage
) -> None:
    output = run(app)

    due = [applications.old_ineligible, applications.old_withdrawn, applications.old_declined]
    lines = [line for line in output.splitlines() if line.startswith("Would anonymise")]
    assert lines == [
        f"Would anonymise {a.reference} ({a.status.value}, ended {(a.decided_at or a.updated_at).date()})" for a in due
    ]
    assert "Would delete 1 sent email(s) older than 24 months" in output
    assert "Dry run: nothing was changed" in output
    reread(session)
    assert all(storage.exists(key) for key in applications.file_keys)
    assert session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "application anonymised")) == 0
    assert session.scalar(select(func.count(OutboxMessage.id))) == 2


@pytest.mark.s3
def test_apply_anonymises_deletes_evidence_and_is_idempotent(
    app: Flask, session: Session, applications: Applications, storage: Storage
) -> None:
    recent_id = applications.recent_declined.id
    approved_id = applications.old_approved.id
    before = money(session)
    # Before: the named person is in answers, files, notes, reviews … of every application.
    assert files_containing(storage, NAMED.encode())

    output = run(app, "--apply")
    assert "Anonymising" in output
    assert "Deleting 1 sent email(s)" in output
    reread(session)

    left = personal_data_left(session, *NEEDLES)
    # Only the two applications inside their retention period (or funded) still name them.
    assert sorted(line.split(" = ")[0] for line in left) == ["applications.answers"] * 2 + ["budget_lines.item"] * 2
    for kept_id in (recent_id, approved_id):
        kept = session.get(Application, kept_id)
        assert kept is not None
        assert kept.anonymised_at is None
        assert NAMED in kept.answers["people"]["lead"]

    assert files_containing(storage, NAMED.encode()) == []
    assert not any(storage.exists(key) for key in applications.file_keys)
    assert not storage.exists(applications.thumbnail_key)
    due_ids = [applications.old_declined.id, applications.old_ineligible.id, applications.old_withdrawn.id]
    assert session.scalar(select(func.count(Evidence.id)).where(Evidence.application_id.in_(due_ids))) == 0
    assert session.scalar(select(func.count(Evidence.id))) == 0
    for application_id in due_ids:
        application = session.get(Application, application_id)
        assert application is not None
        assert application.anonymised_at is not None
        assert (application.title, application.answers, application.budget_lines) == ("", {}, [])
        # The facts for statistics stay.
        assert application.reference is not None
        assert application.amount_requested_pence == 250_000
    assert money(session) == before
    # The group still reads why it was not eligible, without the title.
    ineligible = session.get(Application, applications.old_ineligible.id)
    assert ineligible is not None
    assert ineligible.ineligible_reason == f"A {ERASED} for one household is not a community project."
    anonymised = session.scalars(
        select(AuditEntry).where(AuditEntry.action == AuditAction.APPLICATION_ANONYMISED)
    ).all()
    assert sorted(entry.object_id for entry in anonymised) == sorted(due_ids)
    deleted = select(func.count(AuditEntry.id)).where(AuditEntry.action == AuditAction.EVIDENCE_DELETED)
    assert session.scalar(deleted) == 3
    emails = select(func.count(AuditEntry.id)).where(AuditEntry.action == AuditAction.OLD_EMAILS_DELETED)
    assert session.scalar(emails) == 1
    assert session.scalars(select(OutboxMessage.subject)).all() == ["Recent"]

    entries = session.scalar(select(func.count(AuditEntry.id)))
    assert run(app, "--apply") == "Nothing is older than 24 months; nothing to do.\n"
    reread(session)
    assert session.scalar(select(func.count(AuditEntry.id))) == entries


class TestALongerRetentionPeriod:
    @pytest.fixture
    def config_overrides(self) -> dict[str, int]:
        return {"RETENTION_MONTHS": 28}

    def test_the_period_comes_from_the_setting(self, app: Flask, applications: Applications) -> None:
        output = run(app)
        assert [line.split(" (")[0] for line in output.splitlines() if line.startswith("Would")] == [
            f"Would anonymise {applications.old_ineligible.reference}"
        ]


def test_retention_months_setting(tmp_path: Path) -> None:
    assert load_config(str(tmp_path), env={})["RETENTION_MONTHS"] == 24
    assert load_config(str(tmp_path), env={"RETENTION_MONTHS": "36"})["RETENTION_MONTHS"] == 36
    with pytest.raises(ConfigError, match="RETENTION_MONTHS must be a whole number from 1 to 120"):
        load_config(str(tmp_path), env={"RETENTION_MONTHS": "0"})


def test_months_before_keeps_the_day_within_the_month() -> None:
    assert months_before(datetime(2026, 3, 31, 9, tzinfo=UTC), 1) == datetime(2026, 2, 28, 9, tzinfo=UTC)
    assert months_before(datetime(2026, 1, 15, tzinfo=UTC), 24) == datetime(2024, 1, 15, tzinfo=UTC)
    assert months_before(datetime(2026, 1, 15, tzinfo=UTC), 13) - datetime(2024, 12, 15, tzinfo=UTC) == timedelta(0)
