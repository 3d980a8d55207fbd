"""More of the demonstration: documents for the sent applications, a question
from the programme, and last year's round with a grant waiting to be accepted.

Kept apart from ``portal.demo`` (people, round and applications) so each
stays short. Like it, loading twice changes nothing.
"""

from __future__ import annotations

import io
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models.applications import Application, ApplicationStatus, BudgetLine, InfoRequest
from portal.models.awards import Award, AwardStatus, Payment
from portal.models.funding import Fund, Round
from portal.models.organisations import Organisation
from portal.models.users import User
from portal.services import audit
from portal.services.evidence import evidence_needed
from portal.services.pdf import pdf_file
from portal.services.references import next_reference
from portal.services.uploads import receive_upload, store_evidence
from portal.storage.base import Storage
from portal.workflow import advance_application

PAST_ROUND_SLUG = "community-grants-2025"
QUESTION = "Please send a copy of your safeguarding policy: your plan includes sessions with young carers."


def demo_pdf(title: str) -> bytes:
    """A one-page PDF that says it is a demonstration document."""
    text = f"BT /F1 14 Tf 20 160 Td (Demonstration only: {title}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 420 200] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    return pdf_file(objects)


def add_documents(session: Session, storage: Storage, application: Application, user: User) -> None:
    """The documents a sent application needs, as small demonstration PDFs."""
    for need in evidence_needed(application):
        if need.required and not need.files:
            name = f"{need.label.lower().replace(' ', '-')}-demo.pdf"
            with receive_upload(io.BytesIO(demo_pdf(need.label)), name, max_bytes=1024 * 1024) as received:
                store_evidence(
                    session, storage, received, kind=need.kind, uploaded_by=user, application_id=application.id
                )
    session.expire(application, ["evidence"])


def ask_question(session: Session, application: Application, officer: User) -> None:
    """Move a sent application to "more information needed" with the officer's question."""
    if application.status is not ApplicationStatus.SUBMITTED:
        return
    advance_application(application, ApplicationStatus.ELIGIBILITY_CHECK)
    advance_application(application, ApplicationStatus.MORE_INFO)
    request = InfoRequest(application=application, question=QUESTION, asked_by_id=officer.id)
    session.add(request)
    session.flush()
    audit.record(session, officer, "more information requested", application, QUESTION)


def past_grant(session: Session, fund: Fund, organisation: Organisation, member: User, now: datetime) -> Award:
    """Last year's round, in which the group was offered a grant it has not accepted yet."""
    past = session.scalar(select(Round).where(Round.slug == PAST_ROUND_SLUG))
    if past is None:
        past = Round(
            fund=fund,
            slug=PAST_ROUND_SLUG,
            title="Community grants 2025",
            summary="Last year's round, now closed.",
            opens_at=now - timedelta(days=400),
            closes_at=now - timedelta(days=340),
            decisions_by=now - timedelta(days=280),
            budget_pence=5_000_000,
            committed_pence=120_000,
            min_award_pence=50_000,
            max_award_pence=500_000,
        )
        session.add(past)
        session.flush()
    application = session.scalar(
        select(Application).where(Application.round_id == past.id, Application.organisation_id == organisation.id)
    )
    if application is None:
        application = Application(
            round=past,
            organisation=organisation,
            created_by=member,
            status=ApplicationStatus.DRAFT,
            title="Walking shoes and a first-aid course",
            answers={"idea": {"title": "Walking shoes and a first-aid course"}},
            budget_lines=[
                BudgetLine(position=1, item="Walking shoes to lend", amount_pence=70_000),
                BudgetLine(position=2, item="First-aid course for two leaders", amount_pence=50_000),
            ],
            amount_requested_pence=120_000,
            reference=next_reference(session, (now - timedelta(days=345)).year),
            submitted_at=now - timedelta(days=345),
            decided_at=now - timedelta(days=5),
        )
        for step in (
            ApplicationStatus.SUBMITTED,
            ApplicationStatus.ELIGIBILITY_CHECK,
            ApplicationStatus.WITH_PANEL,
            ApplicationStatus.SCORED,
            ApplicationStatus.APPROVED,
        ):
            advance_application(application, step)
        session.add(application)
        session.flush()
    award = session.scalar(select(Award).where(Award.application_id == application.id))
    if award is None:
        award = Award(
            application=application,
            round_id=past.id,
            amount_pence=120_000,
            status=AwardStatus.OFFERED,
            conditions="Spend the grant by the end of next year. Tell us before you change what you buy.",
            report_due_on=(now + timedelta(days=300)).date(),
            payments=[
                Payment(amount_pence=80_000, due_on=(now + timedelta(days=14)).date()),
                Payment(amount_pence=40_000, due_on=(now + timedelta(days=180)).date()),
            ],
        )
        session.add(award)
        session.flush()
        audit.record(session, None, "award offered", award, "Demo award")
    return award
