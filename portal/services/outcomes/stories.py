"""Groups' stories and photos for the outcomes page: only what each group agreed to share
(``portal.services.outcomes.consent``), from the rounds being read."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from portal.models.applications import Application, Evidence, EvidenceKind
from portal.models.awards import Award, MonitoringReport
from portal.models.funding import Round
from portal.services.awards import reports
from portal.services.outcomes.consent import may_share_photo, may_share_story


@dataclass(frozen=True)
class Story:
    group: str
    round_title: str
    answers: list[tuple[str, str]]  # (question, answer): the report's written answers
    photo_ids: list[int]


def shared_stories(session: Session, rounds: Sequence[Round]) -> list[Story]:
    """Each accepted report in ``rounds`` with a consented story or photos, newest first."""
    found = session.scalars(
        select(MonitoringReport)
        .join(Award, Award.id == MonitoringReport.award_id)
        .where(
            Award.round_id.in_([r.id for r in rounds]),
            MonitoringReport.accepted_at.is_not(None),
            MonitoringReport.share_story | MonitoringReport.share_photos,
        )
        .options(
            selectinload(MonitoringReport.award).selectinload(Award.application).selectinload(Application.organisation)
        )
        .order_by(MonitoringReport.accepted_at.desc(), MonitoringReport.id)
    ).all()
    photos: dict[int, list[Evidence]] = {}
    for photo in session.scalars(
        select(Evidence)
        .where(Evidence.report_id.in_([r.id for r in found]), Evidence.kind == EvidenceKind.PHOTO)
        .order_by(Evidence.id)
    ):
        photos.setdefault(photo.report_id or 0, []).append(photo)
    titles = {r.id: r.title for r in rounds}
    stories = []
    for report in found:
        answers = (
            [(question, answer) for question, answer, free_text in reports.answer_rows(report) if free_text]
            if may_share_story(report)
            else []
        )
        shown = [p.id for p in photos.get(report.id, []) if p.thumbnail_key and may_share_photo(p, report)]
        if answers or shown:
            stories.append(
                Story(report.award.application.organisation.name, titles[report.award.round_id], answers, shown)
            )
    return stories


def shared_photo(session: Session, rounds: Sequence[Round], photo_id: int) -> Evidence | None:
    """The photo, when its group agreed to share it and its report is in ``rounds``; else None."""
    photo = session.get(Evidence, photo_id)
    if photo is None or photo.report_id is None or photo.kind is not EvidenceKind.PHOTO:
        return None
    report = session.get(MonitoringReport, photo.report_id)
    if report is None or report.award.round_id not in {r.id for r in rounds}:
        return None
    return photo if may_share_photo(photo, report) else None
