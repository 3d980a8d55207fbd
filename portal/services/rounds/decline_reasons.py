"""The reasons an officer can give a group whose application is declined, per round.

A new round starts with ``DEFAULT_DECLINE_REASONS``. Each reason keeps its code
for the life of the round (decisions store the codes), so an officer may reword,
reorder or retire a reason but never re-use a code for something else.
"""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from portal.errors import DomainError
from portal.infra.i18n import gettext
from portal.models.audit import AuditAction
from portal.models.funding import DeclineReason, Round
from portal.models.users import User
from portal.plain_text import is_one_line
from portal.services import audit

DEFAULT_DECLINE_REASONS = {
    "budget": "We had more good applications than money to fund them",
    "fit": "The project did not fit what this round funds closely enough",
    "need": "The application did not show enough local need",
    "plan": "The plan or budget was not clear enough",
    "already_funded": "Similar work in the area is already funded",
}
MAX_WORDS_LENGTH = 300


def start_with_defaults(session: Session, grant_round: Round) -> None:
    """Give a new round the default reasons (part of making the round, so not audited on its own)."""
    if grant_round.decline_reasons:
        return
    grant_round.decline_reasons.extend(
        DeclineReason(code=code, words=words, position=position)
        for position, (code, words) in enumerate(DEFAULT_DECLINE_REASONS.items(), start=1)
    )
    session.flush()


def offered(grant_round: Round) -> list[DeclineReason]:
    """The reasons the decline forms offer for this round, in the round's order."""
    return [reason for reason in grant_round.decline_reasons if not reason.retired]


def words_for(grant_round: Round) -> dict[str, str]:
    """Every reason the round has ever had, retired ones too, by code: past decisions still read."""
    return {reason.code: reason.words for reason in grant_round.decline_reasons}


def _checked(words: str) -> str:
    words = words.strip().rstrip(".")
    if not words:
        raise DomainError(gettext("Enter the reason as the group will read it"), field="words")
    if not is_one_line(words):
        raise DomainError(gettext("Write the reason on one line, without line breaks"), field="words")
    if len(words) > MAX_WORDS_LENGTH:
        raise DomainError(
            gettext("Keep the reason to %(MAX_WORDS_LENGTH)s characters or fewer", MAX_WORDS_LENGTH=MAX_WORDS_LENGTH),
            field="words",
        )
    return words


def _fresh_code(grant_round: Round, words: str) -> str:
    base = (re.sub(r"[^a-z0-9]+", "_", words.lower()).strip("_")[:30] or "reason").rstrip("_")
    used = {reason.code for reason in grant_round.decline_reasons}
    code, number = base, 1
    while code in used:
        number += 1
        code = f"{base}_{number}"
    return code


def _reason(grant_round: Round, code: str) -> DeclineReason:
    for reason in grant_round.decline_reasons:
        if reason.code == code:
            return reason
    raise DomainError(gettext("That reason is not one of this round's"))


def add(session: Session, grant_round: Round, *, by: User, words: str) -> DeclineReason:
    words = _checked(words)
    if any(reason.words.lower() == words.lower() for reason in offered(grant_round)):
        raise DomainError(gettext("The round already offers this reason"), field="words")
    reason = DeclineReason(
        code=_fresh_code(grant_round, words),
        words=words,
        position=max((r.position for r in grant_round.decline_reasons), default=0) + 1,
    )
    grant_round.decline_reasons.append(reason)
    session.flush()
    audit.record(session, by, AuditAction.ROUND_DECLINE_REASONS_CHANGED, grant_round, f"Added: {words}")
    return reason


def reword(session: Session, grant_round: Round, code: str, *, by: User, words: str) -> None:
    reason = _reason(grant_round, code)
    words = _checked(words)
    before = reason.words
    reason.words = words
    session.flush()
    audit.record(session, by, AuditAction.ROUND_DECLINE_REASONS_CHANGED, grant_round, f"Reworded: {before} → {words}")


def set_retired(session: Session, grant_round: Round, code: str, *, by: User, retired: bool) -> None:
    reason = _reason(grant_round, code)
    if retired and reason in offered(grant_round) and len(offered(grant_round)) == 1:
        raise DomainError(gettext("Keep at least one reason for the decline form to offer"))
    reason.retired = retired
    session.flush()
    audit.record(
        session,
        by,
        AuditAction.ROUND_DECLINE_REASONS_CHANGED,
        grant_round,
        f"{'Retired' if retired else 'Offered again'}: {reason.words}",
    )


def move(session: Session, grant_round: Round, code: str, *, by: User, up: bool) -> None:
    """Swap an offered reason with the offered one above (or below) it."""
    reasons = offered(grant_round)
    reason = _reason(grant_round, code)
    if reason not in reasons:
        raise DomainError(gettext("Offer the reason again before moving it"))
    index = reasons.index(reason)
    other_index = index - 1 if up else index + 1
    if not 0 <= other_index < len(reasons):
        return
    other = reasons[other_index]
    reason.position, other.position = other.position, reason.position
    session.flush()
    session.expire(grant_round, ["decline_reasons"])
    audit.record(
        session,
        by,
        AuditAction.ROUND_DECLINE_REASONS_CHANGED,
        grant_round,
        f"Moved {'up' if up else 'down'}: {reason.words}",
    )
