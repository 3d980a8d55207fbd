"""A community connector's journey with the test client: start for a new group, fill the same pages,
ask the group to confirm; the group's member confirms by the emailed link, or by the code."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models.applications import Application, ApplicationStatus
from portal.models.audit import AuditAction, AuditEntry
from portal.models.outbox import OutboxMessage
from portal.models.users import Role, SignInMethod, User
from portal.services.messages.outbox import body_to_send
from portal.storage import get_storage
from tests.apply.filling import fill_application
from tests.conftest import another_browser as new_browser
from tests.factories import make_round, make_user
from tests.fixtures.databases import reread


def _start(session: Session, client: FlaskClient, sign_in_as: Any) -> tuple[Application, User]:
    connector = make_user(session, name="Chidi Connector", roles=(Role.CONNECTOR,))
    grant_round = make_round(session)
    session.commit()
    sign_in_as(client, connector, SignInMethod.EMAIL)

    page = client.get("/help-a-group")
    assert page.status_code == 200
    assert "Start an application for a group" in page.text
    response = client.post(
        "/help-a-group",
        data={
            "round_id": str(grant_round.id),
            "group": "new",
            "name": "Hope Street Walkers",
            "kind": "charity",
            "contact_name": "Amina Yusuf",
            "contact_email": "amina@example.org",
        },
    )
    assert response.status_code == 302, response.text
    reread(session)
    application = session.scalars(select(Application).where(Application.helped_by_id == connector.id)).one()
    assert response.headers["Location"].endswith(f"/applications/{application.id}")
    return application, connector


def _confirmation_email(session: Session) -> str:
    message = session.scalars(
        select(OutboxMessage).where(OutboxMessage.to == "amina@example.org").order_by(OutboxMessage.id.desc())
    ).first()
    assert message is not None
    return body_to_send(message)


def test_a_connectors_application_needs_the_groups_confirmation(
    app: Flask, session: Session, client: FlaskClient, sign_in_as: Any
) -> None:
    another_browser = new_browser(app)
    application, _ = _start(session, client, sign_in_as)
    # The helper fills the same pages as the group.
    page = client.post(
        f"/applications/{application.id}/your-idea",
        data={"revision": "0", "action": "later", "title": "Walk and talk", "activities": "Weekly walks."},
    )
    assert page.status_code in (200, 302), page.text
    reread(session)
    fill_application(session, get_storage(), application)
    session.commit()

    task_list = client.get(f"/applications/{application.id}")
    assert "Started with help from Chidi Connector" in task_list.text
    assert "Ask the group to confirm" in task_list.text
    # The helper cannot send it.
    refused = client.post(f"/applications/{application.id}/check-your-answers", data={})
    assert refused.status_code == 409
    asked = client.post(f"/applications/{application.id}/ask-group-to-confirm", data={})
    assert asked.status_code == 302

    body = _confirmation_email(session)
    link = re.search(r"https?://\S+/confirm-application/\S+", body)
    assert link is not None
    path = "/" + link.group(0).split("/", 3)[3]

    # The link leads through sign-in; a member of the group then sees the application and sends it.
    assert another_browser.get(path).status_code == 302
    member = session.scalars(select(User).where(User.email == "amina@example.org")).one()
    sign_in_as(another_browser, member, SignInMethod.EMAIL)
    confirm_page = another_browser.get(path)
    assert confirm_page.status_code == 200
    assert "Confirm and send" in confirm_page.text
    sent = another_browser.post(path, data={"send": "1"})
    assert sent.status_code == 302
    reread(session)
    assert application.status is ApplicationStatus.SUBMITTED
    submitted = session.scalars(select(AuditEntry).where(AuditEntry.action == AuditAction.APPLICATION_SUBMITTED)).one()
    assert submitted.actor_id == member.id
    # Used once.
    assert another_browser.get(path).status_code == 410


def test_the_group_can_confirm_with_the_code_from_its_dashboard(
    app: Flask, session: Session, client: FlaskClient, sign_in_as: Any
) -> None:
    another_browser = new_browser(app)
    application, _ = _start(session, client, sign_in_as)
    fill_application(session, get_storage(), application)
    session.commit()
    client.post(f"/applications/{application.id}/ask-group-to-confirm", data={})
    code = re.search(r"\b(\d{6})\b", _confirmation_email(session))
    assert code is not None

    member = session.scalars(select(User).where(User.email == "amina@example.org")).one()
    sign_in_as(another_browser, member, SignInMethod.EMAIL)
    assert "Enter a confirmation code" in another_browser.get("/dashboard").text
    wrong = another_browser.post(
        "/confirmation-code", data={"code": "000000" if code.group(1) != "000000" else "111111"}
    )
    assert wrong.status_code == 409
    shown = another_browser.post("/confirmation-code", data={"code": code.group(1)})
    assert shown.status_code == 200
    assert "Confirm and send" in shown.text
    sent = another_browser.post("/confirmation-code", data={"code": code.group(1), "send": "1"})
    assert sent.status_code == 302
    reread(session)
    assert application.status is ApplicationStatus.SUBMITTED


def test_another_connector_cannot_open_the_draft(
    app: Flask, session: Session, client: FlaskClient, sign_in_as: Any
) -> None:
    another_browser = new_browser(app)
    application, _ = _start(session, client, sign_in_as)
    other = make_user(session, roles=(Role.CONNECTOR,))
    session.commit()
    sign_in_as(another_browser, other, SignInMethod.EMAIL)
    assert another_browser.get(f"/applications/{application.id}").status_code == 404
    assert another_browser.post(f"/applications/{application.id}/ask-group-to-confirm", data={}).status_code == 404


def test_the_helper_fills_the_groups_profile_but_not_another_groups(
    app: Flask, session: Session, client: FlaskClient, sign_in_as: Any
) -> None:
    application, _ = _start(session, client, sign_in_as)
    organisation_id = application.organisation_id
    assert client.get(f"/groups/{organisation_id}/details").status_code == 200
    saved = client.post(f"/groups/{organisation_id}/address", data={"address": "1 Hope Street", "postcode": "WD17 2AB"})
    assert saved.status_code in (200, 302)
    # The group's members stay the group's own business.
    assert client.get(f"/groups/{organisation_id}/members").status_code == 404

    reread(session)
    other = make_user(session, roles=(Role.CONNECTOR,))
    session.commit()
    another_browser = new_browser(app)
    sign_in_as(another_browser, other, SignInMethod.EMAIL)
    assert another_browser.get(f"/groups/{organisation_id}/details").status_code == 404
