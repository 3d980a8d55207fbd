"""Who may do what on a panel: open an application, see others' scores, be given an application.

The panel's independence rests on these rules, so each has one home here and
every page asks it: the review page, the results page, file downloads and
assignment alike.

- A panellist may open an application only as a current member of the panel
  it is assigned through, with no open entry in the conflict register for the
  group (``assignment_for``; ``can_open_application`` also needs onboarding).
- Other members' scores (on the review page and the panel's results) appear
  only to a current, onboarded member who has submitted a review on that
  panel and has none left to submit (``sees_panel_scores``). Until then their
  own marks cannot be swayed by anyone else's.
- The results they see hold only the applications assigned within that panel,
  never the rows of a group they are conflicted with or belong to, and never
  anyone's name (``visible_results``).
- A panellist reads the project (its idea, who benefits, the round's own
  questions, the budget, the group's description), never contact details,
  bank details or who signed it; nor the group's name under blind review
  (``what_panellist_reads``).
- Nobody is given an application of a group they belong to or are conflicted
  with, and a member who has seen the panel's results is not given an
  application that already has a submitted review: they may know its marks
  (``why_not_assignable``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, exists, select
from sqlalchemy.orm import Session, joinedload, selectinload

from portal.infra.i18n import gettext
from portal.models.applications import Application, ApplicationStatus
from portal.models.organisations import Membership, Organisation
from portal.models.panels import Assignment, ConflictDeclaration, Panel, PanelMember, Review
from portal.models.users import User
from portal.services.applications import answers, organisations
from portal.services.applications import form as form_rules
from portal.services.panels import results
from portal.services.panels.scoring import RECOMMENDATIONS, UNREAD, Unread


def current_membership(session: Session, user: User, panel_id: int) -> PanelMember | None:
    """The user's place on the panel, unless they have left it."""
    return session.scalar(
        select(PanelMember).where(
            PanelMember.panel_id == panel_id, PanelMember.user_id == user.id, PanelMember.left_at.is_(None)
        )
    )


def current_memberships(session: Session, user: User) -> list[PanelMember]:
    """The panels the user sits on now (not those they have left), each with its panel loaded."""
    return list(
        session.scalars(
            select(PanelMember)
            .where(PanelMember.user_id == user.id, PanelMember.left_at.is_(None))
            .options(joinedload(PanelMember.panel))
        ).all()
    )


def open_conflicts(user_id: int) -> Select[int]:
    """The groups the register holds an open entry for, for this panellist (a subquery)."""
    return select(ConflictDeclaration.organisation_id).where(
        ConflictDeclaration.panellist_id == user_id, ConflictDeclaration.ended_at.is_(None)
    )


def _conflicted_with(user_id: int, organisation_id: Any) -> Any:
    """The register's rule as an SQL condition: an open entry for this panellist and group, in any round."""
    return exists().where(
        ConflictDeclaration.panellist_id == user_id,
        ConflictDeclaration.organisation_id == organisation_id,
        ConflictDeclaration.ended_at.is_(None),
    )


def conflicted(session: Session, user_id: int, organisation_id: int) -> bool:
    """Whether the programme's register holds an open entry for this panellist and group, in any round."""
    return bool(session.scalar(select(_conflicted_with(user_id, organisation_id))))


def opening(session: Session, user: User, application_id: int) -> tuple[Assignment, PanelMember] | None:
    """The panellist's assignment to the application and their place on its panel, if they may open it at all
    (assigned, still on the panel, no open conflict with the group); else None.

    One query: the assignment with its panel, application, round and group, the membership and the register.
    """
    found = session.execute(
        select(Assignment, PanelMember, _conflicted_with(user.id, Application.organisation_id))
        .join(Application, Application.id == Assignment.application_id)
        .join(
            PanelMember,
            and_(
                PanelMember.panel_id == Assignment.panel_id,
                PanelMember.user_id == user.id,
                PanelMember.left_at.is_(None),
            ),
        )
        .where(Assignment.application_id == application_id, Assignment.panellist_id == user.id)
        .options(
            joinedload(Assignment.panel),
            joinedload(Assignment.application).joinedload(Application.round),
            joinedload(Assignment.application)
            .joinedload(Application.organisation)
            .joinedload(Organisation.neighbourhood),
        )
    ).first()
    if found is None or found[2]:
        return None
    return found[0], found[1]


