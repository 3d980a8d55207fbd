"""Queueing email: a message is an OutboxMessage row written in the same
transaction as the change that causes it, so it is sent if and only if that
change is committed. Delivery is ``portal.services.outbox``."""

from __future__ import annotations

from typing import Any

from flask import render_template
from sqlalchemy.orm import Session

from portal.models.audit import OutboxMessage
from portal.plain_text import one_line, shorten

MAX_ADDRESS_LENGTH = 254  # RFC 5321, and the column's size
MAX_SUBJECT_LENGTH = 200  # the column's size


def queue_email(session: Session, *, to: str, subject: str, template: str, **context: Any) -> OutboxMessage:
    """Render ``templates/emails/<template>.txt`` and queue it for ``to``.

    Like any operation it flushes and never commits.
    """
    to = to.strip()
    # Caught here, a bad address fails the request that caused it rather than
    # becoming a message the worker can never send.
    if not to or len(to) > MAX_ADDRESS_LENGTH or _has_line_break(to):
        raise ValueError(f"cannot email {to!r}: not a single address")
    subject = subject_line(subject)
    if not subject:
        raise ValueError("an email needs a subject")
    # .txt templates are not autoescaped: the body is plain text, never HTML.
    body = render_template(f"emails/{template}.txt", **context)
    message = OutboxMessage(to=to, subject=subject, body=body)
    session.add(message)
    session.flush()
    return message


def subject_line(text: str) -> str:
    """``text`` made safe for a subject: one line (so no header can be added to the
    message) that fits the outbox column, shortened with an ellipsis when it does not.

    Subjects carry names people typed (a group's, an event's), so they are
    folded here rather than refused: refusing would fail whatever the person
    was doing, such as adding a member to their group.
    """
    return shorten(one_line(text), MAX_SUBJECT_LENGTH)


def _has_line_break(value: str) -> bool:
    return any(character in value for character in "\r\n")
