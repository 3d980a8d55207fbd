"""More of the demonstration: documents for the sent applications, a question
from the programme, and last year's grant, scored by last year's panel and
waiting to be accepted.

Kept apart from ``portal.demo.programme`` (people, rounds and applications) so each
stays short. Like it, loading twice changes nothing, and every step is the
service a page calls.
"""

from __future__ import annotations

import io
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.demo import panel as demo_panel
from portal.models.applications import Application, ApplicationStatus
from portal.models.awards import Award
from portal.models.panels import Panel
from portal.models.users import User
from portal.services.applications.evidence import evidence_needed
from portal.services.awards import decisions, payments
from portal.services.files.pdf import pdf_file
from portal.services.files.uploads import receive_upload, store_evidence
from portal.storage.base import Storage

PAST_TITLE = "Walking shoes and a first-aid course"
PAST_BUDGET = (("Walking shoes to lend", 70_000), ("First-aid course for two leaders", 50_000))
EARLIER_TITLE = "A pantry fridge and freezer"
EARLIER_REASON = (
    "The group had been running for less than three months when it applied; this round funds groups "
    "that have met for at least six. We would be glad to read a new application next year."
)
CONDITIONS = "Spend the grant by the end of next year. Tell us before you change what you buy."
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
    """The officer's question: the application waits for the group's answer."""
    if application.status is not ApplicationStatus.SUBMITTED:
        return
    decisions.ask_for_information(session, application, by=officer, question=QUESTION)


def not_eligible(session: Session, officer: User, application: Application) -> None:
    """Last year's application from a group too new to be funded then."""
    if application.status is ApplicationStatus.SUBMITTED:
        decisions.mark_ineligible(session, application, by=officer, reason=EARLIER_REASON)


def past_grant(
    session: Session, officer: User, panel: Panel, panellists: list[User], application: Application, now: datetime
) -> Award:
    """Last year's application: scored by last year's panel and offered a grant the group has not accepted yet."""
    if application.status is ApplicationStatus.SUBMITTED:
        demo_panel.reviewed_by_panel(session, officer, panel, application, panellists)
        decisions.approve(
            session, application, by=officer, amount_pence=application.amount_requested_pence, conditions=CONDITIONS
        )
        award = session.scalars(select(Award).where(Award.application_id == application.id)).one()
        for amount, days in ((80_000, 14), (40_000, 180)):
            payments.plan_payment(
                session, award, by=officer, amount_pence=amount, due_on=(now + timedelta(days=days)).date()
            )
    return session.scalars(select(Award).where(Award.application_id == application.id)).one()
