"""The officer's work queue: what is waiting to be done, by kind, each line linking to where it is done.

Each kind is one named condition on an application (``condition``), used
three ways: to count the kind by round, to list its first few lines, and to
filter the officer's applications list (``queue=<kind>``) for "see all". So a
line on the home page and its "see all" list can never disagree. Everything
is read in two queries per kind, however many applications there are.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, func, literal, select, union_all
from sqlalchemy.orm import Session, aliased, joinedload

from portal.formatting import date_long, pounds, uk_time
from portal.infra.i18n import _l, gettext, ngettext
from portal.models.applications import Application, ApplicationStatus, InfoRequest
from portal.models.awards import ApprovalReturn, Award, AwardStatus, Decision, MonitoringReport, Payment
from portal.models.base import utcnow
from portal.models.funding import Round
from portal.models.messages import AwardMessage
from portal.models.panels import Assignment, Panel, Review
from portal.models.users import User
from portal.services.awards import payments
from portal.services.awards.decisions import is_pending_approval
from portal.services.messages import threads

A = ApplicationStatus
# How many lines of each kind the home page lists; "see all" shows the rest.
SHOWN = 10
PAYMENTS_DUE_WITHIN = timedelta(days=7)
# Awards that can still be paid or reported on.
RUNNING_AWARDS = (AwardStatus.ACCEPTED, AwardStatus.PAID, AwardStatus.REPORT_DUE)


class Kind(enum.StrEnum):
    AWAITING_SECOND_OFFICER = "second-officer"
    RETURNED_TO_YOU = "returned-to-you"
    NOBODY_ASSIGNED = "nobody-assigned"
    REVIEWS_OVERDUE = "reviews-overdue"
    TOO_FEW_REVIEWERS = "too-few-reviewers"
    QUESTIONS_UNANSWERED = "questions-unanswered"
    ANSWERS_TO_READ = "answers-to-read"
    REPORTS_TO_READ = "reports-to-read"
    PAYMENTS_DUE = "payments-due"
    BANK_DETAILS_CHANGED = "bank-details-changed"
    MESSAGES_TO_READ = "messages-to-read"

    @property
    def title(self) -> str:  # type: ignore[override]  # shadows str.title() on purpose: pages read kind.title
        return TITLES[self]


TITLES = {
    Kind.AWAITING_SECOND_OFFICER: _l("Approvals waiting for a second officer"),
    Kind.RETURNED_TO_YOU: _l("Approvals returned to you"),
    Kind.NOBODY_ASSIGNED: _l("Eligible applications with nobody assigned to review them"),
    Kind.REVIEWS_OVERDUE: _l("Applications with reviews overdue"),
    Kind.TOO_FEW_REVIEWERS: _l("Applications with fewer reviewers than the round asks"),
    Kind.QUESTIONS_UNANSWERED: _l("Questions waiting for a group's answer"),
    Kind.ANSWERS_TO_READ: _l("Answers from groups to read"),
    Kind.REPORTS_TO_READ: _l("Reports to read"),
    Kind.PAYMENTS_DUE: _l("Payments due in the next 7 days, or overdue"),
    Kind.BANK_DETAILS_CHANGED: _l("Bank details changed — payment on hold"),
    Kind.MESSAGES_TO_READ: _l("Unread messages from groups"),
}


# The conditions, one per kind, each on an Application row.


def _awaiting_second_officer(by: User, now: datetime) -> ColumnElement[bool]:
    return exists().where(Decision.application_id == Application.id, is_pending_approval())


def _is_latest_return(returned: Any) -> ColumnElement[bool]:
    """For an ApprovalReturn row (or alias): no later return of the same application."""
    later = aliased(ApprovalReturn)
    return ~exists().where(later.application_id == returned.application_id, later.id > returned.id)


def _returned_to_you(by: User, now: datetime) -> ColumnElement[bool]:
    """Returned to ``by`` and not decided since: it waits for them to approve again or decline."""
    return and_(
        Application.status == A.SCORED,
        ~exists().where(Decision.application_id == Application.id),
        exists().where(
            ApprovalReturn.application_id == Application.id,
            ApprovalReturn.approved_by_id == by.id,
            _is_latest_return(ApprovalReturn),
        ),
    )


def _still_reviewing() -> ColumnElement[bool]:
    return and_(Application.status == A.WITH_PANEL, Application.reviews_closed_at.is_(None))


def _nobody_assigned(by: User, now: datetime) -> ColumnElement[bool]:
    return and_(_still_reviewing(), ~exists().where(Assignment.application_id == Application.id))


def _overdue_assignment(now: datetime) -> ColumnElement[bool]:
    """For an Assignment row: its panel's reviews were due before ``now`` and its review is not submitted."""
    panel = aliased(Panel)  # an alias, so a query over Panel can use this too
    return and_(
        exists().where(panel.id == Assignment.panel_id, panel.reviews_due_at < now),
        ~exists().where(
            Review.application_id == Assignment.application_id,
            Review.panellist_id == Assignment.panellist_id,
            Review.submitted.is_(True),
        ),
    )


