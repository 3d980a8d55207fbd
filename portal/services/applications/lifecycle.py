"""A group's application: starting it, saving each section, sending it, withdrawing it.

Saving is per section. Each section keeps a revision number; a page carries
the revision it was opened at, and a save from an older revision is refused
with ``StaleSection`` (which holds what is saved now), so when two members
edit the same section at once neither loses their words: the first save
stays, the second person sees both versions and chooses. The row's
``version`` column (SQLAlchemy's version counter) catches the rare case of
two saves in the same instant on PostgreSQL.

Sending is a conditional UPDATE (``WHERE status = 'draft'``): a double tap or
two members sending at once submit once and queue one confirmation email.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from portal.errors import DomainError, StaleEdit
from portal.infra.database import rowcount
from portal.infra.i18n import _l, gettext
from portal.models.applications import Application, ApplicationStatus, BudgetLine, InfoRequest
from portal.models.audit import AuditAction
from portal.models.base import utcnow
from portal.models.funding import Round
from portal.models.organisations import Organisation
from portal.models.users import User
from portal.services import audit
from portal.services.applications import helpers
from portal.services.applications.form import (
    MAX_BUDGET_LINES,
    BudgetLineInput,
    answers_kept_aside,
    budget_line_problems,
    incomplete_sections,
)
from portal.services.applications.organisations import group_ids_of
from portal.services.applications.references import next_reference
from portal.services.awards import decisions
from portal.services.files.uploads import ReceivedFile, store_all
from portal.services.messages import notify
from portal.services.messages.links import absolute_url, programme_email
from portal.services.rounds import stages
from portal.storage.base import Storage
from portal.workflow import advance_application, can_advance_application

MAX_ANSWER_CHARS = 20_000


class StaleSection(StaleEdit):
    """Someone saved this section since the page was opened. ``saved`` is what is saved now."""

    def __init__(self, saved: Any, revision: int) -> None:
        super().__init__(
            gettext(
                "Someone else in your group saved this page while you were changing it. "
                "Both versions are shown below: your changes are not saved yet."
            )
        )
        self.saved = saved
        self.revision = revision


def ensure_round_open(grant_round: Round) -> None:
    if not grant_round.is_open():
        stages.refuse_closed(grant_round, grant_round.closes_at)


def may_edit(application: Application) -> bool:
    """Whether the group may still change the application: only until it is sent."""
    return application.status is ApplicationStatus.DRAFT


def may_withdraw(application: Application) -> bool:
    return can_advance_application(application.status, ApplicationStatus.WITHDRAWN)


def info_request_of(session: Session, application: Application, info_request_id: int) -> InfoRequest | None:
    """The officer's question, only if it was asked about this application (so ids cannot be guessed across)."""
    found = session.get(InfoRequest, info_request_id)
    return found if found is not None and found.application_id == application.id else None


def may_answer(application: Application, info_request: InfoRequest) -> bool:
    """Whether the group may still answer the officer's question: once, and while the officer waits for it."""
    return info_request.answer is None and application.status is ApplicationStatus.MORE_INFO


def ensure_draft(application: Application) -> None:
    if application.status is not ApplicationStatus.DRAFT:
        raise DomainError(gettext("This application has been sent, so it can no longer be changed."))


def start_application(session: Session, grant_round: Round, organisation: Organisation, *, by: User) -> Application:
    """The group's application to the round: the existing one, or a new draft."""
    existing = _application_for(session, grant_round, organisation)
    if existing is not None:
        return existing
    ensure_round_open(grant_round)
    application = Application(round=grant_round, organisation=organisation, created_by=by, answers={})
    try:
        # A savepoint: if another member started it at the same moment, use theirs.
        with session.begin_nested():
            session.add(application)
            session.flush()
    except IntegrityError:
        found = _application_for(session, grant_round, organisation)
        if found is None:  # pragma: no cover - the unique constraint was not the cause
            raise
        return found
    audit.record(
        session, by, AuditAction.APPLICATION_STARTED, application, f"{organisation.name} for {grant_round.title}"
    )
    session.flush()
    return application


def groups_for_round(session: Session, user: User, grant_round: Round) -> list[tuple[Organisation, Application | None]]:
    """The person's groups, each with its application to the round if it has one."""
    rows = session.execute(
        select(Organisation, Application)
        .outerjoin(
            Application,
            (Application.organisation_id == Organisation.id) & (Application.round_id == grant_round.id),
        )
        .where(Organisation.id.in_(group_ids_of(user)))
        .order_by(Organisation.name, Organisation.id)
    )
    return [(organisation, application) for organisation, application in rows]


