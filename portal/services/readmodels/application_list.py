"""The officer's list of a round's sent applications: its filters, the "flagged by the panel" option, and
one page of it. The list page, its CSV export and the work queue's "see all" links share this query."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session, joinedload

from portal.infra.i18n import _l
from portal.models.applications import Application, ApplicationStatus
from portal.models.funding import Round
from portal.models.organisations import Organisation
from portal.models.users import User
from portal.routing import parse_id
from portal.services.applications.form import parse_pounds
from portal.services.panels import ranking
from portal.services.readmodels import keyset, work_queue
from portal.services.readmodels.keyset import Key, KeyValue

PER_PAGE = 50


def _sent(a: Application) -> KeyValue:
    return a.submitted_at or a.created_at


# Each sort ends with the id, so ties have one order and a "Next 50" link can continue after the last
# row; each runs one way throughout, so PostgreSQL reads it from one index (migrations 0007 and 0028).
SORTS: dict[str, tuple[Key[Application], ...]] = {
    "sent": (Key(Application.submitted_at, _sent), Key(Application.id, lambda a: a.id)),
    "reference": (Key(Application.reference, lambda a: a.reference or ""), Key(Application.id, lambda a: a.id)),
    "amount": (
        Key(Application.amount_requested_pence, lambda a: a.amount_requested_pence, descending=True),
        Key(Application.id, lambda a: a.id, descending=True),
    ),
    "group": (Key(Organisation.name, lambda a: a.organisation.name), Key(Application.id, lambda a: a.id)),
}

SORT_LABELS = {
    "sent": _l("Date sent"),
    "reference": _l("Reference"),
    "amount": _l("Amount, largest first"),
    "group": _l("Group name"),
}
# A draft is the group's own until it is sent: officers never list one.
LISTED_STATUSES = tuple(s for s in ApplicationStatus if s is not ApplicationStatus.DRAFT)
_STATUSES = frozenset(s.value for s in ApplicationStatus)
_QUEUES = frozenset(k.value for k in work_queue.Kind)


def chosen_filters(args: Mapping[str, str]) -> dict[str, str]:
    """The list's filters from the query string, each cleaned: an unknown value is ignored rather than
    refused, so an old bookmark still shows a list."""
    return {
        "status": args.get("status", "") if args.get("status", "") in _STATUSES else "",
        "q": args.get("q", "").strip()[:100],
        "neighbourhood": args.get("neighbourhood", "") if parse_id(args.get("neighbourhood")) else "",
        "min": args.get("min", "") if parse_pounds(args.get("min", "")) is not None else "",
        "max": args.get("max", "") if parse_pounds(args.get("max", "")) is not None else "",
        "sort": args.get("sort", "") if args.get("sort", "") in SORTS else "sent",
        "flagged": "y" if args.get("flagged") == "y" else "",
        "queue": args.get("queue", "") if args.get("queue", "") in _QUEUES else "",
    }


def filtered(session: Session, grant_round: Round, chosen: Mapping[str, str], *, by: User) -> Select[Application]:
    """The sent applications of the round, narrowed and sorted as chosen."""
    statement = (
        select(Application)
        .join(Organisation, Organisation.id == Application.organisation_id)
        .where(Application.round_id == grant_round.id, Application.status != ApplicationStatus.DRAFT)
        .options(joinedload(Application.organisation))
    )
    if chosen.get("status"):
        statement = statement.where(Application.status == ApplicationStatus(chosen["status"]))
    if chosen.get("q"):
        like = f"%{chosen['q']}%"
        statement = statement.where(or_(Application.reference.ilike(like), Organisation.name.ilike(like)))
    if chosen.get("neighbourhood"):
        statement = statement.where(Organisation.neighbourhood_id == int(chosen["neighbourhood"]))
    if chosen.get("min"):
        statement = statement.where(Application.amount_requested_pence >= (parse_pounds(chosen["min"]) or 0))
    if chosen.get("max"):
        statement = statement.where(Application.amount_requested_pence <= (parse_pounds(chosen["max"]) or 0))
    if chosen.get("queue"):
        # The work queue's own condition, so "see all" lists exactly what the home page counted.
        statement = statement.where(work_queue.condition(work_queue.Kind(chosen["queue"]), by=by))
    if chosen.get("flagged"):
        # The results' own flags, as a condition in this query: the round is not ranked in Python.
        statement = statement.where(ranking.flagged(grant_round))
    keys = SORTS[chosen.get("sort") or "sent"]
    return statement.order_by(*(k.column.desc() if k.descending else k.column for k in keys))


def list_page(
    session: Session, statement: Select[Application], chosen: Mapping[str, str], args: Mapping[str, str]
) -> keyset.Page[Application]:
    """The page of the list the link asks for (``after`` / ``before`` the row it names; else the first).

    One query of the page's rows: the list does not count every matching row on each view."""
    return keyset.page(
        statement,
        SORTS[chosen.get("sort") or "sent"],
        args,
        lambda ordered: session.scalars(ordered).all(),
        per_page=PER_PAGE,
    )


def chosen_applications(session: Session, grant_round: Round, ids: Sequence[int]) -> Sequence[Application]:
    """The applications ticked on the list, only those of this round (an id from another round is ignored)."""
    return session.scalars(
        select(Application).where(Application.id.in_(ids), Application.round_id == grant_round.id)
    ).all()