def _reviews_overdue(by: User, now: datetime) -> ColumnElement[bool]:
    return and_(
        _still_reviewing(),
        exists().where(Assignment.application_id == Application.id, _overdue_assignment(now)),
    )


def _too_few_reviewers(by: User, now: datetime) -> ColumnElement[bool]:
    assigned = select(func.count(Assignment.id)).where(Assignment.application_id == Application.id).scalar_subquery()
    needed = select(Round.reviews_per_application).where(Round.id == Application.round_id).scalar_subquery()
    return and_(_still_reviewing(), assigned > 0, assigned < needed)


def _questions_unanswered(by: User, now: datetime) -> ColumnElement[bool]:
    return and_(
        Application.status == A.MORE_INFO,
        exists().where(InfoRequest.application_id == Application.id, InfoRequest.answer.is_(None)),
    )


def _answers_to_read(by: User, now: datetime) -> ColumnElement[bool]:
    """The group answered and the application is back with the officers, not yet routed or asked again."""
    return and_(
        Application.status == A.SUBMITTED,
        exists().where(InfoRequest.application_id == Application.id, InfoRequest.answer.is_not(None)),
    )


def _unread_report() -> ColumnElement[bool]:
    """For a MonitoringReport row: sent, and nobody has read it."""
    return and_(MonitoringReport.submitted_at.is_not(None), MonitoringReport.accepted_at.is_(None))


def _report_to_read() -> ColumnElement[bool]:
    """For an Award row: it has an unread report."""
    return exists().where(MonitoringReport.award_id == Award.id, _unread_report())


def _reports_to_read(by: User, now: datetime) -> ColumnElement[bool]:
    return exists().where(Award.application_id == Application.id, Award.status.in_(RUNNING_AWARDS), _report_to_read())


def _payment_due(now: datetime) -> ColumnElement[bool]:
    """For a Payment row: unpaid, due within the week (or already late), and not waiting for a report."""
    until = (uk_time(now) + PAYMENTS_DUE_WITHIN).date()
    return and_(Payment.paid_at.is_(None), Payment.due_on <= until, payments.free_to_pay())


def _payments_due(by: User, now: datetime) -> ColumnElement[bool]:
    return exists().where(
        Award.application_id == Application.id,
        Award.status == AwardStatus.ACCEPTED,
        exists().where(Payment.award_id == Award.id, _payment_due(now)),
    )


def _bank_details_changed(by: User, now: datetime) -> ColumnElement[bool]:
    """Confirmed details were changed: payment waits until finance confirms them again."""
    return exists().where(
        Award.application_id == Application.id,
        Award.status.in_(RUNNING_AWARDS),
        Award.bank_details_on_hold_since.is_not(None),
    )


def _messages_to_read(by: User, now: datetime) -> ColumnElement[bool]:
    return threads.unread_from_groups()


