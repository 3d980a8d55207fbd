"""The pages the throughput and profile benchmarks visit, with session cookies for people in the generated data.

``pages(app)`` finds, in a database made by ``bench/generate.py``, a draft
application and one of its group's members, an application with an award and
one of its members, a panellist with a review to do and an officer, mints a
session cookie for each (``bench/minting.py``) and names every page with its
path, its cookie and, for a conditional request, the ETag a browser already has.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask
from sqlalchemy import select

from bench.minting import session_cookie
from portal.infra.database import writing
from portal.models.applications import Application, ApplicationStatus
from portal.models.awards import Award
from portal.models.funding import Round
from portal.models.organisations import Membership
from portal.models.panels import Assignment, PanelMember
from portal.models.users import Role, RoleGrant, User

# Where each group of pages stands against its target (issue 21, DESIGN §11).
PUBLIC, APPLICANT, PANELLIST, OFFICER = "public", "applicant", "panellist", "officer"
TARGETS = {PUBLIC: 0.25, APPLICANT: 0.10, PANELLIST: 0.10, OFFICER: 0.05}


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    kind: str
    cookie: str = ""
    # Ask again with the ETag of a first answer (If-None-Match): a phone that has the page already.
    conditional: bool = False


def pages(app: Flask) -> list[Page]:
    """Every page the benchmarks visit; commits the minted sessions."""
    from portal.extensions import db

    with app.app_context(), writing():
        session = db.session
        draft, member = session.execute(
            select(Application.id, Membership.user_id)
            .join(Membership, Membership.organisation_id == Application.organisation_id)
            .where(Application.status == ApplicationStatus.DRAFT, Application.title.like("%(%)"))
            .order_by(Application.id)
            .limit(1)
        ).one()
        awarded, award, award_member = session.execute(
            select(Application.id, Award.id, Membership.user_id)
            .join(Award, Award.application_id == Application.id)
            .join(Membership, Membership.organisation_id == Application.organisation_id)
            .order_by(Application.id)
            .limit(1)
        ).one()
        reviewed, panellist = session.execute(
            select(Assignment.application_id, Assignment.panellist_id)
            .join(PanelMember, PanelMember.user_id == Assignment.panellist_id)
            .join(Application, Application.id == Assignment.application_id)
            .where(
                Application.status == ApplicationStatus.WITH_PANEL,
                PanelMember.onboarded_at.is_not(None),
                Assignment.no_conflict_confirmed_at.is_not(None),
            )
            .order_by(Assignment.id)
            .limit(1)
        ).one()
        officer = session.scalar(
            select(User.id).join(RoleGrant).where(RoleGrant.role == Role.OFFICER).order_by(User.id).limit(1)
        )
        round_id, slug = session.execute(
            select(Round.id, Round.slug)
            .join(Application, Application.round_id == Round.id)
            .where(Application.id == draft)
        ).one()
        assert officer is not None
        people = {"a": member, "w": award_member, "p": panellist, "o": officer}
        cookies = {who: session_cookie(app, session, user_id) for who, user_id in people.items()}
        session.commit()
    a, w = cookies["a"], cookies["w"]
    return [
        Page("landing page", "/", PUBLIC),
        Page("landing page, has it already", "/", PUBLIC, conditional=True),
        Page("round page", f"/rounds/{slug}", PUBLIC),
        Page("round page, has it already", f"/rounds/{slug}", PUBLIC, conditional=True),
        Page("applicant dashboard", "/dashboard", APPLICANT, a),
        Page("task list", f"/applications/{draft}", APPLICANT, a),
        Page("section: about your group", f"/applications/{draft}/about-your-group", APPLICANT, a),
        Page("section: your idea", f"/applications/{draft}/your-idea", APPLICANT, a),
        Page("section: who will benefit", f"/applications/{draft}/who-will-benefit", APPLICANT, a),
        Page("section: budget", f"/applications/{draft}/budget", APPLICANT, a),
        Page("section: declarations", f"/applications/{draft}/declarations", APPLICANT, a),
        Page("evidence", f"/applications/{draft}/evidence", APPLICANT, a),
        Page("check your answers", f"/applications/{draft}/check-your-answers", APPLICANT, a),
        Page("status and timeline", f"/applications/{awarded}/status", APPLICANT, w),
        Page("award messages", f"/awards/{award}/messages", APPLICANT, w),
        Page("panellist home", "/panel/", PANELLIST, cookies["p"]),
        Page("panellist review", f"/panel/applications/{reviewed}", PANELLIST, cookies["p"]),
        Page("officer applications", f"/officer/rounds/{round_id}/applications", OFFICER, cookies["o"]),
    ]