def assignment_for(session: Session, user: User, application_id: int) -> Assignment | None:
    """The panellist's assignment to the application, if they may open it at all (else None)."""
    found = opening(session, user, application_id)
    return None if found is None else found[0]


def can_open_application(session: Session, application_id: int, *, by: User) -> bool:
    """Assigned, current, onboarded and not conflicted: they may read the application and its shared files."""
    found = opening(session, by, application_id)
    return found is not None and found[1].onboarded_at is not None


@dataclass(frozen=True)
class ReviewProgress:
    submitted: int
    # Assigned and still possible to finish (the application is with the panel), but not submitted.
    outstanding: int


def review_progress(session: Session, user: User, panel_id: int) -> ReviewProgress:
    """How far the panellist is with the reviews assigned to them on this panel.

    An unsubmitted review of an application that has left the panel (withdrawn by
    the group, or reviewing closed) can never be finished, so it is not outstanding.
    """
    rows = session.execute(
        select(Review.submitted, Application.status)
        .select_from(Assignment)
        .join(Application, Application.id == Assignment.application_id)
        .outerjoin(
            Review,
            and_(Review.application_id == Assignment.application_id, Review.panellist_id == Assignment.panellist_id),
        )
        .where(Assignment.panel_id == panel_id, Assignment.panellist_id == user.id)
    ).all()
    submitted = sum(1 for done, _ in rows if done)
    outstanding = sum(1 for done, status in rows if not done and status is ApplicationStatus.WITH_PANEL)
    return ReviewProgress(submitted=submitted, outstanding=outstanding)


def sees_panel_scores(session: Session, panel: Panel, *, by: User) -> bool:
    """Whether other members' scores on this panel may be shown to the user now."""
    member = current_membership(session, by, panel.id)
    if member is None or member.onboarded_at is None:
        return False
    progress = review_progress(session, by, panel.id)
    return progress.submitted > 0 and progress.outstanding == 0


def visible_results(session: Session, panel: Panel, *, by: User) -> list[results.ResultRow] | None:
    """The panel's ranked results as this panellist may see them; None while they may not."""
    if not sees_panel_scores(session, panel, by=by):
        return None
    of_this_panel = Application.id.in_(select(Assignment.application_id).where(Assignment.panel_id == panel.id))
    not_theirs = Application.organisation_id.not_in(open_conflicts(by.id)) & Application.organisation_id.not_in(
        organisations.group_ids_of(by)
    )
    return results.round_results(session, panel.round, only=of_this_panel & not_theirs)


@dataclass(frozen=True)
class OtherReview:
    label: str  # "Panel member 2": never a name
    scores: dict[int, int]
    comments: dict[int, str]
    recommendation: str
    comment: str


def others_reviews(
    session: Session, assignment: Assignment, *, by: User, own: Review | Unread | None = UNREAD
) -> list[OtherReview] | None:
    """Everyone else's submitted reviews of the application, without names; None while hidden.

    Hidden until the user's own review of it is in and they may see the panel's scores. ``own``: that
    review as the page has just read it with ``scoring.review_of`` (None: there is none yet), so it is not
    asked for again.
    """
    application_id = assignment.application_id
    own_submitted: bool | None
    if own is UNREAD:
        own_submitted = session.scalar(
            select(
                exists().where(
                    Review.application_id == application_id, Review.panellist_id == by.id, Review.submitted.is_(True)
                )
            )
        )
    else:
        own_submitted = own is not None and own.submitted
    if not own_submitted or not sees_panel_scores(session, assignment.panel, by=by):
        return None
    others = session.scalars(
        select(Review)
        .where(Review.application_id == application_id, Review.submitted.is_(True), Review.panellist_id != by.id)
        .options(selectinload(Review.scores))
        .order_by(Review.submitted_at, Review.id)
    ).all()
    return [
        OtherReview(
            label=f"Panel member {number}",
            scores={s.criterion_id: s.value for s in review.scores},
            comments={s.criterion_id: s.comment for s in review.scores if s.comment},
            recommendation=RECOMMENDATIONS[review.recommendation] if review.recommendation else "",
            comment=review.comment,
        )
        for number, review in enumerate(others, start=1)
    ]


