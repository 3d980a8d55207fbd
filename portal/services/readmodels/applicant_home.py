"""What an applicant sees first after signing in."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, exists, select
from sqlalchemy.orm import Session, defer, joinedload

from portal.infra.i18n import gettext
from portal.models.applications import Application, ApplicationStatus
from portal.models.awards import Award, AwardStatus, MonitoringReport
from portal.models.base import utcnow
from portal.models.events import Event, Registration, Resource
from portal.models.funding import Round
from portal.models.users import User
from portal.services.applications.organisations import groups_of
from portal.services.awards import report_reviews, reports
from portal.services.events import audience
from portal.services.events.resources import recent as recent_resources
from portal.services.rounds import stages
from portal.services.rounds.listing import LISTED, open_rounds
from portal.workflow import APPLICATION_LABELS, AWARD_LABELS


@dataclass(frozen=True)
class ApplicationRow:
    application_id: int
    round_title: str
    round_slug: str
    reference: str | None
    status: ApplicationStatus
    status_label: str
    amount_requested_pence: int
    award_amount_pence: int | None = None
    award_status_label: str | None = None
    award_id: int | None = None
    # What the group should do next, in a few words, and where; None when nothing is needed.
    next_step: str | None = None
    next_endpoint: str | None = None

    @property
    def is_draft(self) -> bool:
        return self.status is ApplicationStatus.DRAFT


@dataclass(frozen=True)
class GroupApplications:
    organisation_id: int
    name: str
    applications: list[ApplicationRow] = field(default_factory=list)


@dataclass(frozen=True)
class ApplicantOverview:
    groups: list[GroupApplications]
    # Open rounds at least one of the person's groups has not applied to yet.
    open_rounds: list[Round]
    events: list[Event] = field(default_factory=list)
    # Places booked or waited for by the person's groups at events still to come.
    bookings: list[Registration] = field(default_factory=list)
    # Resources added in the last 30 days, newest first.
    new_resources: list[Resource] = field(default_factory=list)


def applicant_overview(session: Session, user: User) -> ApplicantOverview:
    """The groups ``user`` acts for, their applications and awards, and the open rounds."""
    organisations = groups_of(session, user)
    by_organisation: dict[int, list[ApplicationRow]] = defaultdict(list)
    applied: dict[int, set[int]] = defaultdict(set)
    # Rounds in which one of the groups holds a grant: who may book which events.
    funded_rounds: set[int] = set()
    if organisations:
        rows = session.execute(
            select(Application, Award, _has_report(report_reviews.sent_back()), _has_report(reports.not_sent()))
            .join(Application.round)
            .outerjoin(Award, Award.application_id == Application.id)
            # A list: the answers and the rounds' settings (JSON) are left unread.
            .options(
                joinedload(Application.round).options(*LISTED),
                defer(Application.answers),
                defer(Application.section_revisions),
            )
            .where(Application.organisation_id.in_([o.id for o in organisations]))
            .order_by(Round.closes_at.desc(), Application.id.desc())
        )
        for application, award, sent_back, to_send in rows:
            by_organisation[application.organisation_id].append(
                ApplicationRow(
                    application_id=application.id,
                    round_title=application.round.title,
                    round_slug=application.round.slug,
                    reference=application.reference,
                    status=application.status,
                    status_label=APPLICATION_LABELS[application.status],
                    amount_requested_pence=application.amount_requested_pence,
                    award_amount_pence=award.amount_pence if award is not None else None,
                    award_status_label=AWARD_LABELS[award.status] if award is not None else None,
                    award_id=award.id if award is not None else None,
                    **_next_step(application, award, sent_back=sent_back, to_send=to_send),
                )
            )
            applied[application.round_id].add(application.organisation_id)
            if award is not None and award.status is not AwardStatus.CANCELLED:
                funded_rounds.add(application.round_id)
    groups = [GroupApplications(o.id, o.name, by_organisation[o.id]) for o in organisations]
    group_count = len(organisations)
    rounds = [r for r in open_rounds(session) if group_count == 0 or len(applied[r.id]) < group_count]
    registrations = audience.my_registrations(session, user, organisation_ids={o.id for o in organisations})
    return ApplicantOverview(
        groups=groups,
        open_rounds=rounds,
        events=upcoming_events(session, funded_rounds),
        bookings=[r for r in registrations if r.event.ends_at > utcnow()],
        new_resources=recent_resources(session, {r.event_id for r in registrations}),
    )


def _has_report(condition: ColumnElement[bool]) -> ColumnElement[bool]:
    """For an Award row: one of its reports meets ``condition``."""
    return exists().where(MonitoringReport.award_id == Award.id, condition)


def _next_step(
    application: Application, award: Award | None, *, sent_back: bool = False, to_send: bool = False
) -> dict[str, str | None]:
    """The one thing the group should do next, with the page to do it on. ``sent_back``: a report of the
    award is back with the group to change; ``to_send``: one is not sent yet."""
    status = application.status
    if status is ApplicationStatus.DRAFT:
        if stages.open_for(application):
            what = gettext("expression of interest") if stages.at_first_stage(application) else "application"
            return {
                "next_step": gettext("Finish and send your %(what)s", what=what),
                "next_endpoint": "apply.task_list",
            }
        return {"next_step": None, "next_endpoint": None}
    if status is ApplicationStatus.MORE_INFO:
        return {"next_step": gettext("Answer our question"), "next_endpoint": "apply.status"}
    if award is not None:
        if award.status is AwardStatus.OFFERED:
            return {"next_step": gettext("Accept your grant"), "next_endpoint": "apply.award"}
        if award.status is AwardStatus.ACCEPTED and award.bank_details_encrypted is None:
            return {"next_step": gettext("Give your bank details"), "next_endpoint": "apply.award"}
        if award.status in (AwardStatus.ACCEPTED, AwardStatus.PAID, AwardStatus.REPORT_DUE):
            if sent_back:
                return {"next_step": gettext("Change your report and send it again"), "next_endpoint": "apply.award"}
            if to_send:
                return {"next_step": gettext("Send your report"), "next_endpoint": "apply.award"}
    return {"next_step": None, "next_endpoint": None}


# How many upcoming peer-learning events the dashboard lists.
DASHBOARD_EVENTS = 3


def upcoming_events(session: Session, funded_rounds: set[int], limit: int = DASHBOARD_EVENTS) -> list[Event]:
    """Published peer-learning events still to come for groups funded in ``funded_rounds``, soonest first."""
    now = utcnow()
    return [e for e in audience.events_for_groups(session, funded_rounds) if e.starts_at > now][:limit]