CONDITIONS: dict[Kind, Callable[[User, datetime], ColumnElement[bool]]] = {
    Kind.AWAITING_SECOND_OFFICER: _awaiting_second_officer,
    Kind.RETURNED_TO_YOU: _returned_to_you,
    Kind.NOBODY_ASSIGNED: _nobody_assigned,
    Kind.REVIEWS_OVERDUE: _reviews_overdue,
    Kind.TOO_FEW_REVIEWERS: _too_few_reviewers,
    Kind.QUESTIONS_UNANSWERED: _questions_unanswered,
    Kind.ANSWERS_TO_READ: _answers_to_read,
    Kind.REPORTS_TO_READ: _reports_to_read,
    Kind.PAYMENTS_DUE: _payments_due,
    Kind.BANK_DETAILS_CHANGED: _bank_details_changed,
    Kind.MESSAGES_TO_READ: _messages_to_read,
}


def condition(kind: Kind, *, by: User, now: datetime | None = None) -> ColumnElement[bool]:
    """The applications of ``kind`` in ``by``'s work queue, as a condition on Application."""
    return CONDITIONS[kind](by, now or utcnow())


# The lines: each kind adds what the officer needs to see and where to go.


@dataclass(frozen=True)
class QueueItem:
    reference: str
    group: str
    detail: str
    endpoint: str
    arguments: dict[str, int]


@dataclass(frozen=True)
class RoundCount:
    round_id: int
    title: str
    count: int


@dataclass(frozen=True)
class QueueKind:
    kind: Kind
    items: list[QueueItem]
    by_round: list[RoundCount]

    @property
    def title(self) -> str:
        return self.kind.title

    @property
    def total(self) -> int:
        return sum(r.count for r in self.by_round)

    @property
    def more(self) -> bool:
        return self.total > len(self.items)


def _name(user: User | None) -> str:
    return (user.name or user.email) if user is not None else gettext("a former officer")


def _application_page(application: Application) -> dict[str, Any]:
    return {"endpoint": "officer.application", "arguments": {"application_id": application.id}}


def _award_page(award_id: int) -> dict[str, Any]:
    return {"endpoint": "officer.award", "arguments": {"award_id": award_id}}


def _thread_page(award_id: int) -> dict[str, Any]:
    return {"endpoint": "officer.award_messages", "arguments": {"award_id": award_id}}


def _listed(session: Session, kind: Kind, statement: Select[*tuple[Any, ...]], *, by: User, now: datetime) -> list[Any]:
    """The first few applications of ``kind``: ``statement`` selects an Application and what the kind shows."""
    return list(
        session.execute(
            statement.where(condition(kind, by=by, now=now)).options(joinedload(Application.organisation)).limit(SHOWN)
        )
    )


def _item(application: Application, detail: str, link: dict[str, Any]) -> QueueItem:
    return QueueItem(application.reference or "", application.organisation.name, detail, **link)


def _approvals(session: Session, kind: Kind, *, by: User, now: datetime) -> list[QueueItem]:
    # The list joins aliases, so the kind's condition (on the tables themselves) stays a correlated subquery.
    if kind is Kind.AWAITING_SECOND_OFFICER:
        decision, approver = aliased(Decision), aliased(User)
        rows = _listed(
            session,
            kind,
            select(Application, decision.amount_pence, decision.decided_at, approver)
            .join(decision, decision.application_id == Application.id)
            .outerjoin(approver, approver.id == decision.decided_by_id)
            .order_by(decision.decided_at, Application.id),
            by=by,
            now=now,
        )
        return [
            _item(
                application,
                gettext(
                    "%(pounds)s, approved by %(name)s on %(date_long)s",
                    pounds=pounds(amount),
                    name="you" if officer == by else _name(officer),
                    date_long=date_long(at),
                ),
                _application_page(application),
            )
            for application, amount, at, officer in rows
        ]
    returned, returner = aliased(ApprovalReturn), aliased(User)
    rows = _listed(
        session,
        kind,
        select(Application, returned.reason, returned.returned_at, returner)
        .join(returned, returned.application_id == Application.id)
        .outerjoin(returner, returner.id == returned.returned_by_id)
        .where(_is_latest_return(returned), returned.approved_by_id == by.id)
        .order_by(returned.returned_at.desc(), returned.id.desc()),
        by=by,
        now=now,
    )
    return [
        _item(
            application,
            gettext(
                "Returned by %(name)s on %(date_long)s: %(reason)s",
                name=_name(officer),
                date_long=date_long(at),
                reason=reason,
            ),
            _application_page(application),
        )
        for application, reason, at, officer in rows
    ]


