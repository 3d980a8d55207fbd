"""More of the demonstration: the panel's independence at work.

Two of the three panel members cannot score the singing group's application:
the officer has entered one in the conflict register, and the other declares a
conflict on opening it. June scores it, and the officer closes its reviewing
with her review in hand, so the results show why it has one review of three.
The café's application has a photo for the panel to see. Built through the
services, like the rest of the demo; loading twice changes nothing.
"""

from __future__ import annotations

import io

from PIL import Image, ImageDraw
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models.applications import Application, ApplicationStatus, EvidenceKind
from portal.models.panels import Assignment, Panel, PanelMember, Recommendation
from portal.models.users import User
from portal.services.applications.evidence import attach_thumbnail, preview_of
from portal.services.files.uploads import receive_upload, store_evidence
from portal.services.panels import access, closing, conflicts, membership, scoring
from portal.storage.base import Storage

REGISTER_REASON = "Tom volunteers with the group, leading its warm-ups."
DECLARED = "My mother sings with the group."
CLOSING_REASON = (
    "Two of the panel's three members have a conflict of interest with the group, "
    "and nobody else on the panel can score it."
)


def close_short(session: Session, officer: User, application: Application, panellists: dict[str, User]) -> None:
    """Take the application through the register, a late declaration and one review, to closing short."""
    if application.status is not ApplicationStatus.WITH_PANEL:
        return
    june, ravi, tom = (panellists[f"{name}@example.org"] for name in ("june", "ravi", "tom"))
    if not access.conflicted(session, tom.id, application.organisation_id):
        conflicts.add_entry(
            session, by=officer, panellist=tom, organisation=application.organisation, reason=REGISTER_REASON
        )
    declaring = _assignment(session, application, ravi)
    if declaring is not None:
        conflicts.declare_conflict(session, declaring, by=ravi, nature=DECLARED)
    scoring_one = _assignment(session, application, june)
    if scoring_one is None:
        return
    member = session.scalar(
        select(PanelMember).where(PanelMember.panel_id == scoring_one.panel_id, PanelMember.user_id == june.id)
    )
    if member is not None and member.onboarded_at is None:
        membership.complete_onboarding(session, member, accepted=True, wants_payment=True)
    membership.confirm_no_conflict(session, scoring_one, by=june)
    criteria = application.round.criteria
    answers = {c.id: scoring.CriterionAnswer(4, "Clear about who it helps.") for c in criteria}
    scoring.submit_review(
        session,
        scoring_one,
        answers,
        by=june,
        recommendation=Recommendation.FUND,
        comment="People with breathing problems told us they have nothing like this nearby.",
    )
    if closing.can_close_reviewing(session, application):
        closing.close_reviewing(session, application, by=officer, reason=CLOSING_REASON)


def reviewed_by_panel(
    session: Session, officer: User, panel: Panel, application: Application, panellists: list[User]
) -> None:
    """Sent to the panel, and reviewed and scored by every member of it, as each would on the panel pages."""
    membership.send_to_panel(session, application, by=officer, panel=panel, panellists=panellists)
    answers = {c.id: scoring.CriterionAnswer(score=4, comment="") for c in application.round.criteria}
    for panellist in panellists:
        member = access.current_membership(session, panellist, panel.id)
        if member is not None and member.onboarded_at is None:
            membership.complete_onboarding(session, member, accepted=True, wants_payment=True)
        assignment = _assignment(session, application, panellist)
        assert assignment is not None  # just assigned above
        membership.confirm_no_conflict(session, assignment, by=panellist)
        scoring.submit_review(
            session,
            assignment,
            answers,
            by=panellist,
            recommendation=Recommendation.FUND,
            comment="A clear local need, and the people it is for are running it.",
        )


def add_photo(session: Session, storage: Storage, application: Application, user: User) -> None:
    """A picture of the group's activities, which the group was told the panel would see."""
    if any(e.kind is EvidenceKind.PHOTO for e in application.evidence):
        return
    image = Image.new("RGB", (480, 320), (0, 94, 165))
    ImageDraw.Draw(image).text((24, 140), "Demonstration photo: the Wednesday café", fill=(255, 255, 255))
    data = io.BytesIO()
    image.save(data, "JPEG", quality=80)
    data.seek(0)
    with receive_upload(data, "wednesday-cafe.jpg", max_bytes=1024 * 1024) as received:
        preview = preview_of(received)
        photo = store_evidence(
            session, storage, received, kind=EvidenceKind.PHOTO, uploaded_by=user, application_id=application.id
        )
        attach_thumbnail(storage, photo, preview)
    session.flush()
    session.expire(application, ["evidence"])


def _assignment(session: Session, application: Application, user: User) -> Assignment | None:
    return session.scalar(
        select(Assignment).where(Assignment.application_id == application.id, Assignment.panellist_id == user.id)
    )
