"""A person's UK GDPR right to erasure, carried out by an administrator."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import JSON, Enum, String, Text, delete, func, or_, select, update
from sqlalchemy.orm import Session

from portal.errors import DomainError
from portal.infra.database import rowcount
from portal.infra.i18n import gettext
from portal.models.applications import Application, Evidence
from portal.models.audit import AuditAction, AuditEntry
from portal.models.awards import Award, AwardStatus
from portal.models.base import Base, utcnow
from portal.models.events import Registration
from portal.models.organisations import Membership, Organisation
from portal.models.outbox import Channel, OutboxMessage
from portal.models.users import SignInRequest, User, UserSession
from portal.services.applications.evidence import owning_organisation_id
from portal.services.audit import record
from portal.services.people.your_data import (
    ERASED,
    ERASED_NAME,
    MIN_NEEDLE_LENGTH,
    _organisation_ids,
    _uploaded,
    tombstone_email,
)
from portal.storage.base import Storage


@dataclass(frozen=True)
class ErasureResult:
    sessions_ended: int
    files_deleted: int
    rows_scrubbed: int


def _needles(user: User) -> list[str]:
    needles = [user.email.lower()]
    for value in (user.name, user.phone):
        if value and len(value.strip()) >= MIN_NEEDLE_LENGTH:
            needles.append(value.strip().lower())
    return needles


def _text_columns(skip_tables: Iterable[str] = ()) -> Iterator[tuple[Any, Any, bool]]:
    """(table, column, is_json) for every free-text or JSON column the models declare."""
    skipped = set(skip_tables)
    for table in Base.metadata.sorted_tables:
        if table.name in skipped:
            continue
        for column in table.columns:
            if column.primary_key or isinstance(column.type, Enum):
                continue
            if isinstance(column.type, String | Text):
                yield table, column, False
            elif isinstance(column.type, JSON):
                yield table, column, True


def _replace_in(value: Any, pattern: re.Pattern[str]) -> Any:
    if isinstance(value, str):
        return pattern.sub(ERASED, value)
    if isinstance(value, list):
        return [_replace_in(item, pattern) for item in value]
    if isinstance(value, dict):
        return {key: _replace_in(item, pattern) for key, item in value.items()}
    return value


def scrub_text(session: Session, needles: list[str], *, skip_tables: Iterable[str] = ()) -> int:
    """Replace every occurrence of ``needles`` (any case) in every text and JSON column; return rows changed."""
    pattern = re.compile("|".join(re.escape(needle) for needle in sorted(needles, key=len, reverse=True)), re.I)
    changed = 0
    for table, column, is_json in _text_columns(skip_tables):
        keys = list(table.primary_key.columns)
        query = select(*keys, column)
        if not is_json:
            query = query.where(or_(*(func.lower(column).contains(needle, autoescape=True) for needle in needles)))
        else:
            query = query.where(column.is_not(None))
        for row in session.execute(query).all():
            value = row[-1]
            new = _replace_in(value, pattern)
            if new == value:
                continue
            condition = [key == row[index] for index, key in enumerate(keys)]
            session.execute(update(table).where(*condition).values({column.name: new}))
            changed += 1
    return changed


def delete_files(session: Session, storage: Storage, evidence: Iterable[Evidence], why: str, *, by: User | None) -> int:
    """Delete each file (and its thumbnail) from storage and its Evidence row; the audit
    entries name the file by id and kind only, never by its original name."""
    deleted = 0
    for item in list(evidence):
        keys = [item.storage_key] + ([item.thumbnail_key] if item.thumbnail_key else [])
        # Earlier entries about the file (its upload) name it: the name may name a person.
        for entry in session.scalars(
            select(AuditEntry).where(AuditEntry.object_type == "Evidence", AuditEntry.object_id == item.id)
        ):
            entry.summary = entry.summary.replace(item.original_filename, ERASED)
        record(session, by, AuditAction.EVIDENCE_DELETED, item, summary=f"{item.kind.value} file, {why}")
        session.delete(item)
        session.flush()
        for key in keys:
            storage.delete(key)
        deleted += 1
    return deleted


def _clear_bank_details(session: Session, organisation_ids: list[int]) -> int:
    """Drop the bank details of these groups' awards once nothing more is to be paid.

    An unconstituted group's account is often a person's own. While a
    payment is still due the details stay, or the grant could not be paid.
    """
    cleared = 0
    awards = session.scalars(
        select(Award)
        .join(Application, Application.id == Award.application_id)
        .where(Application.organisation_id.in_(organisation_ids), Award.bank_details_encrypted.is_not(None))
    )
    for award in awards:
        finished = award.status in (AwardStatus.CLOSED, AwardStatus.CANCELLED)
        all_paid = bool(award.payments) and all(payment.paid_at is not None for payment in award.payments)
        if finished or all_paid:
            award.bank_details_encrypted = None
            award.bank_account_last4 = None
            # A confirmation or hold belongs to the details: with them gone, neither applies.
            award.bank_details_confirmed_at = None
            award.bank_details_on_hold_since = None
            cleared += 1
    return cleared


def erase_person(session: Session, storage: Storage, user: User, *, by: User | None) -> ErasureResult:
    """Replace ``user``'s personal details with neutral stand-ins everywhere the portal holds them.

    Awards, payments, applications and reviews stay (with their amounts and
    groups) for the financial and decision records; the account can no
    longer sign in. Files the person uploaded for a group they were the only
    member of are deleted. Erasing an erased person raises DomainError.
    """
    if by is not None and by.id == user.id:
        raise DomainError(gettext("You cannot erase your own account. Ask another administrator to do it."))
    session.execute(select(User.id).where(User.id == user.id).with_for_update())
    session.refresh(user)
    if user.erased_at is not None:
        raise DomainError(gettext("This person's details have already been erased."))
    needles = _needles(user)
    old_email = user.email

    organisation_ids = _organisation_ids(session, user)
    sole = [
        organisation_id
        for organisation_id in organisation_ids
        if session.scalar(select(func.count(Membership.id)).where(Membership.organisation_id == organisation_id)) == 1
    ]
    for organisation in session.scalars(select(Organisation).where(Organisation.id.in_(organisation_ids))):
        if organisation.id in sole:
            organisation.contact_name = organisation.contact_email = organisation.contact_phone = ""
            organisation.money_holders = ""
    bank_details_cleared = _clear_bank_details(session, sole)
    files = [
        evidence
        for evidence in _uploaded(session, user)
        if (owner := owning_organisation_id(session, evidence)) is None or owner in sole
    ]
    files_deleted = delete_files(session, storage, files, "deleted with the person who uploaded it", by=by)

    sessions_ended = rowcount(
        session.execute(
            delete(UserSession).where(UserSession.user_id == user.id).execution_options(synchronize_session=False)
        )
    )
    session.execute(delete(SignInRequest).where(SignInRequest.email == old_email))
    session.execute(delete(OutboxMessage).where(OutboxMessage.to == old_email))
    if user.phone:
        # Texts sent to the person's mobile (sign-in codes and reminders).
        session.execute(
            delete(OutboxMessage).where(OutboxMessage.channel == Channel.TEXT, OutboxMessage.to == user.phone)
        )
    session.execute(delete(Membership).where(Membership.user_id == user.id))
    session.execute(
        update(Registration)
        .where(Registration.user_id == user.id)
        .values(attendee_name=ERASED_NAME, access_needs="")
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(Award)
        .where(Award.accepted_by_id == user.id, Award.accepted_name.is_not(None))
        .values(accepted_name=ERASED_NAME)
        .execution_options(synchronize_session=False)
    )

    user.email = tombstone_email(user.id)
    user.name = ""
    user.phone = None
    user.contact_by_text = False
    user.password_hash = None
    user.totp_secret_encrypted = None
    user.totp_secret_unencrypted = None
    user.totp_last_step = None
    user.active = False
    user.role_grants.clear()
    user.erased_at = utcnow()
    session.flush()
    # Anything else that names them: answers, comments, notes, old audit summaries.
    rows_scrubbed = scrub_text(session, needles, skip_tables={"users"})
    record(
        session,
        by,
        AuditAction.PERSON_ERASED,
        user,
        summary=(
            f"Personal details of person {user.id} replaced; {sessions_ended} session(s) ended, "
            f"{files_deleted} file(s) deleted, {bank_details_cleared} award(s) without bank details now, "
            f"{rows_scrubbed} other record(s) cleaned"
        ),
    )
    session.flush()
    # Core updates bypassed the identity map: read everything afresh.
    session.expire_all()
    return ErasureResult(int(sessions_ended or 0), files_deleted, rows_scrubbed)
