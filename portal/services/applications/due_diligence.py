"""The eligibility and due-diligence checks an officer makes on an application.

Each check says plainly what it found, so an officer can follow it up. The
checks read a fixed number of queries however many groups applied to the
round: bank details are compared only for accounts whose last four digits
match (the rest are never decrypted), and are never shown or logged.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session, aliased

from portal.errors import DomainError
from portal.formatting import date_long, uk_time
from portal.infra.i18n import gettext
from portal.models.applications import Application, ApplicationStatus, EvidenceKind
from portal.models.awards import Award, AwardStatus, MonitoringReport
from portal.models.base import utcnow
from portal.models.funding import Round
from portal.models.organisations import Membership, Organisation
from portal.models.users import User
from portal.services.applications import eligibility
from portal.services.applications import form as form_rules
from portal.services.applications.organisations import money_holder_names, needs_governing_document
from portal.services.awards import bank_details
from portal.workflow import AWARD_LABELS, LIVE_AWARD_STATES

# An award still running: live and not yet closed after its report.
OPEN_AWARD_STATES = LIVE_AWARD_STATES - {AwardStatus.CLOSED}


@dataclass(frozen=True)
class Check:
    what: str
    # None where the check does not apply.
    passed: bool | None
    # What was found when it did not pass, one plain sentence each.
    found: list[str] = field(default_factory=list)


def checklist(session: Session, application: Application) -> list[Check]:
    """The eligibility and due-diligence checks, in the order an officer reads them."""
    organisation = application.organisation
    kinds = {e.kind for e in application.evidence}
    at_risk = form_rules.answer(application, "benefit", "at_risk") == "yes"
    open_grants = open_grants_of_fund(session, application)
    overdue = overdue_reports(session, organisation)
    shared = shared_with_others(session, application)
    return [
        Check(
            gettext("Governing document, or two people responsible for the money, or a partner organisation"),
            EvidenceKind.GOVERNING_DOCUMENT in kinds or not needs_governing_document(organisation),
        ),
        Check(gettext("A bank statement in the group's (or partner's) name"), EvidenceKind.BANK_STATEMENT in kinds),
        Check(
            gettext("A safeguarding policy (the work involves children or adults at risk)"),
            EvidenceKind.SAFEGUARDING_POLICY in kinds if at_risk else None,
        ),
        Check(gettext("Holds no open grant from the same fund"), not open_grants, open_grants),
        Check(gettext("Has no overdue end-of-grant report"), not overdue, overdue),
        Check(
            gettext("Shares no bank details, money holder or contact person with another group in this round"),
            not shared,
            shared,
        ),
        *eligibility_checks(application),
    ]


def eligibility_checks(application: Application) -> list[Check]:
    """The round's eligibility rules applied to the group's saved details, by the checker's own rule
    (``eligibility.failed_rules``); a rule the round does not have does not apply."""
    grant_round, organisation = application.round, application.organisation
    asked = eligibility.questions_for(grant_round)
    failed = eligibility.failed_rules(
        grant_round,
        in_area=organisation.neighbourhood_id in {n.id for n in grant_round.neighbourhoods},
        kind=organisation.kind.value,
        income_band=organisation.income_band.value if organisation.income_band else None,
    )
    rules = (
        ("postcode", gettext("Works in one of the round's neighbourhoods")),
        ("group", gettext("A kind of group the round funds")),
        ("income", gettext("A yearly income the round funds")),
    )
    return [Check(what, question not in failed if question in asked else None) for question, what in rules]


def open_grants_of_fund(session: Session, application: Application) -> list[str]:
    """The group's other grants from the same fund (any round) that are still running."""
    rows = session.execute(
        select(Application.reference, Round.title, Award.status)
        .join(Application, Application.id == Award.application_id)
        .join(Round, Round.id == Award.round_id)
        .where(
            Application.organisation_id == application.organisation_id,
            Application.id != application.id,
            Round.fund_id == application.round.fund_id,
            Award.status.in_(OPEN_AWARD_STATES),
        )
        .order_by(Award.offered_at)
    )
    return [
        gettext(
            "Holds an open grant from the same fund: %(reference)s (%(title)s, %(status)s)",
            reference=reference,
            title=title,
            status=AWARD_LABELS[status].lower(),
        )
        for reference, title, status in rows
    ]


def overdue_reports(session: Session, organisation: Organisation) -> list[str]:
    """End-of-grant reports of the group's live grants that are past their due date and not sent."""
    today = uk_time(utcnow()).date()
    rows = session.execute(
        select(Application.reference, MonitoringReport.due_on)
        .join(Award, Award.id == MonitoringReport.award_id)
        .join(Application, Application.id == Award.application_id)
        .where(
            Application.organisation_id == organisation.id,
            Award.status.in_(LIVE_AWARD_STATES),
            MonitoringReport.submitted_at.is_(None),
            MonitoringReport.due_on < today,
        )
        .order_by(MonitoringReport.due_on)
    )
    return [
        gettext(
            "The end-of-grant report for %(reference)s was due on %(date)s and has not been sent",
            reference=reference,
            date=date_long(due_on),
        )
        for reference, due_on in rows
    ]


