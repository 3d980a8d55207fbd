"""The task list of a new draft offers the group's earlier applications to copy answers from."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from portal.models.applications import Application, ApplicationStatus
from portal.models.users import User
from portal.storage import get_storage
from tests.apply.filling import fill_application
from tests.factories import make_application, make_organisation, make_round, make_user
from tests.fixtures.databases import reread
from tests.fixtures.pages import page_text


def test_a_group_copies_its_last_applications_answers(
    app: Flask, signed_in: FlaskClient, session: Session, member: User
) -> None:
    group = make_organisation(session, name="Garston Shed", members=(member,))
    earlier = make_application(session, grant_round=make_round(session, slug="last-year"), organisation=group)
    fill_application(session, get_storage(), earlier)
    earlier.status = ApplicationStatus.DECLINED
    draft = make_application(session, grant_round=make_round(session, slug="this-year"), organisation=group)
    other = make_application(
        session,
        grant_round=make_round(session, slug="theirs"),
        organisation=make_organisation(session, name="Oxhey Choir", members=(make_user(session),)),
    )
    other.answers = {"idea": {"title": "Their choir"}}
    session.commit()

    page = page_text(signed_in.get(f"/applications/{draft.id}"))
    assert "Start from an earlier application" in page
    assert "Their choir" not in page

    refused = signed_in.post(f"/applications/{draft.id}/copy-answers", data={"source": other.id}, follow_redirects=True)
    assert "only copy answers from your own group" in page_text(refused)
    reread(session)
    untouched = session.get(Application, draft.id)
    assert untouched is not None
    assert not untouched.answers

    copied = signed_in.post(
        f"/applications/{draft.id}/copy-answers", data={"source": earlier.id}, follow_redirects=True
    )
    assert "Your answers are copied" in page_text(copied)
    reread(session)
    saved = session.get(Application, draft.id)
    assert saved.title == earlier.title  # type: ignore[union-attr]
    assert "Start from an earlier application" not in page_text(copied)