def panellists_who_may_take(session: Session, panel: Panel, application: Application) -> list[User]:
    """Current members of the panel who may be given the application (whether or not they already have it)."""
    members = session.scalars(
        select(PanelMember)
        .where(PanelMember.panel_id == panel.id, PanelMember.left_at.is_(None))
        .options(joinedload(PanelMember.user))
        .order_by(PanelMember.invited_at, PanelMember.id)
    ).all()
    facts = _facts(session, application)
    return [m.user for m in members if _refusal(m, facts) is None]


def why_not_assignable(session: Session, panel: Panel, application: Application, user: User) -> str | None:
    """Why the user may not be given the application through this panel, in plain words; None if they may."""
    who = user.name or user.email
    if application.round_id != panel.round_id:
        return gettext("That application is not in this panel's round.")
    member = current_membership(session, user, panel.id)
    if member is None:
        return gettext("%(who)s is not a current member of this panel.", who=who)
    reason = _refusal(member, _facts(session, application))
    return gettext("%(who)s cannot review this application: %(reason)s.", who=who, reason=reason) if reason else None


@dataclass(frozen=True)
class _Facts:
    """What the assignment rule needs to know about one application, read once for every member."""

    group_members: frozenset[int]
    conflicted: frozenset[int]
    has_submitted_review: bool


def _facts(session: Session, application: Application) -> _Facts:
    organisation_id = application.organisation_id
    return _Facts(
        group_members=frozenset(
            session.scalars(select(Membership.user_id).where(Membership.organisation_id == organisation_id))
        ),
        conflicted=frozenset(
            session.scalars(
                select(ConflictDeclaration.panellist_id).where(
                    ConflictDeclaration.organisation_id == organisation_id, ConflictDeclaration.ended_at.is_(None)
                )
            )
        ),
        has_submitted_review=bool(
            session.scalar(select(exists().where(Review.application_id == application.id, Review.submitted.is_(True))))
        ),
    )


def _refusal(member: PanelMember, facts: _Facts) -> str | None:
    if member.user_id in facts.group_members:
        return gettext("they belong to the group that applied")
    if member.user_id in facts.conflicted:
        return gettext("the conflict register holds a conflict of interest with this group")
    if member.results_seen_at is not None and facts.has_submitted_review:
        return gettext("they have seen the panel's results, so may already know the marks it has been given")
    return None


# The question sections a panellist reads; "group" is left out for its contact and
# profile details (only its description is shown), "declarations" for the signature.
# With the round's own sections after these (see form.answer_section_keys).
PANEL_SECTIONS = ("idea", "benefit")


@dataclass(frozen=True)
class PanelReading:
    """What a panellist may read of an application."""

    group_name: str | None
    group_description: str
    neighbourhood: str | None
    sections: list[answers.AnswerSection]
    budget: list[tuple[str, int]]


def what_panellist_reads(application: Application) -> PanelReading:
    """The project, never contact details, bank details or who signed it; no group name under blind review."""
    description: Any = form_rules.answer(application, "group", "description")
    neighbourhood = application.organisation.neighbourhood
    return PanelReading(
        group_name=None if application.round.blind_review else application.organisation.name,
        group_description=str(description or ""),
        neighbourhood=neighbourhood.name if neighbourhood else None,
        sections=answers.answer_sections(
            application,
            form_rules.answer_section_keys(application.round, PANEL_SECTIONS),
            file_names=not application.round.blind_review,
        ),
        budget=[(line.item, line.amount_pence) for line in application.budget_lines],
    )