def _others_in_round(application: Application) -> tuple[ColumnElement[bool], ...]:
    """Conditions naming the other groups' sent applications to the same round."""
    return (
        Application.round_id == application.round_id,
        Application.organisation_id != application.organisation_id,
        Application.status != ApplicationStatus.DRAFT,
    )


def shared_with_others(session: Session, application: Application) -> list[str]:
    """Other groups that applied to the round and share bank details, a money holder or a contact person."""
    found = _shared_bank_details(session, application)
    found += _shared_people(session, application)
    return found


def _account(token: bytes) -> tuple[str, str] | None:
    try:
        details = bank_details.decrypt(token)
    except DomainError:  # a key no longer held: nothing to compare
        return None
    return _digits(details.sort_code), _digits(details.account_number)


def _shared_bank_details(session: Session, application: Application) -> list[str]:
    mine = session.execute(
        select(Award.bank_account_last4, Award.bank_details_encrypted)
        .join(Application, Application.id == Award.application_id)
        .where(Application.organisation_id == application.organisation_id, Award.bank_details_encrypted.is_not(None))
    ).all()
    if not mine:
        return []
    accounts = {_account(token) for _last4, token in mine if token is not None} - {None}
    awarded = aliased(Application)
    candidates = session.execute(
        select(Organisation.name, Application.reference, Award.bank_details_encrypted)
        .select_from(Award)
        .join(awarded, awarded.id == Award.application_id)
        .join(Application, Application.organisation_id == awarded.organisation_id)
        .join(Organisation, Organisation.id == Application.organisation_id)
        .where(*_others_in_round(application), Award.bank_account_last4.in_({last4 for last4, _ in mine}))
        .order_by(Application.reference)
    ).all()
    named: dict[str, str] = {}
    for name, reference, token in candidates:
        if token is not None and _account(token) in accounts:
            named.setdefault(
                reference or name,
                gettext("Shares bank details with %(name)s (%(reference)s)", name=name, reference=reference),
            )
    return list(named.values())


@dataclass(frozen=True)
class _Person:
    name: str
    email: str
    phone: str
    holds_money: bool


def _words(text: str | None) -> str:
    """A name or email address as compared: without case or extra spaces."""
    return " ".join((text or "").casefold().split())


def _digits(text: str | None) -> str:
    """A phone, sort code or account number as compared: its digits only."""
    return re.sub(r"\D", "", text or "")


def _people(organisation: Organisation, members: Iterable[tuple[str, str, str | None]]) -> list[_Person]:
    """The contact person and the money holders, each with an email address and phone number where known.

    Money holders are given by name only; one who is also the contact or a member takes their
    address and phone number. A name alone never makes two people the same.
    """
    contact = (_words(organisation.contact_name), _words(organisation.contact_email))
    known = [(*contact, _digits(organisation.contact_phone))]
    known += [(_words(n), _words(e), _digits(p)) for n, e, p in members]
    people = [_Person(*known[0], holds_money=False)]
    for holder in money_holder_names(organisation):
        name = _words(holder)
        matches = [k for k in known if k[0] == name] or [(name, "", "")]
        people += [_Person(*match, holds_money=True) for match in matches]
    return people


def _same(a: _Person, b: _Person) -> bool:
    return bool(a.email and a.email == b.email) or bool(a.phone and a.name and (a.name, a.phone) == (b.name, b.phone))


def _shared_people(session: Session, application: Application) -> list[str]:
    others = session.execute(
        select(Organisation, Application.reference)
        .join(Application, Application.organisation_id == Organisation.id)
        .where(*_others_in_round(application))
        .order_by(Application.reference)
    ).all()
    if not others:
        return []
    in_round = select(Application.organisation_id).where(Application.round_id == application.round_id)
    members: dict[int, list[tuple[str, str, str | None]]] = {}
    for organisation_id, name, email, phone in session.execute(
        select(Membership.organisation_id, User.name, User.email, User.phone)
        .join(User, User.id == Membership.user_id)
        .where(Membership.organisation_id.in_(in_round))
    ):
        members.setdefault(organisation_id, []).append((name, email, phone))
    mine = _people(application.organisation, members.get(application.organisation_id, []))
    found = []
    for organisation, reference in others:
        theirs = _people(organisation, members.get(organisation.id, []))
        pairs = [(a, b) for a in mine for b in theirs if _same(a, b)]
        if any(a.holds_money or b.holds_money for a, b in pairs):
            found.append(
                gettext(
                    "Shares a money holder with %(name)s (%(reference)s)", name=organisation.name, reference=reference
                )
            )
        elif pairs:
            found.append(
                gettext(
                    "Shares its contact person with %(name)s (%(reference)s)",
                    name=organisation.name,
                    reference=reference,
                )
            )
    return found
