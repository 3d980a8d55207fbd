"""Queueing email: a message is an OutboxMessage row written in the same
transaction as the change that causes it. Delivery is portal.services.outbox."""

from __future__ import annotations

from typing import Any

from flask import render_template
from sqlalchemy.orm import Session

from portal.models.audit import OutboxMessage


def queue_email(session: Session, *, to: str, subject: str, template: str, **context: Any) -> OutboxMessage:
    """Render ``templates/emails/<template>.txt`` and queue it for ``to``."""
    body = render_template(f"emails/{template}.txt", **context)
    message = OutboxMessage(to=to, subject=subject, body=body)
    session.add(message)
    session.flush()
    return message