def _reviewing(session: Session, kind: Kind, *, by: User, now: datetime) -> list[QueueItem]:
    first_panel = select(func.min(Panel.id)).where(Panel.round_id == Application.round_id).scalar_subquery()
    assigned = select(func.count(Assignment.id)).where(Assignment.application_id == Application.id).scalar_subquery()
    needed = select(Round.reviews_per_application).where(Round.id == Application.round_id).scalar_subquery()
    late = (
        select(func.count(Assignment.id))
        .where(Assignment.application_id == Application.id, _overdue_assignment(now))
        .scalar_subquery()
    )
    due = (
        select(func.min(Panel.reviews_due_at))
        .join(Assignment, Assignment.panel_id == Panel.id)
        .where(Assignment.application_id == Application.id, _overdue_assignment(now))
        .scalar_subquery()
    )
    rows = _listed(
        session,
        kind,
        select(Application, first_panel, assigned, needed, late, due).order_by(
            Application.submitted_at, Application.id
        ),
        by=by,
        now=now,
    )
    items = []
    for application, panel_id, count, wanted, late_count, due_at in rows:
        if kind is Kind.TOO_FEW_REVIEWERS:
            items.append(
                _item(
                    application,
                    gettext("%(count)s of %(wanted)s reviewers assigned", count=count, wanted=wanted),
                    _application_page(application),
                )
            )
            continue
        if panel_id is None:
            link = {"endpoint": "officer.round_panels", "arguments": {"round_id": application.round_id}}
        else:
            link = {"endpoint": "officer.panel", "arguments": {"panel_id": panel_id}}
        if kind is Kind.NOBODY_ASSIGNED:
            detail = (
                gettext("Assign panel members")
                if panel_id is not None
                else gettext("Set up a panel, then assign its members")
            )
        else:
            detail = ngettext(
                "%(num)d review not sent, due %(date_long)s",
                "%(num)d reviews not sent, due %(date_long)s",
                late_count,
                date_long=date_long(due_at),
            )
        items.append(_item(application, detail, link))
    return items


def _questions(session: Session, kind: Kind, *, by: User, now: datetime) -> list[QueueItem]:
    asking = kind is Kind.QUESTIONS_UNANSWERED
    column = InfoRequest.created_at if asking else InfoRequest.answered_at
    when = select(func.max(column)).where(InfoRequest.application_id == Application.id).scalar_subquery()
    rows = _listed(session, kind, select(Application, when).order_by(when, Application.id), by=by, now=now)
    verb = gettext("Asked on") if asking else gettext("Answered on")
    return [_item(a, f"{verb} {date_long(moment)}", _application_page(a)) for a, moment in rows]


