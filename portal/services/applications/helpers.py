"""A community connector (or an officer) applying alongside a group.

The helper starts a draft on the group's behalf and fills it through the group's own pages; every save
is audited as made on the group's behalf and the sections the helper changed last are remembered for the
group to see. The helper never sends: they ask the group to confirm, by an emailed single-use link and a
6-digit code, and the group's member sends it through the normal submission. Any later change by the
helper makes the earlier link and code stop working, so the group always confirms what it will send.
Nothing here is for panels: helped_by and the helper's audit entries stay with the group and staff.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta
from types import ModuleType

from sqlalchemy import exists, select, update
from sqlalchemy.orm import Session

from portal.errors import DomainError
from portal.infra.database import rowcount
from portal.infra.i18n import _l, gettext
from portal.models.applications import Application, ApplicationStatus, GroupConfirmation
from portal.models.audit import AuditAction
from portal.models.base import utcnow
from portal.models.funding import Round
from portal.models.organisations import Organisation, OrganisationKind
from portal.models.users import Role, User
from portal.services import audit
from portal.services.applications import organisations
from portal.services.messages import notify
from portal.services.messages.links import absolute_url

CONFIRMATION_LIFETIME = timedelta(days=14)


def _lifecycle() -> ModuleType:
    # lifecycle and evidence call note_change after every save, so lifecycle is imported when first used.
    from portal.services.applications import lifecycle

    return lifecycle


def may_help(user: User) -> bool:
    """Connectors and officers may start and fill applications for groups."""
    return user.has_role(Role.CONNECTOR) or user.has_role(Role.OFFICER)


def is_helper(user: User, application: Application) -> bool:
    return application.helped_by_id is not None and application.helped_by_id == user.id


def acting_as_helper(session: Session, user: User, application: Application) -> bool:
    """Whether ``user`` is filling the application as its helper rather than as one of the group."""
    return is_helper(user, application) and not organisations.is_member(session, user, application.organisation_id)


def may_fill(session: Session, user: User, application: Application) -> bool:
    """Who may fill the group's application: a member of the group, or its helper while it is a draft
    (and while they still hold a role that helps)."""
    if organisations.is_member(session, user, application.organisation_id):
        return True
    return is_helper(user, application) and application.status is ApplicationStatus.DRAFT and may_help(user)


def may_fill_profile(session: Session, user: User, organisation_id: int) -> bool:
    """The group's profile is part of its application: a member, or the helper of one of its drafts, may fill
    it in (its members and bank details stay the group's own)."""
    if organisations.is_member(session, user, organisation_id):
        return True
    helping = exists().where(
        Application.organisation_id == organisation_id,
        Application.helped_by_id == user.id,
        Application.status == ApplicationStatus.DRAFT,
    )
    return may_help(user) and bool(session.scalar(select(helping)))


def helps_group(session: Session, user: User, organisation_id: int) -> bool:
    """Whether ``user`` has helped the group with an application before (a connector's groups)."""
    return bool(
        session.scalar(
            select(exists().where(Application.organisation_id == organisation_id, Application.helped_by_id == user.id))
        )
    )


def helped_applications(session: Session, user: User) -> list[Application]:
    """The applications ``user`` helped with, newest first."""
    return list(
        session.scalars(
            select(Application).where(Application.helped_by_id == user.id).order_by(Application.created_at.desc())
        )
    )


def groups_helped(session: Session, user: User) -> list[Organisation]:
    helped = select(Application.organisation_id).where(Application.helped_by_id == user.id)
    return list(
        session.scalars(
            select(Organisation).where(Organisation.id.in_(helped)).order_by(Organisation.name, Organisation.id)
        )
    )


def groups_to_choose(session: Session, user: User, search: str = "") -> list[Organisation]:
    """The groups ``user`` may start an application for: any group for an officer (searched by name),
    the groups a connector already helps."""
    if user.has_role(Role.OFFICER):
        query = select(Organisation).order_by(Organisation.name, Organisation.id).limit(50)
        if search.strip():
            query = query.where(Organisation.name.ilike(f"%{search.strip()}%"))
        return list(session.scalars(query))
    return groups_helped(session, user)


@dataclass(frozen=True)
class NewGroup:
    name: str
    kind: OrganisationKind
    contact_name: str
    contact_email: str


def start_on_behalf(
    session: Session,
    grant_round: Round,
    *,
    by: User,
    organisation: Organisation | None = None,
    new_group: NewGroup | None = None,
) -> Application:
    """Start (or find) the group's draft for the round, recorded as helped by ``by``."""
    if not may_help(by):
        raise DomainError(gettext("Only a community connector or an officer can start an application for a group."))
    if new_group is not None:
        _lifecycle().ensure_round_open(grant_round)
        organisation = Organisation(
            name=new_group.name.strip(),
            kind=new_group.kind,
            contact_name=new_group.contact_name.strip(),
            contact_email=new_group.contact_email.strip().lower(),
        )
        session.add(organisation)
        session.flush()
        audit.record(
            session, by, AuditAction.GROUP_CREATED, organisation, f"{organisation.name} ({new_group.kind.label})"
        )
        # The group's contact becomes its member, told by email like anyone added to a group.
        organisations.add_member(
            session, organisation, by=by, email=new_group.contact_email, name=new_group.contact_name
        )
    if organisation is None:
        raise DomainError(gettext("Choose a group or add a new one."))
    if not by.has_role(Role.OFFICER) and new_group is None and not helps_group(session, by, organisation.id):
        raise DomainError(gettext("You can only start applications for groups you already help."))
    application: Application = _lifecycle().start_application(session, grant_round, organisation, by=by)
    if application.helped_by_id is None and application.status is ApplicationStatus.DRAFT:
        if organisations.is_member(session, by, organisation.id):
            return application  # a member applying for their own group needs no confirmation
        if application.created_by_id != by.id:
            raise DomainError(gettext("This group has already started its application to this round."))
        application.helped_by = by
        application.helper_sections = []
        session.flush()
    elif application.helped_by_id != by.id:
        raise DomainError(gettext("This group has already started its application to this round."))
    return application


def note_change(session: Session, application: Application, key: str, *, by: User) -> None:
    """After a save: a helper's change is audited as such and remembered on the section; a member's
    change takes the section back as the group's own."""
    sections = list(application.helper_sections or [])
    if is_helper(by, application) and not organisations.is_member(session, by, application.organisation_id):
        if key not in sections:
            application.helper_sections = [*sections, key]
        audit.record(
            session,
            by,
            AuditAction.APPLICATION_CHANGED_ON_BEHALF,
            application,
            f"{by.name or by.email} changed {key} on behalf of {application.organisation.name}",
        )
        _withdraw_confirmations(session, application)
    elif key in sections:
        application.helper_sections = [name for name in sections if name != key]
    session.flush()


def ensure_may_send(session: Session, application: Application, *, by: User) -> None:
    """Only the group sends: a helper asks the group to confirm instead."""
    if not organisations.is_member(session, by, application.organisation_id):
        raise DomainError(gettext("Only the group can send its application. Ask the group to confirm it."))


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _code_hash(application_id: int, code: str) -> str:
    # Salted by the application, so equal codes for two applications hash apart.
    return _hash(f"{application_id}:{code.strip()}")


def _withdraw_confirmations(session: Session, application: Application) -> None:
    session.execute(
        update(GroupConfirmation)
        .where(GroupConfirmation.application_id == application.id, GroupConfirmation.used_at.is_(None))
        .values(expires_at=utcnow())
        .execution_options(synchronize_session=False)
    )


@dataclass(frozen=True)
class ConfirmationRequest:
    confirmation: GroupConfirmation
    token: str
    code: str


def ask_group_to_confirm(session: Session, application: Application, *, by: User) -> ConfirmationRequest:
    """Email the group's members a link and a code to confirm and send the helped draft."""
    if not is_helper(by, application) or not may_help(by):
        raise DomainError(gettext("Only the person helping with this application can ask the group to confirm it."))
    _lifecycle().ensure_draft(application)
    members = organisations.active_members(session, application.organisation_id)
    if not members:
        raise DomainError(gettext("The group has nobody to confirm it. Add the group's contact as a member first."))
    _withdraw_confirmations(session, application)
    session.flush()
    token = secrets.token_urlsafe(32)
    code = f"{secrets.randbelow(1_000_000):06d}"
    confirmation = GroupConfirmation(
        application_id=application.id,
        token_hash=_hash(token),
        code_hash=_code_hash(application.id, code),
        application_version=application.version,
        requested_by_id=by.id,
        expires_at=utcnow() + CONFIRMATION_LIFETIME,
    )
    session.add(confirmation)
    session.flush()
    audit.record(
        session,
        by,
        AuditAction.GROUP_CONFIRMATION_REQUESTED,
        application,
        f"{by.name or by.email} asked {application.organisation.name} to confirm",
    )
    for member in members:
        notify.queue_email(
            session,
            to=member.email,
            subject=_l("Please check and send your application"),
            template="group_confirmation",
            secrets={"code": code, "confirm_url": absolute_url("apply.confirm_link", token=token)},
            application=application,
            organisation=application.organisation,
            helper=by,
            name=member.name,
        )
    session.flush()
    return ConfirmationRequest(confirmation, token, code)


def _usable(confirmation: GroupConfirmation, application: Application) -> bool:
    return (
        confirmation.used_at is None
        and confirmation.expires_at > utcnow()
        and confirmation.application_version == application.version
        and application.status is ApplicationStatus.DRAFT
    )


def confirmation_for_token(session: Session, token: str, *, by: User) -> GroupConfirmation:
    """The confirmation the link stands for, if it still works and ``by`` belongs to the group."""
    confirmation = session.scalar(select(GroupConfirmation).where(GroupConfirmation.token_hash == _hash(token)))
    return _check(session, confirmation, by=by)


def confirmation_for_code(session: Session, code: str, *, by: User) -> GroupConfirmation:
    """The confirmation a code typed by a group member stands for (among their groups' helped drafts)."""
    code = code.strip()
    if not (len(code) == 6 and code.isdigit()):
        raise DomainError(gettext("Enter the 6-digit code from the email."))
    candidates = session.scalars(
        select(GroupConfirmation)
        .join(Application, Application.id == GroupConfirmation.application_id)
        .where(
            Application.organisation_id.in_(organisations.group_ids_of(by)),
            GroupConfirmation.used_at.is_(None),
            GroupConfirmation.expires_at > utcnow(),
        )
    )
    for confirmation in candidates:
        if hmac.compare_digest(confirmation.code_hash, _code_hash(confirmation.application_id, code)):
            return _check(session, confirmation, by=by)
    raise DomainError(gettext("That code does not work. It may have expired, or the application changed since."))


class NotTheGroups(DomainError):
    """No such confirmation, or not one for a group of the person: pages say "not found", revealing nothing."""


def _check(session: Session, confirmation: GroupConfirmation | None, *, by: User) -> GroupConfirmation:
    application = session.get(Application, confirmation.application_id) if confirmation is not None else None
    if confirmation is None or application is None:
        raise NotTheGroups(gettext("That link does not work. Ask the person helping you to send a new one."))
    if not organisations.is_member(session, by, application.organisation_id):
        raise NotTheGroups(gettext("Only a member of the group can confirm its application."))
    if not _usable(confirmation, application):
        raise DomainError(
            gettext("That link or code no longer works: it has expired, been used, or the application changed since.")
        )
    return confirmation


def confirm_and_send(session: Session, confirmation: GroupConfirmation, *, by: User) -> Application:
    """The group's member confirms: the confirmation is used once and the application is sent as theirs."""
    confirmation = _check(session, confirmation, by=by)
    claimed = rowcount(
        session.execute(
            update(GroupConfirmation)
            .where(GroupConfirmation.id == confirmation.id, GroupConfirmation.used_at.is_(None))
            .values(used_at=utcnow())
            .execution_options(synchronize_session=False)
        )
    )
    if claimed != 1:
        raise DomainError(gettext("That link or code has already been used."))
    application: Application = session.get_one(Application, confirmation.application_id)
    audit.record(
        session,
        by,
        AuditAction.APPLICATION_CONFIRMED_BY_GROUP,
        application,
        f"{by.name or by.email} confirmed for {application.organisation.name}",
    )
    _lifecycle().submit_application(session, application, by=by)
    session.flush()
    return application
