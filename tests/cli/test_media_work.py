"""``flask --app portal media work``: the worker prepares the recordings groups sent."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models.media import ConversionStatus, MediaConversion
from portal.models.users import User
from portal.services.applications import lifecycle, spoken
from portal.services.files import media
from portal.storage import get_storage
from tests.factories import make_organisation, make_round
from tests.fixtures.media import MediaSamples


def test_the_worker_converts_waiting_recordings_once(
    app: Flask, session: Session, member: User, media_samples: MediaSamples
) -> None:
    group = make_organisation(session, members=(member,))
    draft = lifecycle.start_application(session, make_round(session), group, by=member)
    with (
        media_samples.tone.open("rb") as stream,
        media.receive_recording(stream, "tone.webm", max_bytes=1024 * 1024, max_seconds=60) as received,
    ):
        spoken.add_recording(session, get_storage(), draft, received, by=member)
    session.commit()

    runner = app.test_cli_runner()
    result = runner.invoke(args=["media", "work"])

    assert result.exit_code == 0, result.output
    assert "Converted 1 recording." in result.output
    session.rollback()
    assert session.scalar(select(MediaConversion.status)) is ConversionStatus.DONE
    assert "Converted 0 recordings." in runner.invoke(args=["media", "work"]).output
