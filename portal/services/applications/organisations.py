"""A community group's profile and the people who can act for it.

Every application of a group uses its profile, so the profile is kept in one
place and checked here: registration numbers by format, the postcode by UK
format (its neighbourhood is derived from it), and, for an unconstituted
group, who will look after the money instead of a governing document.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import ColumnElement, Select, exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal.errors import DomainError
from portal.infra.i18n import _l, gettext
from portal.models.audit import AuditAction
from portal.models.organisations import Membership, Organisation, OrganisationKind
from portal.models.users import User
from portal.services import audit
from portal.services.applications.postcodes import neighbourhood_for, normalise_postcode
from portal.services.messages import notify
from portal.services.messages.links import absolute_url

# England and Wales: 6 or 7 digits, with an optional "-N" for a linked charity;
# Scotland SC + 6 digits; Northern Ireland NIC + 6 digits (or 6 digits from 100000).
_CHARITY_NUMBER = re.compile(r"(\d{6,7}(-\d{1,2})?|SC\d{6}|NIC\d{6})")
# Companies House: 8 characters, digits or a two-letter prefix (SC, NI, OC, …) + 6 digits.
_COMPANY_NUMBER = re.compile(r"(\d{8}|[A-Z]{2}\d{6}|R0\d{6})")

FIELD_LABELS = {
    "name": "name",
    "kind": _l("kind of group"),
    "charity_number": _l("charity number"),
    "company_number": _l("company number"),
    "address": "address",
    "postcode": "postcode",
    "income_band": "income",
    "contact_name": _l("contact name"),
    "contact_email": _l("contact email"),
    "contact_phone": _l("contact phone"),
    "money_holders": _l("people looking after the money"),
    "partner_organisation": _l("partner organisation"),
}


def normalise_charity_number(raw: str | None) -> str | None:
    """``"sc 012345"`` → ``"SC012345"``; None when it is not a charity number."""
    text = re.sub(r"\s+", "", raw or "").upper()
    return text if _CHARITY_NUMBER.fullmatch(text) else None


def normalise_company_number(raw: str | None) -> str | None:
    """``"1234567"`` → ``"01234567"`` (the leading zero matters); None when it is not one."""
    text = re.sub(r"\s+", "", raw or "").upper()
    if text.isdigit() and 1 <= len(text) < 8:
        text = text.zfill(8)
    return text if _COMPANY_NUMBER.fullmatch(text) else None


def money_holder_names(organisation: Organisation) -> list[str]:
    """The two people an unconstituted group named, one per line in ``money_holders``."""
    return [line.strip() for line in (organisation.money_holders or "").splitlines() if line.strip()]


def needs_governing_document(organisation: Organisation) -> bool:
    """False for an unconstituted group that named two money holders or a partner organisation."""
    if organisation.kind is not OrganisationKind.UNCONSTITUTED:
        return True
    return not (len(money_holder_names(organisation)) >= 2 or organisation.partner_organisation)


def missing_profile_details(organisation: Organisation) -> list[str]:
    """What the profile still lacks before the group can send an application, in plain words."""
    gaps = []
    if organisation.kind is OrganisationKind.CHARITY and not organisation.charity_number:
        gaps.append(gettext("Add your charity number"))
    if organisation.kind in (OrganisationKind.CIC, OrganisationKind.COMPANY) and not organisation.company_number:
        gaps.append(gettext("Add your company number"))
    if not organisation.address or not organisation.postcode:
        gaps.append(gettext("Add your group's address and postcode"))
    if organisation.income_band is None:
        gaps.append(gettext("Tell us your group's yearly income"))
    if not organisation.contact_name or not organisation.contact_email:
        gaps.append(gettext("Add a contact name and email address"))
    if organisation.kind is OrganisationKind.UNCONSTITUTED and needs_governing_document(organisation):
        gaps.append(gettext("Tell us who will look after the money"))
    return gaps


def member_of(user: User, organisation_id: Any) -> ColumnElement[bool]:
    """The membership rule as an SQL condition (``organisation_id`` a value or a column), so a page can load a
    group's object and learn whether the person may see it in the same query."""
    return exists().where(Membership.user_id == user.id, Membership.organisation_id == organisation_id)


def is_member(session: Session, user: User, organisation_id: int) -> bool:
    """Whether ``user`` may act for the group: the one membership rule every page and service asks."""
    return bool(session.scalar(select(member_of(user, organisation_id))))