def _application_for(session: Session, grant_round: Round, organisation: Organisation) -> Application | None:
    return session.scalar(
        select(Application).where(
            Application.round_id == grant_round.id, Application.organisation_id == organisation.id
        )
    )


def revision_of(application: Application, key: str) -> int:
    return int((application.section_revisions or {}).get(key, 0))


def _check_fresh(application: Application, key: str, revision: int, saved: Any) -> None:
    current = revision_of(application, key)
    if revision != current:
        raise StaleSection(saved, current)


def _bump(application: Application, key: str) -> None:
    revisions = dict(application.section_revisions or {})
    revisions[key] = revisions.get(key, 0) + 1
    application.section_revisions = revisions


def _flush(session: Session, key_revision: int, saved: Any) -> None:
    try:
        session.flush()
    except StaleDataError as error:
        # Another save of this application landed between our read and write
        # (the session must now be rolled back, so nothing more is read here).
        raise StaleSection(saved, key_revision) from error


def save_answers(
    session: Session,
    application: Application,
    key: str,
    values: dict[str, Any],
    *,
    by: User,
    revision: int,
    language: str | None = None,
) -> None:
    """Replace the answers of section ``key`` with ``values`` (kept even when incomplete).

    ``language`` is the language the answers were written in (the page's), kept so that
    officers' and panellists' pages mark them with it.
    """
    ensure_draft(application)
    stages.ensure_open_for(application)
    previous = dict((application.answers or {}).get(key, {}))
    _check_fresh(application, key, revision, previous)
    cleaned = answers_kept_aside(application, key) | {name: _clip(value) for name, value in values.items()}
    application.answers = {**(application.answers or {}), key: cleaned}
    if language is not None:
        application.language = language
    if key == "idea":
        application.title = str(cleaned.get("title") or "")[:200]
    _bump(application, key)
    _flush(session, revision + 1, previous)
    helpers.note_change(session, application, key, by=by)


def _clip(value: Any) -> Any:
    if isinstance(value, str):
        return value[:MAX_ANSWER_CHARS]
    if isinstance(value, list):
        return [_clip(item) for item in value]
    return value


def save_budget(
    session: Session, application: Application, lines: list[BudgetLineInput], *, by: User, revision: int
) -> None:
    """Keep the lines as typed and mirror the well-formed ones as BudgetLine rows."""
    ensure_draft(application)
    stages.ensure_open_for(application)
    previous = list((application.answers or {}).get("budget", {}).get("lines", []))
    _check_fresh(application, "budget", revision, previous)
    if len(lines) > MAX_BUDGET_LINES:
        raise DomainError(
            gettext(
                "A budget can have up to %(MAX_BUDGET_LINES)s items. Combine some smaller ones.",
                MAX_BUDGET_LINES=MAX_BUDGET_LINES,
            )
        )
    typed = [{"item": _clip(line.item), "amount": line.amount[:30]} for line in lines]
    application.answers = {**(application.answers or {}), "budget": {"lines": typed}}
    problems = budget_line_problems(lines)
    application.budget_lines.clear()
    session.flush()  # old rows go before new ones take their positions
    position = 0
    for index, line in enumerate(lines):
        if index in problems or not line.item.strip() or line.pence is None:
            continue
        position += 1
        application.budget_lines.append(
            BudgetLine(position=position, item=line.item.strip()[:200], amount_pence=line.pence)
        )
    application.amount_requested_pence = sum(line.amount_pence for line in application.budget_lines)
    _bump(application, "budget")
    _flush(session, revision + 1, previous)
    helpers.note_change(session, application, "budget", by=by)


def submit_application(session: Session, application: Application, *, by: User) -> bool:
    """Send the application (at a two-stage round's first stage, as an expression of interest). True when
    this call sent it; False when it had already been sent."""
    first_stage = stages.at_first_stage(application)
    if application.status is not ApplicationStatus.DRAFT:
        if application.submitted_at is not None or (first_stage and application.eoi_submitted_at is not None):
            return False
        ensure_draft(application)
    if application.helped_by_id is not None:
        helpers.ensure_may_send(session, application, by=by)
    stages.ensure_open_for(application)
    missing = incomplete_sections(application)
    if missing:
        names = ", ".join(section.title.lower() for section in missing)
        what = "expression of interest" if first_stage else "application"
        raise DomainError(
            gettext(
                "Finish every section before you send your %(what)s. Still to do: %(names)s.", what=what, names=names
            )
        )
    return _send(session, application, SENDINGS[first_stage], by=by)


@dataclass(frozen=True)
class _Sending:
    """What sending changes and says: a full application, or a two-stage round's expression of interest."""

    status: ApplicationStatus
    sent_at: str  # the column that records when
    action: AuditAction
    subject: str
    template: str


