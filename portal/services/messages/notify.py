"""Queueing email and texts: a message is an OutboxMessage row written in the
same transaction as the change that causes it, so it is sent if and only if
that change is committed. Delivery is ``portal.services.messages.outbox``.

Texts (``queue_text``) go to people who chose them (``wants_texts``), for
their sign-in codes and reminders only. A text's template
(``templates/texts/<name>.txt``) holds no more than the matching email: the
programme's name, a round's or event's title, a reference, a date and a link,
never a person's or group's contact or bank details.

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

from flask import current_app, render_template
from sqlalchemy.orm import Session

from portal.infra import encryption, i18n
from portal.models.outbox import Channel, OutboxMessage
from portal.models.users import User
from portal.plain_text import one_line, shorten
from portal.services.people import languages
from portal.services.people.phones import uk_mobile

MAX_ADDRESS_LENGTH = 254  # RFC 5321, and the column's size
MAX_SUBJECT_LENGTH = 200  # the column's size
# Four text segments: longer texts cost more and read worse on a small phone.
MAX_TEXT_LENGTH = 612
# A line holding a long name is cut so the lines after it (the link) still fit.
MAX_TEXT_LINE_LENGTH = 300


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
    language: str | None = None,
    **context: Any,
) -> OutboxMessage:
    """Render ``templates/emails/<template>.txt`` and queue it for ``to``.

    The email is written in ``language``, or else in the language chosen by
    whoever has the address (English for an address nobody has); ``subject``
    may be a lazy string, translated then. ``secrets`` reach the template as
    placeholders and the recipient as themselves (see the module's
    docstring). Like any operation it flushes and never commits.
    """
    to = to.strip()
    # Caught here, a bad address fails the request that caused it rather than
    # becoming a message the worker can never send.
    if not to or len(to) > MAX_ADDRESS_LENGTH or _has_line_break(to):
        raise ValueError(f"cannot email {to!r}: not a single address")
    secrets = dict(secrets or {})
    with i18n.in_language(language or languages.language_of_address(session, to)):
        subject = subject_line(str(subject))
        # .txt templates are not autoescaped: the body is plain text, never HTML.
        body = render_template(f"emails/{template}.txt", **context, **{name: placeholder(name) for name in secrets})
    if not subject:
        raise ValueError("an email needs a subject")
    message = OutboxMessage(
        to=to,
        subject=subject,
        body=body,
        secrets_encrypted=encryption.encrypt(json.dumps(secrets).encode()) if secrets else None,
    )
    session.add(message)
    session.flush()
    return message


def texts_enabled() -> bool:
    """Whether this install sends texts at all (``SMS_URL`` is set)."""
    return bool(current_app.config.get("SMS_URL"))


def wants_texts(user: User) -> bool:
    """Whether ``user``'s sign-in codes and reminders go by text (they chose it, and texts are sent here)."""
    return user.contact_by_text and uk_mobile(user.phone) is not None and texts_enabled()


def queue_text(
    session: Session,
    *,
    to: str,
    about: str,
    template: str,
    secrets: Mapping[str, str] | None = None,
    language: str | None = None,
    **context: Any,
) -> OutboxMessage:
    """Render ``templates/texts/<template>.txt`` and queue it as a text to the mobile number ``to``.

    ``about`` is stored as the row's subject, for ``outbox list``; it is never
    sent. Secrets are kept as for email. Lines are kept, runs of spaces and
    blank lines are folded, and a long line (a long event title) is cut so
    that the link after it still fits in ``MAX_TEXT_LENGTH``. The text is
    written in ``language`` (the recipient's choice), English if None.
    """
    number = uk_mobile(to)
    if number is None:
        raise ValueError("cannot text a number that is not a UK mobile")
    secrets = dict(secrets or {})
    with i18n.in_language(language):
        rendered = render_template(f"texts/{template}.txt", **context, **{name: placeholder(name) for name in secrets})
    lines = [shorten(one_line(line), MAX_TEXT_LINE_LENGTH) for line in rendered.splitlines()]
    body = shorten("\n".join(line for line in lines if line), MAX_TEXT_LENGTH)
    message = OutboxMessage(
        channel=Channel.TEXT,
        to=number,
        subject=subject_line(str(about)) or "Text",
        body=body,
        secrets_encrypted=encryption.encrypt(json.dumps(secrets).encode()) if secrets else None,
    )
    session.add(message)
    session.flush()
    return message


def queue_reminder(session: Session, user: User, *, subject: str, template: str, **context: Any) -> OutboxMessage:
    """A reminder to ``user``: a text from ``texts/<template>.txt`` if they chose texts, else the email."""
    if wants_texts(user):
        assert user.phone is not None  # wants_texts checked it
        return queue_text(
            session, to=user.phone, about=subject, template=template, language=user.language, user=user, **context
        )
    return queue_email(
        session, to=user.email, subject=subject, template=template, language=user.language, user=user, **context
    )


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