def group_ids_of(user: User) -> Select[int]:
    """The ids of ``user``'s groups, as a query other queries can filter by."""
    return select(Membership.organisation_id).where(Membership.user_id == user.id)


def groups_of(session: Session, user: User) -> list[Organisation]:
    return list(
        session.scalars(
            select(Organisation)
            .where(Organisation.id.in_(group_ids_of(user)))
            .order_by(Organisation.name, Organisation.id)
        )
    )


def create_group(session: Session, *, by: User, name: str, kind: OrganisationKind) -> Organisation:
    organisation = Organisation(name=name.strip(), kind=kind, contact_name=by.name or "", contact_email=by.email)
    organisation.memberships.append(Membership(user=by))
    session.add(organisation)
    session.flush()
    audit.record(session, by, AuditAction.GROUP_CREATED, organisation, f"{organisation.name} ({kind.label})")
    session.flush()
    return organisation


def update_group(session: Session, organisation: Organisation, *, by: User, **changes: Any) -> list[str]:
    """Change some of the profile's fields; return the labels of those that changed.

    A postcode is stored normalised and sets the neighbourhood it is in.
    """
    if "postcode" in changes:
        postcode = normalise_postcode(changes["postcode"])
        if postcode is None:
            raise DomainError(gettext("Enter a real postcode, like WD24 4AB"))
        changes["postcode"] = postcode
        neighbourhood = neighbourhood_for(session, postcode)
        organisation.neighbourhood_id = neighbourhood.id if neighbourhood is not None else None
    changed = []
    for field, value in changes.items():
        if field not in FIELD_LABELS:
            raise ValueError(f"not a profile field: {field}")
        if getattr(organisation, field) != value:
            setattr(organisation, field, value)
            changed.append(str(FIELD_LABELS[field]))
    if changed:
        audit.record(session, by, AuditAction.GROUP_DETAILS_CHANGED, organisation, "Changed: " + ", ".join(changed))
    session.flush()
    return changed


def _members(organisation_id: int) -> Select[User]:
    return (
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.organisation_id == organisation_id)
    )


def members_of(session: Session, organisation: Organisation) -> list[User]:
    return list(session.scalars(_members(organisation.id).order_by(User.name, User.email)))


def active_members(session: Session, organisation_id: int) -> list[User]:
    """The members the portal writes to: a deactivated account gets no more emails."""
    return list(session.scalars(_members(organisation_id).where(User.active.is_(True)).order_by(User.email)))


def members_emails(session: Session, organisation_id: int) -> list[str]:
    return [member.email for member in active_members(session, organisation_id)]


def add_member(session: Session, organisation: Organisation, *, by: User, email: str, name: str) -> User:
    """Add someone (making their account if they have none) and email them."""
    email = email.strip().lower()
    user = session.scalar(select(User).where(User.email == email))
    if user is None:
        user = User(email=email, name=name.strip())
        try:
            with session.begin_nested():
                session.add(user)
                session.flush()
        except IntegrityError:
            user = session.scalar(select(User).where(User.email == email))
            assert user is not None
    if is_member(session, user, organisation.id):
        raise DomainError(
            gettext(
                "%(email)s is already a member of %(organisation_name)s.",
                email=email,
                organisation_name=organisation.name,
            )
        )
    session.add(Membership(user=user, organisation=organisation))
    session.flush()
    audit.record(session, by, AuditAction.MEMBER_ADDED, organisation, email)
    notify.queue_email(
        session,
        to=email,
        subject=_l("You have been added to %(organisation_name)s", organisation_name=organisation.name),
        template="member_added",
        organisation=organisation,
        inviter=by,
        name=user.name,
        sign_in_url=absolute_url("auth.start"),
    )
    session.flush()
    return user


def remove_member(session: Session, organisation: Organisation, member: User, *, by: User) -> None:
    """Take someone out of the group; a group always keeps at least one member."""
    membership = session.scalar(
        select(Membership).where(Membership.user_id == member.id, Membership.organisation_id == organisation.id)
    )
    if membership is None:
        raise DomainError(gettext("That person is not a member of this group."))
    count = session.scalar(select(func.count(Membership.id)).where(Membership.organisation_id == organisation.id))
    if (count or 0) <= 1:
        raise DomainError(gettext("A group needs at least one member. Add someone else before you remove this person."))
    session.delete(membership)
    audit.record(session, by, AuditAction.MEMBER_REMOVED, organisation, member.email)
    session.flush()
