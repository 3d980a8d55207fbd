"""One person who appears everywhere the portal can hold personal data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.models.applications import ApplicationStatus, Evidence
from portal.models.audit import AuditAction
from portal.models.awards import Award, AwardStatus, Payment
from portal.models.base import utcnow
from portal.models.events import Event, EventAudience, EventStatus, Registration, RegistrationStatus
from portal.models.outbox import OutboxMessage
from portal.models.users import Role, SignInMethod, SignInRequest, User, UserSession
from portal.services.audit import record
from portal.services.people import totp
from portal.storage.base import Storage
from tests.factories import (
    make_application,
    make_assignment,
    make_award,
    make_evidence,
    make_info_request,
    make_organisation,
    make_review,
    make_round,
    make_time_entry,
    make_user,
)
from tests.storage.sample_files import make_pdf

NAME = "Morwenna Tregarthen"
EMAIL = "morwenna.t@example.net"
PHONE = "07700 900461"


@pytest.fixture(params=["local", pytest.param("s3", marks=pytest.mark.s3)])
def storage(request: pytest.FixtureRequest, app: Flask) -> Storage:
    """The app's storage: local files, or a fresh bucket on the moto S3 server."""
    if request.param == "s3":
        app.extensions["portal.storage"] = request.getfixturevalue("s3_storage")
    return app.extensions["portal.storage"]  # type: ignore[no-any-return]


@dataclass
class Person:
    user: User
    helper: User
    officer: User
    own_file: Evidence
    shared_file: Evidence
    award: Award
    registration_id: int
    own_organisation_id: int
    shared_organisation_id: int


def money(session: Session) -> tuple[int, int, int]:
    """Awarded, scheduled and paid totals, in pence."""
    awarded = session.scalar(select(func.sum(Award.amount_pence))) or 0
    scheduled = session.scalar(select(func.sum(Payment.amount_pence))) or 0
    paid = session.scalar(select(func.sum(Payment.amount_pence)).where(Payment.paid_at.is_not(None))) or 0
    return awarded, scheduled, paid


@pytest.fixture
def person(session: Session, storage: Storage) -> Person:
    user = make_user(session, email=EMAIL, name=NAME, roles=(Role.PANELLIST,), password="river otter lantern")
    user.phone = PHONE
    totp.store_secret(user, "JBSWY3DPEHPK3PXP")
    helper = make_user(session, email="helper.member@example.org", name="Other Member")
    officer = make_user(session, email="officer.olu@example.org", name="Olu Officer", roles=(Role.OFFICER,))

    own = make_organisation(session, name="Tregarthen Walkers", members=(user,))
    own.contact_name, own.contact_email, own.contact_phone = NAME, EMAIL, PHONE
    own.money_holders = f"{NAME}, treasurer"
    shared = make_organisation(session, name="Riverside Friends", members=(user, helper))
    shared.contact_name, shared.contact_email = NAME, EMAIL

    past_round, open_round = make_round(session), make_round(session)
    approved = make_application(
        session, grant_round=past_round, organisation=own, status=ApplicationStatus.APPROVED, title="Walks for all"
    )
    approved.answers = {"idea": {"summary": f"Led by {NAME}; call her on {PHONE}"}}
    award = make_award(session, application=approved, amount_pence=400_000, status=AwardStatus.ACCEPTED)
    award.accepted_by_id, award.accepted_name, award.accepted_at = user.id, NAME, utcnow()
    session.add_all(
        [
            Payment(award=award, amount_pence=250_000, due_on=utcnow().date(), paid_at=utcnow(), reference="BACS 1"),
            Payment(award=award, amount_pence=150_000, due_on=(utcnow() + timedelta(days=90)).date()),
        ]
    )
    own_file = make_evidence(
        session,
        storage,
        content=make_pdf(trailing=f"\n% signed {NAME}\n".encode()),
        application_id=approved.id,
        uploaded_by=user,
    )
    submitted = make_application(
        session, grant_round=open_round, organisation=shared, status=ApplicationStatus.SUBMITTED
    )
    shared_file = make_evidence(session, storage, application_id=submitted.id, uploaded_by=user)
    info = make_info_request(session, application=submitted, asked_by=officer)
    info.answer, info.answered_by_id, info.answered_at = f"Please ask {NAME}", user.id, utcnow()

    event = Event(
        title="Peer learning: volunteers",
        starts_at=utcnow() + timedelta(days=10),
        ends_at=utcnow() + timedelta(days=10, hours=2),
        capacity=20,
        audience=EventAudience.ANYONE,
        status=EventStatus.PUBLISHED,
    )
    registration = Registration(
        event=event,
        user=user,
        organisation=own,
        attendee_name=NAME,
        access_needs="Step-free access, please",
        status=RegistrationStatus.BOOKED,
    )
    session.add_all([event, registration])

    reviewed = make_application(
        session, grant_round=open_round, organisation=make_organisation(session), status=ApplicationStatus.WITH_PANEL
    )
    assignment = make_assignment(session, application=reviewed, panellist=user)
    review = make_review(session, application=reviewed, panellist=user, submitted=True)
    review.comment = "Strong local links."
    make_time_entry(session, panellist=user, panel=assignment.panel, minutes=90).note = f"Read by {NAME}"

    session.add_all(
        [
            OutboxMessage(to=EMAIL, subject="Your sign-in code", body=f"Dear {NAME}, your code is 123456."),
            OutboxMessage(to=officer.email, subject="Application submitted", body=f"{NAME} ({EMAIL}) submitted."),
            SignInRequest(
                handle="h" * 32,
                email=EMAIL,
                code_hash="c" * 64,
                link_hash="l" * 64,
                browser_hash="b" * 64,
                expires_at=utcnow() + timedelta(minutes=15),
            ),
            UserSession(
                user_id=user.id,
                token_hash="t" * 64,
                user_agent="Firefox on Android",
                signed_in_with=SignInMethod.EMAIL,
            ),
        ]
    )
    record(session, user, AuditAction.APPLICATION_SUBMITTED, approved, summary=f"Walks for all, by {EMAIL}")
    record(session, officer, AuditAction.ROLE_GRANTED, user, summary=f"Panel member given to {EMAIL.upper()}")
    session.commit()
    return Person(
        user=user,
        helper=helper,
        officer=officer,
        own_file=own_file,
        shared_file=shared_file,
        award=award,
        registration_id=registration.id,
        own_organisation_id=own.id,
        shared_organisation_id=shared.id,
    )
