"""Nothing typed twice: a group starts a new application from the answers of its previous one.

Only the group's own applications are offered, only into a draft nothing has been written in
yet, and only answers to questions the new round asks too (the same section and question).
Files and recordings are never copied (documents are offered for reuse on their own), nor the
declarations, which the group makes afresh for each application.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.errors import DomainError
from portal.infra.i18n import gettext
from portal.models.applications import Application, ApplicationStatus
from portal.models.audit import AuditAction
from portal.models.users import User
from portal.services import audit
from portal.services.applications import form as form_rules
from portal.services.applications import lifecycle

NOT_COPIED = frozenset({"declarations", "evidence"})
NOT_COPIED_KINDS = frozenset({"file"})
OFFERED = 3


def may_copy_into(application: Application) -> bool:
    """Whether ``application`` can take copied answers: an open draft with nothing written in it yet."""
    return (
        application.status is ApplicationStatus.DRAFT
        and application.round.is_open()
        and not any(
            form_rules.answered(value) for section in (application.answers or {}).values() for value in section.values()
        )
    )


def earlier_applications(session: Session, application: Application) -> list[Application]:
    """The group's own applications to copy from, newest first (never another group's)."""
    if not may_copy_into(application):
        return []
    found = session.scalars(
        select(Application)
        .where(
            Application.organisation_id == application.organisation_id,
            Application.id != application.id,
            Application.anonymised_at.is_(None),
        )
        .order_by(Application.created_at.desc(), Application.id.desc())
        .limit(OFFERED * 2)
    )
    return [earlier for earlier in found if earlier.answers][:OFFERED]


def copy_answers(session: Session, application: Application, source: Application, *, by: User) -> list[str]:
    """Fill ``application`` with ``source``'s answers to the questions it asks too; the section keys filled.

    Refused (DomainError) for another group's application or a draft already written in.
    """
    if source.organisation_id != application.organisation_id or source.id == application.id:
        raise DomainError(gettext("You can only copy answers from your own group's earlier applications."))
    if not may_copy_into(application):
        raise DomainError(gettext("Answers can only be copied into a new application nothing has been written in yet."))
    copied: dict[str, dict[str, object]] = {}
    for section in form_rules.sections_for(application.round):
        if section.key in NOT_COPIED or section.key == "budget":
            continue
        earlier = (source.answers or {}).get(section.key) or {}
        values = {
            spec.name: earlier[spec.name]
            for spec in form_rules.fields_for(application, section.key)
            if spec.kind not in NOT_COPIED_KINDS and spec.name in earlier and form_rules.answered(earlier[spec.name])
        }
        if values:
            copied[section.key] = values
    for key, values in copied.items():
        lifecycle.save_answers(
            session, application, key, values, by=by, revision=lifecycle.revision_of(application, key)
        )
    lines = form_rules.budget_inputs(source)
    if lines:
        lifecycle.save_budget(session, application, lines, by=by, revision=lifecycle.revision_of(application, "budget"))
        copied["budget"] = {}
    audit.record(
        session,
        by,
        AuditAction.APPLICATION_ANSWERS_COPIED,
        application,
        f"from {source.reference or f'draft {source.id}'}: {', '.join(sorted(copied)) or 'nothing to copy'}",
    )
    session.flush()
    return sorted(copied)
