"""Queueing email: a message is an OutboxMessage row written in the same
transaction as the change that causes it, so it is sent if and only if that
change is committed. Delivery is ``portal.services.messages.outbox``.

A message may carry secrets (a sign-in code, a link holding a token). The
stored body never holds them: the template is rendered with a placeholder in
their place ("[code not kept]"), and the secrets themselves are kept beside
it, encrypted (``OutboxMessage.secrets_encrypted``), only until the message
is sent. So the outbox table, the "your data" zip and anything else that
reads stored email never see a working code or link.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from flask import render_template
from sqlalchemy.orm import Session

from portal.infra import encryption
from portal.models.outbox import OutboxMessage
from portal.plain_text import one_line, shorten

MAX_ADDRESS_LENGTH = 254  # RFC 5321, and the column's size
MAX_SUBJECT_LENGTH = 200  # the column's size


def placeholder(name: str) -> str:
    """What the stored body holds instead of the secret ``name``."""
    return f"[{name} not kept]"


def queue_email(
    session: Session,
    *,
    to: str,
    subject: str,
    template: str,
    secrets: Mapping[str, str] | None = None,
    **context: Any,
) -> OutboxMessage:
    """Render ``templates/emails/<template>.txt`` and queue it for ``to``.

    ``secrets`` reach the template as placeholders and the recipient as
    themselves (see the module's docstring). Like any operation it flushes
    and never commits.
    """
    to = to.strip()
    # Caught here, a bad address fails the request that caused it rather than
    # becoming a message the worker can never send.
    if not to or len(to) > MAX_ADDRESS_LENGTH or _has_line_break(to):
        raise ValueError(f"cannot email {to!r}: not a single address")
    subject = subject_line(subject)
    if not subject:
        raise ValueError("an email needs a subject")
    secrets = dict(secrets or {})
    # .txt templates are not autoescaped: the body is plain text, never HTML.
    body = render_template(f"emails/{template}.txt", **context, **{name: placeholder(name) for name in secrets})
    message = OutboxMessage(
        to=to,
        subject=subject,
        body=body,
        secrets_encrypted=encryption.encrypt(json.dumps(secrets).encode()) if secrets else None,
    )
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
