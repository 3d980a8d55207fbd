"""How a person is sent their sign-in codes and reminders: by email, or by text message to a UK mobile.

A person chooses for themselves, on *How we contact you*; every change is in
the audit log (with the number's last three digits only). The number is kept
in E.164 form (``portal.services.people.phones``). Other messages (decisions,
awards, messages from the team) always go by email.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.infra.i18n import gettext
from portal.models.audit import AuditAction
from portal.models.organisations import Membership, Organisation
from portal.models.users import User
from portal.services.audit import record
from portal.services.messages.notify import texts_enabled, wants_texts
from portal.services.people import phones


class ContactRefused(Exception):
    """The choice cannot be saved: ``message`` says why, in the person's words."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ContactChoice:
    by_text: bool
    # The number as the person reads it ("07700 900123"), or the suggested one, or "".
    mobile: str
    # Where the suggested number came from: a group's name, when the person has not given one.
    suggested_from: str | None = None


def current_choice(session: Session, user: User) -> ContactChoice:
    """What the page shows: the person's choice, and their number or, failing that, their group's mobile."""
    if user.phone:
        return ContactChoice(by_text=wants_texts(user), mobile=phones.national(user.phone))
    suggestion = suggested_mobile(session, user)
    if suggestion is None:
        return ContactChoice(by_text=False, mobile="")
    number, group = suggestion
    return ContactChoice(by_text=False, mobile=phones.national(number), suggested_from=group)


def suggested_mobile(session: Session, user: User) -> tuple[str, str] | None:
    """The first of the person's groups' contact numbers that is a UK mobile, with the group's name."""
    rows = session.execute(
        select(Organisation.contact_phone, Organisation.name)
        .join(Membership, Membership.organisation_id == Organisation.id)
        .where(Membership.user_id == user.id, Organisation.contact_phone != "")
        .order_by(Organisation.name, Organisation.id)
    ).all()
    for phone, name in rows:
        number = phones.uk_mobile(phone)
        if number is not None:
            return number, name
    return None


def set_contact(session: Session, user: User, *, by_text: bool, mobile: str, by: User) -> bool:
    """Save how ``user`` is sent codes and reminders; True if anything changed.

    Only the person themselves may choose. ``mobile`` may be blank unless
    ``by_text``; when given it must be a UK mobile. Nothing is saved when
    refused.
    """
    if by.id != user.id:
        raise ContactRefused(gettext("Only the person themselves can choose how we contact them"))
    if by_text and not texts_enabled():
        raise ContactRefused(gettext("We cannot send text messages at the moment: choose email"))
    number = phones.uk_mobile(mobile) if mobile.strip() else None
    if mobile.strip() and number is None:
        raise ContactRefused(gettext("Enter a UK mobile number, like 07700 900123"))
    if by_text and number is None:
        raise ContactRefused(gettext("Enter the UK mobile number to send text messages to"))
    if (user.contact_by_text, user.phone) == (by_text, number):
        return False
    before = _describe(user.contact_by_text, user.phone)
    user.contact_by_text = by_text
    user.phone = number
    record(
        session,
        by,
        AuditAction.CONTACT_CHOICE_CHANGED,
        user,
        summary=f"From {before} to {_describe(by_text, number)}",
    )
    session.flush()
    return True


def _describe(by_text: bool, number: str | None) -> str:
    """The choice as the audit log tells it: never the whole number."""
    kept = f", mobile ending {phones.masked(number)}" if number else ", no mobile"
    return ("texts" if by_text else "email") + kept
