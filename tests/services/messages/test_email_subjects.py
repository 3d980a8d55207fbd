"""Every email the portal sends, with hostile names in everything a person can type.

``SCENARIOS`` holds, for each template in templates/emails/, the real service
call that sends it. Hypothesis puts the same text into every typed name and
title around it (the group's, its members', the round's, the event's, the
officer's): 200 characters, line breaks, control characters, right-to-left
overrides, emoji. Whatever it is, the email is queued (no 500), its subject is
one line that fits the outbox column, and a message built from it carries no
header the portal did not write. ``tests/property_coverage.py`` (run by
``make lint``) fails when a template has no scenario here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, template_rendered
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.infra.mail import OutgoingEmail, build_message
from portal.models.applications import Application, ApplicationStatus, BudgetLine
from portal.models.awards import Award, AwardStatus, Payment
from portal.models.base import utcnow
from portal.models.events import Registration, RegistrationStatus
from portal.models.funding import Round
from portal.models.organisations import Organisation
from portal.models.outbox import OutboxMessage
from portal.models.users import Role, User
from portal.plain_text import is_one_line
from portal.services.applications import deadline_reminders, helpers, lifecycle, organisations, shortlist
from portal.services.awards import acceptance, bank_details, decisions, payments, report_reviews, reports
from portal.services.events import registrations, reminders, setup
from portal.services.messages import threads
from portal.services.messages.notify import MAX_SUBJECT_LENGTH
from portal.services.panels import membership
from portal.services.people import accounts, password_links, sign_in, sign_in_alerts
from portal.storage import get_storage
from tests.apply.filling import fill_application
from tests.factories import (
    make_application,
    make_award,
    make_event,
    make_funded_group,
    make_info_request,
    make_organisation,
    make_panel,
    make_registration,
    make_report,
    make_round,
    make_user,
)

TEMPLATES = Path(__file__).parents[3] / "templates" / "emails"
SENDER = "Anchor Offer grants <grants@anchor.example>"
HEADERS = {"From", "To", "Subject", "Date", "Message-ID", "Auto-Submitted", "Content-Type"}
HEADERS |= {"Content-Transfer-Encoding", "MIME-Version"}
# No NUL (no database stores it, and requests carrying one are refused before any view) and no
# lone surrogates (they cannot be encoded, so no request can carry one).
TYPED = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), min_size=1, max_size=200)
LONGEST = ("Garston & Oxhey Community Shed " * 7)[:200]  # the longest a name can be
INJECTION = "Garston Shed\r\nBcc: everyone@example.org\r\n\r\nYou have won"
BIDI_AND_EMOJI = ("photo\u202egpj.exe 👩\u200d👩\u200d👧 🇬🇧 e\u0301 " * 12)[:200]
CONTROLS = "Tab\there\x0bVT\x0cFF\x1b[31mred\x7fDEL\x85NEL\u2028LS\u2029PS"


@dataclass
class World:
    """One of everything around the email, each name and title being the typed text."""

    text: str
    grant_round: Round
    member: User
    other_member: User
    group: Organisation
    officer: User
    second_officer: User
    application: Application

    def award(self, session: Session, status: AwardStatus) -> Award:
        self.application.status = ApplicationStatus.APPROVED
        award = make_award(session, application=self.application, status=status, amount_pence=70_000)
        self.application.budget_lines = [BudgetLine(position=1, item=self.text, amount_pence=70_000)]
        session.flush()
        return award


def build_world(session: Session, text: str, status: ApplicationStatus) -> World:
    grant_round = make_round(session, title=text, second_approval_above_pence=150_000)
    member = make_user(session, name=text, email="member@example.org")
    other_member = make_user(session, name=text, email="other.member@example.org")
    group = make_organisation(session, name=text, members=(member, other_member))
    group.contact_name = text
    application = make_application(session, grant_round=grant_round, organisation=group, status=status, title=text)
    application.amount_requested_pence = 100_000
    return World(
        text=text,
        grant_round=grant_round,
        member=member,
        other_member=other_member,
        group=group,
        officer=make_user(session, name=text, email="officer@example.org", roles=(Role.OFFICER,)),
        second_officer=make_user(session, name=text, email="second@example.org", roles=(Role.OFFICER,)),
        application=application,
    )


Scenario = Callable[[Session, World], None]
SCENARIOS: dict[str, tuple[ApplicationStatus, Scenario]] = {}


def sends(*templates: str, status: ApplicationStatus = ApplicationStatus.SUBMITTED) -> Callable[[Scenario], Scenario]:
    """Register ``scenario`` as the way the portal sends each of ``templates``."""

    def register(scenario: Scenario) -> Scenario:
        for template in templates:
            SCENARIOS[template] = (status, scenario)
        return scenario

    return register


@sends("account_created")
def _account_created(session: Session, w: World) -> None:
    accounts.create_person(
        session,
        by=w.officer,
        name=w.text,
        email="new@example.org",
        role=Role.PANELLIST,
        sign_in_url="https://x.example",
    )


@sends("set_password")
def _set_password(session: Session, w: World) -> None:
    password_links.send_link(session, w.officer, by=w.second_officer, link="https://x.example/staff/set-password/t")


@sends("sign_in")
def _sign_in(session: Session, w: World) -> None:
    sign_in.request_sign_in(session, email=w.member.email, browser_secret="browser", next_path=None)


@sends("staff_sign_in_hint")
def _staff_sign_in_hint(session: Session, w: World) -> None:
    sign_in.request_sign_in(session, email=w.officer.email, browser_secret="browser", next_path=None)


@sends("sign_in_attempts")
def _sign_in_attempts(session: Session, w: World) -> None:
    sign_in_alerts.alert_once(session, email=w.member.email, why=sign_in_alerts.Hammered.EMAILS)


@sends("member_added")
def _member_added(session: Session, w: World) -> None:
    organisations.add_member(session, w.group, by=w.member, email="new@example.org", name=w.text)


@sends("application_submitted", status=ApplicationStatus.DRAFT)
def _submitted(session: Session, w: World) -> None:
    fill_application(session, get_storage(), w.application)
    lifecycle.submit_application(session, w.application, by=w.member)


@sends("eoi_submitted", status=ApplicationStatus.DRAFT)
def _eoi_submitted(session: Session, w: World) -> None:
    w.grant_round.two_stages = True
    fill_application(session, get_storage(), w.application)
    lifecycle.submit_application(session, w.application, by=w.member)


@sends("eoi_invited", status=ApplicationStatus.EOI_SUBMITTED)
def _eoi_invited(session: Session, w: World) -> None:
    w.grant_round.two_stages = True
    w.grant_round.full_applications_close_at = utcnow() + timedelta(days=30)
    shortlist.invite(session, w.application, by=w.officer)


@sends("group_confirmation", status=ApplicationStatus.DRAFT)
def _group_confirmation(session: Session, w: World) -> None:
    w.application.helped_by_id = w.officer.id
    session.flush()
    helpers.ask_group_to_confirm(session, w.application, by=w.officer)


@sends("eoi_not_shortlisted", status=ApplicationStatus.EOI_SUBMITTED)
def _eoi_not_shortlisted(session: Session, w: World) -> None:
    w.grant_round.two_stages = True
    decisions.decline(session, w.application, by=w.officer, reasons=["budget"], feedback=w.text)


@sends("award_message")
def _award_message(session: Session, w: World) -> None:
    threads.post(session, w.award(session, AwardStatus.ACCEPTED), by=w.officer, body=f"About {w.text}")


@sends("award_message_team")
def _award_message_team(session: Session, w: World) -> None:
    threads.post(session, w.award(session, AwardStatus.ACCEPTED), by=w.member, body=f"About {w.text}")


@sends("broadcast")
def _broadcast(session: Session, w: World) -> None:
    w.award(session, AwardStatus.ACCEPTED)
    # The subject as an officer may type it (one line, 150 characters); the message as typed.
    typed = w.text.strip()
    subject = typed if typed and is_one_line(typed) and len(typed) <= threads.MAX_SUBJECT else "Peer learning day"
    threads.broadcast(
        session, by=w.officer, subject=subject, body=w.text + ".", grant_round=None, token=threads.new_token()
    )


@sends("application_withdrawn")
def _withdrawn(session: Session, w: World) -> None:
    lifecycle.withdraw_application(session, w.application, by=w.member, reason=w.text)


@sends("more_information_requested")
def _asked(session: Session, w: World) -> None:
    decisions.ask_for_information(session, w.application, by=w.officer, question=f"Question: {w.text}")


@sends("info_request_answered", "info_request_answered_team", status=ApplicationStatus.MORE_INFO)
def _answered(session: Session, w: World) -> None:
    asked = make_info_request(session, application=w.application, question=w.text, asked_by=w.officer)
    lifecycle.answer_info_request(session, get_storage(), asked, by=w.member, answer=f"Answer: {w.text}")


@sends("application_ineligible")
def _ineligible(session: Session, w: World) -> None:
    decisions.mark_ineligible(session, w.application, by=w.officer, reason=f"Reason: {w.text}")


@sends("panel_invitation")
def _invited(session: Session, w: World) -> None:
    panel = make_panel(session, grant_round=w.grant_round, name=w.text)
    membership.invite_member(session, panel, by=w.officer, email="panel@example.org", name=w.text)


@sends("panel_reassigned", status=ApplicationStatus.WITH_PANEL)
def _reassigned(session: Session, w: World) -> None:
    panellist = make_user(session, name=w.text, email="panel@example.org", roles=(Role.PANELLIST,))
    panel = make_panel(session, grant_round=w.grant_round, name=w.text, members=[panellist])
    membership.tell_officers(session, panel, w.application, panellist, None, reason=w.text)


@sends("application_declined", status=ApplicationStatus.SCORED)
def _declined(session: Session, w: World) -> None:
    decisions.decline(session, w.application, by=w.officer, reasons=["budget"], feedback=w.text)


@sends("award_offered", status=ApplicationStatus.SCORED)
def _offered(session: Session, w: World) -> None:
    decisions.approve(session, w.application, by=w.officer, amount_pence=100_000, conditions=w.text)


@sends("approval_returned", status=ApplicationStatus.SCORED)
def _returned(session: Session, w: World) -> None:
    w.grant_round.second_approval_above_pence = 1
    decisions.approve(session, w.application, by=w.officer, amount_pence=100_000)
    decisions.return_approval(session, w.application, by=w.second_officer, reason=f"Reason: {w.text}")


@sends("award_accepted", "award_accepted_team")
def _accepted(session: Session, w: World) -> None:
    award = w.award(session, AwardStatus.OFFERED)
    acceptance.accept_award(session, award, by=w.member, name=f"Sam {w.text}"[:200], agreed=True)


@sends("award_cancelled")
def _cancelled(session: Session, w: World) -> None:
    payments.cancel_award(session, w.award(session, AwardStatus.ACCEPTED), by=w.officer, reason=f"Reason: {w.text}")


@sends("bank_details_team")
def _bank_details_given(session: Session, w: World) -> None:
    award = w.award(session, AwardStatus.ACCEPTED)
    bank_details.save_bank_details(session, award, bank_details.BankDetails(w.text, "309457", "00733445"), by=w.member)


@sends("bank_details_changed")
def _bank_details_changed(session: Session, w: World) -> None:
    award = w.award(session, AwardStatus.PAID)
    bank_details.save_bank_details(session, award, bank_details.BankDetails(w.text, "309457", "00733445"), by=w.member)
    award.payments = [Payment(amount_pence=1_000, due_on=date.today(), paid_at=utcnow(), reference=w.text[:100])]
    session.flush()
    bank_details.save_bank_details(
        session, award, bank_details.BankDetails("B", "309457", "12345678"), by=w.other_member
    )


@sends("report_submitted", "report_submitted_team")
def _report_sent(session: Session, w: World) -> None:
    report = make_report(session, award=w.award(session, AwardStatus.PAID))
    line = w.application.budget_lines[0]
    told = f"We met. {w.text}"
    answers = {
        "what_happened": told,
        "story": told,
        "learned": told,
        "people": "35",
        "spend": {str(line.id): "700"},
    }
    reports.save_report(session, report, answers, by=w.member)
    reports.submit_report(session, report, by=w.member)


@sends("report_changes_requested")
def _report_changes_requested(session: Session, w: World) -> None:
    report = make_report(session, award=w.award(session, AwardStatus.PAID))
    line = w.application.budget_lines[0]
    answers = {"what_happened": "We met", "story": "We met", "learned": "We met", "people": "35"}
    reports.save_report(session, report, answers | {"spend": {str(line.id): "700"}}, by=w.member)
    reports.submit_report(session, report, by=w.member)
    report_reviews.ask_for_changes(session, report, by=w.officer, seen=1, message=f"Tell us more. {w.text}")


@sends("report_reminder")
def _report_reminder(session: Session, w: World) -> None:
    make_report(session, award=w.award(session, AwardStatus.PAID), due_on=date.today() + timedelta(days=7))
    reports.send_report_reminders(session, date.today())


@sends("draft_reminder", status=ApplicationStatus.DRAFT)
def _draft_reminder(session: Session, w: World) -> None:
    w.grant_round.closes_at = utcnow() + timedelta(days=3)
    session.flush()
    deadline_reminders.send_deadline_reminders(session, utcnow())


@sends("report_overdue")
def _report_overdue(session: Session, w: World) -> None:
    make_report(session, award=w.award(session, AwardStatus.PAID), due_on=date.today() - timedelta(days=1))
    reports.send_report_reminders(session, date.today())


def _event_with_bookings(session: Session, w: World, *, capacity: int = 5) -> tuple[Any, list[Registration]]:
    event = make_event(session, title=w.text, capacity=capacity, starts_in=timedelta(hours=20), place=w.text)
    group = make_funded_group(session, members=(w.member,), name=w.text)
    booked = registrations.book(
        session, event, group, [registrations.Attendee(f"Ada {w.text}"[:200], w.text)], by=w.member
    )
    return event, booked


@sends("event_booked")
def _booked(session: Session, w: World) -> None:
    # "Booked: <title>" for the first group, "Waiting list: <title>" for the second.
    event, _ = _event_with_bookings(session, w, capacity=1)
    waiting = make_funded_group(session, members=(w.other_member,), name=w.text)
    registrations.book(session, event, waiting, [registrations.Attendee(f"Cy {w.text}"[:200])], by=w.other_member)


@sends("event_reminder")
def _reminded(session: Session, w: World) -> None:
    _event_with_bookings(session, w)
    reminders.send_event_reminders(session, utcnow())


@sends("event_place_offered")
def _place_offered(session: Session, w: World) -> None:
    event, (place,) = _event_with_bookings(session, w, capacity=1)
    waiting = make_funded_group(session, members=(w.other_member,), name=w.text)
    make_registration(
        session,
        event=event,
        user=w.other_member,
        organisation=waiting,
        name=w.text,
        status=RegistrationStatus.WAITLISTED,
    )
    registrations.cancel_registration(session, place, by=w.member)


@sends("event_cancelled")
def _event_cancelled(session: Session, w: World) -> None:
    event, _ = _event_with_bookings(session, w)
    setup.cancel_event(session, event, by=w.officer)


def email_templates() -> set[str]:
    return {path.stem for path in TEMPLATES.glob("*.txt")}


def test_every_email_template_has_a_scenario() -> None:
    assert email_templates() == set(SCENARIOS)


@contextmanager
def rendered(app: Flask) -> Iterator[list[str]]:
    """The names of the templates rendered inside the block."""
    names: list[str] = []

    def record(sender: Flask, template: Any, context: dict[str, Any], **extra: Any) -> None:
        names.append(template.name)

    with template_rendered.connected_to(record, app):
        yield names


def check_outbox(session: Session) -> list[OutboxMessage]:
    messages = list(session.scalars(select(OutboxMessage)))
    for message in messages:
        subject = message.subject
        assert subject, "an email without a subject"
        assert len(subject) <= MAX_SUBJECT_LENGTH, subject
        assert is_one_line(subject), repr(subject)
        assert subject == subject.strip()
        built = build_message(OutgoingEmail(message.id, message.to, subject, message.body, message.created_at), SENDER)
        parsed = message_from_bytes(built.as_bytes(), policy=policy.default)
        assert set(parsed.keys()) <= HEADERS, parsed.keys()
        # A long subject is folded onto continuation lines, which unfold to the same text. (The
        # email package can drop a space between two encoded words when it folds: CPython gh-144156.)
        assert "".join(str(parsed["Subject"]).split()) == "".join(subject.split())
        assert str(parsed["To"]) == message.to
    return messages


@pytest.mark.parametrize("template", sorted(SCENARIOS))
@settings(
    max_examples=4,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=TYPED)
@example(text=LONGEST)
@example(text="W" * 200)
@example(text=INJECTION)
@example(text=BIDI_AND_EMOJI)
@example(text=CONTROLS)
@example(text=" \t ")
def test_every_email_is_sent_with_a_safe_subject_whatever_people_typed(
    app: Flask, session: Session, template: str, text: str
) -> None:
    status, scenario = SCENARIOS[template]
    # The test's own session: inside the request context below, db.session would be another one.
    own = session()
    try:
        with app.test_request_context(), rendered(app) as names:
            scenario(own, build_world(own, text, status))
            own.flush()
        assert f"emails/{template}.txt" in names
        assert check_outbox(own)
    finally:
        own.rollback()