SENDINGS = {
    False: _Sending(
        ApplicationStatus.SUBMITTED,
        "submitted_at",
        AuditAction.APPLICATION_SUBMITTED,
        _l("We have your application"),
        "application_submitted",
    ),
    True: _Sending(
        ApplicationStatus.EOI_SUBMITTED,
        "eoi_submitted_at",
        AuditAction.APPLICATION_EOI_SUBMITTED,
        _l("We have your expression of interest"),
        "eoi_submitted",
    ),
}


def _send(session: Session, application: Application, sending: _Sending, *, by: User) -> bool:
    """Send once, however many taps or members at once: the draft is claimed by one conditional update."""
    assert can_advance_application(ApplicationStatus.DRAFT, sending.status)
    now = utcnow()
    stamp = getattr(Application, sending.sent_at)
    claimed = rowcount(
        session.execute(
            update(Application)
            .where(Application.id == application.id, Application.status == ApplicationStatus.DRAFT, stamp.is_(None))
            .values({"status": sending.status, sending.sent_at: now, "version": Application.version + 1})
            .execution_options(synchronize_session=False)
        )
    )
    if claimed != 1:
        session.refresh(application)
        return False
    # The reference: kept from the expression of interest, or the next one.
    reference = application.reference or next_reference(session, now.year)
    session.execute(
        update(Application)
        .where(Application.id == application.id)
        .values(reference=reference, version=Application.version + 1)
        .execution_options(synchronize_session=False)
    )
    session.refresh(application)
    audit.record(session, by, sending.action, application, f"{reference}: {application.title}")
    notify.queue_email(
        session,
        to=by.email,
        subject=_l("%(subject)s %(reference)s", subject=sending.subject, reference=reference),
        template=sending.template,
        application=application,
        user=by,
        status_url=absolute_url("apply.status", application_id=application.id),
    )
    session.flush()
    return True


def withdraw_application(session: Session, application: Application, *, by: User, reason: str) -> None:
    if helpers.acting_as_helper(session, by, application):
        raise DomainError(gettext("Only the group can withdraw its application."))
    decisions.drop_pending_approval(session, application, by=by, why="the group withdrew the application")
    advance_application(application, ApplicationStatus.WITHDRAWN)
    audit.record(session, by, AuditAction.APPLICATION_WITHDRAWN, application, reason.strip()[:2000])
    if application.reference:
        notify.queue_email(
            session,
            to=by.email,
            subject=_l("You have withdrawn application %(reference)s", reference=application.reference),
            template="application_withdrawn",
            application=application,
            user=by,
        )
    try:
        session.flush()
    except StaleDataError as error:
        raise DomainError(
            gettext("This application changed while you were withdrawing it. Check its status and try again.")
        ) from error


def answer_info_request(
    session: Session,
    storage: Storage,
    info_request: InfoRequest,
    *,
    by: User,
    answer: str,
    files: Iterable[ReceivedFile] = (),
) -> None:
    """Record the group's answer and any files, and send the application back for checking."""
    application = info_request.application
    answer = answer.strip()
    if not answer:
        raise DomainError(gettext("Enter your answer"))
    if application.status is not ApplicationStatus.MORE_INFO or info_request.answer is not None:
        raise DomainError(gettext("This question has already been answered."))
    claimed = rowcount(
        session.execute(
            update(InfoRequest)
            .where(InfoRequest.id == info_request.id, InfoRequest.answer.is_(None))
            .values(answer=answer[:MAX_ANSWER_CHARS], answered_by_id=by.id, answered_at=utcnow())
            .execution_options(synchronize_session=False)
        )
    )
    if claimed != 1:
        raise DomainError(gettext("This question has already been answered."))
    session.refresh(info_request)
    stored = store_all(session, storage, files, uploaded_by=by, info_request_id=info_request.id)
    advance_application(application, ApplicationStatus.SUBMITTED)
    audit.record(
        session,
        by,
        AuditAction.MORE_INFORMATION_SENT,
        application,
        f"Answer to request {info_request.id}; {len(stored)} file(s)",
    )
    team = programme_email()
    if team:
        notify.queue_email(
            session,
            to=team,
            subject=_l("More information sent for %(reference)s", reference=application.reference),
            template="info_request_answered_team",
            application=application,
            info_request=info_request,
            file_count=len(stored),
        )
    notify.queue_email(
        session,
        to=by.email,
        subject=_l("We have your answer about %(reference)s", reference=application.reference),
        template="info_request_answered",
        application=application,
        user=by,
        status_url=absolute_url("apply.status", application_id=application.id),
    )
    session.flush()