def _awards(session: Session, kind: Kind, *, by: User, now: datetime) -> list[QueueItem]:
    award_id = select(Award.id).where(Award.application_id == Application.id).scalar_subquery()
    of_award = Award.application_id == Application.id
    if kind is Kind.REPORTS_TO_READ:
        sent = (
            select(func.min(MonitoringReport.submitted_at))
            .join(Award, Award.id == MonitoringReport.award_id)
            .where(of_award, _unread_report())
            .scalar_subquery()
        )
        rows = _listed(
            session, kind, select(Application, award_id, sent).order_by(sent, Application.id), by=by, now=now
        )
        return [
            _item(a, gettext("Sent on %(date_long)s", date_long=date_long(moment)), _award_page(i))
            for a, i, moment in rows
        ]
    if kind is Kind.PAYMENTS_DUE:
        due_payments = select(Payment).join(Award, Award.id == Payment.award_id).where(of_award, _payment_due(now))
        first_due = due_payments.with_only_columns(func.min(Payment.due_on)).scalar_subquery()
        amount = due_payments.with_only_columns(func.sum(Payment.amount_pence)).scalar_subquery()
        rows = _listed(
            session,
            kind,
            select(Application, award_id, first_due, amount).order_by(first_due, Application.id),
            by=by,
            now=now,
        )
        today = uk_time(now).date()
        return [
            _item(
                a,
                gettext(
                    "%(pounds)s %(due)s on %(date_long)s",
                    pounds=pounds(pence),
                    due="was due" if on < today else "due",
                    date_long=date_long(on),
                ),
                _award_page(i),
            )
            for a, i, on, pence in rows
        ]
    if kind is Kind.MESSAGES_TO_READ:
        unread = (
            select(func.count(AwardMessage.id), func.min(AwardMessage.sent_at))
            .join(Award, Award.id == AwardMessage.award_id)
            .where(of_award, AwardMessage.from_team.is_(False), AwardMessage.read_at.is_(None))
        )
        count = unread.with_only_columns(func.count(AwardMessage.id)).scalar_subquery()
        first = unread.with_only_columns(func.min(AwardMessage.sent_at)).scalar_subquery()
        rows = _listed(
            session, kind, select(Application, award_id, count, first).order_by(first, Application.id), by=by, now=now
        )
        return [
            _item(
                a,
                gettext("%(n)s new since %(date_long)s", n=n, date_long=date_long(moment)),
                {"endpoint": "officer.award_messages", "arguments": {"award_id": i}},
            )
            for a, i, n, moment in rows
        ]
    changed = select(Award.bank_details_added_at).where(of_award).scalar_subquery()
    rows = _listed(
        session, kind, select(Application, award_id, changed).order_by(changed.desc(), Application.id), by=by, now=now
    )
    return [
        _item(
            a,
            gettext(
                "Changed on %(date_long)s: check the change with the group; finance must confirm the new details",
                date_long=date_long(moment),
            ),
            _award_page(i),
        )
        for a, i, moment in rows
    ]


LISTS: dict[Kind, Callable[..., list[QueueItem]]] = {
    Kind.AWAITING_SECOND_OFFICER: _approvals,
    Kind.RETURNED_TO_YOU: _approvals,
    Kind.NOBODY_ASSIGNED: _reviewing,
    Kind.REVIEWS_OVERDUE: _reviewing,
    Kind.TOO_FEW_REVIEWERS: _reviewing,
    Kind.QUESTIONS_UNANSWERED: _questions,
    Kind.ANSWERS_TO_READ: _questions,
    Kind.REPORTS_TO_READ: _awards,
    Kind.PAYMENTS_DUE: _awards,
    Kind.BANK_DETAILS_CHANGED: _awards,
    Kind.MESSAGES_TO_READ: _awards,
}


def _counts(session: Session, *, by: User, now: datetime) -> dict[Kind, list[RoundCount]]:
    """Every kind counted by round, in one query."""
    counted = union_all(
        *(
            select(literal(kind.value).label("kind"), Application.round_id, func.count(Application.id).label("n"))
            .where(condition(kind, by=by, now=now))
            .group_by(Application.round_id)
            for kind in Kind
        )
    ).subquery()
    rows = session.execute(
        select(counted.c.kind, Round.id, Round.title, counted.c.n)
        .join(Round, Round.id == counted.c.round_id)
        .order_by(Round.closes_at.desc(), Round.id.desc())
    )
    counts: dict[Kind, list[RoundCount]] = {kind: [] for kind in Kind}
    for kind, round_id, title, count in rows:
        counts[Kind(kind)].append(RoundCount(round_id, title, count))
    return counts


def work_queue(session: Session, *, by: User, now: datetime | None = None) -> list[QueueKind]:
    """The kinds of work waiting, in the order an officer would do them; only kinds with something to do."""
    now = now or utcnow()
    counts = _counts(session, by=by, now=now)
    return [QueueKind(kind, LISTS[kind](session, kind, by=by, now=now), counts[kind]) for kind in Kind if counts[kind]]
