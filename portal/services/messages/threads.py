"""Talking after the award: each award's thread between its group and the programme team, and broadcasts
to funded groups. Every message goes out through the outbox, written in the same transaction."""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from sqlalchemy import ColumnElement, exists, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal.errors import DomainError
from portal.infra.i18n import _l, gettext
from portal.models.applications import Application
from portal.models.audit import AuditAction
from portal.models.awards import Award, AwardStatus
from portal.models.base import utcnow
from portal.models.funding import Round
from portal.models.messages import AwardMessage, Broadcast
from portal.models.organisations import Membership
from portal.models.users import Role, User
from portal.plain_text import is_one_line
from portal.services import audit
from portal.services.applications.organisations import is_member, members_emails
from portal.services.files.uploads import ReceivedFile, store_all
from portal.services.messages import notify
from portal.services.messages.links import absolute_url, programme_email
from portal.storage.base import Storage

MAX_BODY = 5000
MAX_SUBJECT = 150
# Groups that hold a grant now: broadcasts reach them.
FUNDED = (AwardStatus.ACCEPTED, AwardStatus.PAID, AwardStatus.REPORT_DUE)
ALREADY_SENT = _l("This message has already been sent.")


def is_team(user: User) -> bool:
    """Officers write for the programme team."""
    return user.has_role(Role.OFFICER)


def may_talk(session: Session, award: Award, user: User) -> bool:
    """The award's group (any member) and the programme team read and write its thread; nobody else."""
    return is_team(user) or is_member(session, user, award.application.organisation_id)


def thread(session: Session, award: Award) -> list[AwardMessage]:
    return list(
        session.scalars(
            select(AwardMessage)
            .where(AwardMessage.award_id == award.id)
            .order_by(AwardMessage.sent_at, AwardMessage.id)
        )
    )


def _checked_body(body: str) -> str:
    text = body.strip()
    if not text:
        raise DomainError(gettext("Write your message"), field="body")
    if len(text) > MAX_BODY:
        raise DomainError(
            gettext("Keep the message to %(MAX_BODY)s characters or fewer", MAX_BODY=format(MAX_BODY, ",")),
            field="body",
        )
    return text


def post(
    session: Session,
    award: Award,
    *,
    by: User,
    body: str,
    storage: Storage | None = None,
    files: Iterable[ReceivedFile] = (),
) -> AwardMessage:
    """Add a message (with any files, checked by content on the way in) to the award's thread and email
    the other side. A storage outage stores none of the files and raises StorageUnavailable."""
    if not may_talk(session, award, by):
        raise DomainError(gettext("Only the group and the programme team can write here."))
    from_team = is_team(by)
    message = AwardMessage(award_id=award.id, author_id=by.id, from_team=from_team, body=_checked_body(body))
    session.add(message)
    session.flush()
    received = list(files)
    if received:
        if storage is None:  # pragma: no cover - a caller passing files passes their storage
            raise ValueError("files need a storage")
        store_all(session, storage, received, uploaded_by=by, message_id=message.id)
        session.refresh(message)
    reference = award.application.reference
    audit.record(session, by, AuditAction.AWARD_MESSAGE_SENT, award, "from the team" if from_team else "from the group")
    if from_team:
        for email in members_emails(session, award.application.organisation_id):
            notify.queue_email(
                session,
                to=email,
                subject=_l("A message about your grant (%(reference)s)", reference=reference),
                template="award_message",
                award=award,
                message=message,
                link=absolute_url("apply.award_messages", award_id=award.id),
            )
    else:
        notify.queue_email(
            session,
            to=programme_email(),
            subject=_l(
                "A message from %(organisation_name)s (%(reference)s)",
                organisation_name=award.application.organisation.name,
                reference=reference,
            ),
            template="award_message_team",
            award=award,
            message=message,
            link=absolute_url("officer.award_messages", award_id=award.id),
        )
    session.flush()
    return message


def mark_read(session: Session, award: Award, *, by: User) -> None:
    """The reader has seen the other side's messages (a GET that writes only when something was unread)."""
    from_other_side = AwardMessage.from_team.is_(not is_team(by))
    session.execute(
        update(AwardMessage)
        .where(AwardMessage.award_id == award.id, from_other_side, AwardMessage.read_at.is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def unread_for(session: Session, award: Award, *, by: User) -> int:
    """How many of the other side's messages ``by``'s side has not opened."""
    return (
        session.scalar(
            select(func.count(AwardMessage.id)).where(
                AwardMessage.award_id == award.id,
                AwardMessage.from_team.is_(not is_team(by)),
                AwardMessage.read_at.is_(None),
            )
        )
        or 0
    )


def unread_from_groups() -> ColumnElement[bool]:
    """For an Application row: its award has a message from the group nobody in the team has opened."""
    return exists().where(
        Award.application_id == Application.id,
        AwardMessage.award_id == Award.id,
        AwardMessage.from_team.is_(False),
        AwardMessage.read_at.is_(None),
    )


# Broadcasts.


def new_token() -> str:
    return secrets.token_urlsafe(24)


def audience_emails(session: Session, grant_round: Round | None) -> list[str]:
    """Every member of every group holding a grant now (of ``grant_round``, or of any round), once each."""
    query = (
        select(User.email)
        .join(Membership, Membership.user_id == User.id)
        .join(Application, Application.organisation_id == Membership.organisation_id)
        .join(Award, Award.application_id == Application.id)
        .where(Award.status.in_(FUNDED), User.active.is_(True))
        .distinct()
        .order_by(User.email)
    )
    if grant_round is not None:
        query = query.where(Award.round_id == grant_round.id)
    return list(session.scalars(query))


def audience_name(grant_round: Round | None) -> str:
    if grant_round is None:
        return gettext("Every funded group")
    return gettext("Funded groups of %(round)s", round=grant_round.title)


def broadcast(
    session: Session, *, by: User, subject: str, body: str, grant_round: Round | None, token: str
) -> Broadcast:
    """Email every funded group (of the round, or all) once, recording who it went to; the form's token
    makes a second press of the same form send nothing more."""
    subject = subject.strip()
    if not subject:
        raise DomainError(gettext("Write a subject"), field="subject")
    if len(subject) > MAX_SUBJECT or not is_one_line(subject):
        raise DomainError(
            gettext("Keep the subject to one line of %(MAX_SUBJECT)s characters or fewer", MAX_SUBJECT=MAX_SUBJECT),
            field="subject",
        )
    text = _checked_body(body)
    if session.scalar(select(Broadcast.id).where(Broadcast.token == token)) is not None:
        raise DomainError(ALREADY_SENT)
    recipients = audience_emails(session, grant_round)
    if not recipients:
        raise DomainError(gettext("No funded group has anyone to send to yet."), field="audience")
    sent = Broadcast(
        token=token,
        subject=subject,
        body=text,
        round_id=grant_round.id if grant_round else None,
        audience=audience_name(grant_round),
        sent_by_id=by.id,
        recipients=recipients,
    )
    session.add(sent)
    try:
        session.flush()
    except IntegrityError as error:  # the same form, sent twice at once
        raise DomainError(ALREADY_SENT) from error
    for email in recipients:
        notify.queue_email(session, to=email, subject=subject, template="broadcast", body=text)
    audit.record(session, by, AuditAction.BROADCAST_SENT, sent, f"{sent.audience}: {len(recipients)} people")
    session.flush()
    return sent


def recent_broadcasts(session: Session, limit: int = 30) -> list[Broadcast]:
    return list(session.scalars(select(Broadcast).order_by(Broadcast.id.desc()).limit(limit)))
