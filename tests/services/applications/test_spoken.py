"""Spoken or filmed answers: when they answer a question, and how every page reads them."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.errors import DomainError
from portal.models.applications import Application, ApplicationStatus, Evidence
from portal.models.media import ConversionStatus, MediaConversion
from portal.services.applications import answers, spoken
from portal.services.applications import form as form_rules
from portal.services.files import media
from portal.storage.local import LocalStorage
from tests.factories import make_application, make_organisation, make_recording, make_round, make_user
from tests.fixtures.media import MediaSamples


@pytest.fixture
def draft(session: Session) -> Application:
    application = make_application(session, grant_round=make_round(session), organisation=make_organisation(session))
    application.answers = {"idea": {"title": "Walks", "activities": "", "local_need": "", "timing": "Weekly"}}
    return application


def test_only_long_text_questions_take_a_recording() -> None:
    assert [kind for kind in ("text", "long", "number", "choice", "file") if spoken.takes_recording(kind)] == ["long"]


def test_a_recording_answers_the_question_while_it_is_still_being_prepared(
    session: Session, draft: Application, tmp_path: Path
) -> None:
    assert set(form_rules.question_problems(draft, "idea")) == {"activities", "local_need"}
    make_recording(session, LocalStorage(tmp_path), application=draft, ready=False)
    assert set(form_rules.question_problems(draft, "idea")) == {"local_need"}


def test_a_recording_that_could_not_be_prepared_asks_for_the_answer_again(
    session: Session, draft: Application, tmp_path: Path
) -> None:
    recording = make_recording(session, LocalStorage(tmp_path), application=draft, ready=False)
    job = session.scalars(select(MediaConversion).where(MediaConversion.evidence_id == recording.id)).one()
    job.status = ConversionStatus.FAILED
    assert form_rules.question_problems(draft, "idea")["activities"] == spoken.NOT_PREPARED


def test_every_page_reads_a_recorded_answer_the_same_way(session: Session, draft: Application, tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path)
    make_recording(session, storage, application=draft, transcript="We walk")
    make_recording(session, storage, application=draft, name="local_need", has_video=True)
    draft.answers = {"idea": {**draft.answers["idea"], "local_need": "Written too"}}
    rows = {row.name: row for row in answers.answer_rows(draft, "idea", form_rules.fields_for(draft, "idea"))}
    assert rows["activities"].value == answers.ANSWERED_BY_RECORDING
    assert rows["activities"].spoken is not None
    assert (rows["activities"].spoken.transcript, rows["activities"].spoken.ready) == ("We walk", True)
    assert rows["local_need"].value == "Written too"  # written as well: the words, with the film beside them
    assert rows["local_need"].spoken is not None
    assert rows["local_need"].spoken.has_video
    assert rows["title"].spoken is None


def test_a_sent_application_takes_no_recording_and_nothing_is_stored(
    session: Session, draft: Application, tmp_path: Path, media_samples: MediaSamples
) -> None:
    draft.status = ApplicationStatus.SUBMITTED
    storage = LocalStorage(tmp_path / "files")
    with (
        media_samples.tone.open("rb") as stream,
        media.receive_recording(stream, "tone.webm", max_bytes=1024 * 1024, max_seconds=60) as received,
        pytest.raises(DomainError, match="has been sent"),
    ):
        spoken.add_recording(session, storage, draft, received, by=make_user(session))
    assert session.scalar(select(func.count()).select_from(Evidence)) == 0
    assert list(storage.listing("evidence/")) == []
