"""One wording for an answer: the group, the officer and the panel read the same words."""

from __future__ import annotations

import html
import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from portal.models.applications import ApplicationStatus
from portal.models.base import utcnow
from portal.models.users import Role
from portal.services.applications import form as form_rules
from portal.services.applications.answers import CONFIRMED, NOT_ANSWERED, NOT_CONFIRMED, shown_answer
from portal.services.applications.form import FieldSpec
from tests.factories import make_application, make_assignment, make_organisation, make_panel, make_round, make_user

ROW = re.compile(
    r'<dt class="summary-list__key">(.*?)</dt>\s*<dd class="summary-list__value[^"]*">(.*?)</dd>', re.DOTALL
)


def rows(page: str) -> dict[str, str]:
    """Each summary-list row's label and value, as the page shows them."""
    return {html.unescape(key).strip(): html.unescape(value).strip() for key, value in ROW.findall(page)}


def read(app: Flask, client: FlaskClient, url: str) -> dict[str, str]:
    # A context of its own, so the signed-in person of one browser's request is not
    # remembered into the next browser's.
    with app.app_context():
        response = client.get(url)
    assert response.status_code == 200, url
    return rows(response.get_data(as_text=True))


def test_an_answer_in_words() -> None:
    tick = FieldSpec("privacy", "I have read it", "tick")
    choice = FieldSpec("communities", "Who", "multi", choices=form_rules.COMMUNITIES)
    text = FieldSpec("title", "Name", "text")
    assert shown_answer(tick, True) == CONFIRMED
    assert shown_answer(tick, False) == shown_answer(tick, None) == NOT_CONFIRMED
    assert shown_answer(choice, ["carers", ""]) == "Unpaid carers"
    assert shown_answer(choice, []) == shown_answer(choice, [""]) == NOT_ANSWERED
    assert shown_answer(text, "  ") == shown_answer(text, None) == NOT_ANSWERED
    assert shown_answer(text, "Walks") == "Walks"


def test_the_same_answer_reads_the_same_on_every_page(app: Flask, session: Session, sign_in_as: Any) -> None:
    member = make_user(session, name="Amina Yusuf")
    officer = make_user(session, roles=(Role.OFFICER,))
    panellist = make_user(session, roles=(Role.PANELLIST,))
    grant_round = make_round(session, questions={"extra": [{"key": "q1", "question": "Who helps you?"}]})
    group = make_organisation(session, name="Holywell Walkers", members=(member,))
    application = make_application(session, grant_round=grant_round, organisation=group)
    application.answers = {
        "group": {"description": "We walk.", "volunteers": ""},
        "idea": {"title": "Walk and talk", "activities": "", "local_need": "It is lonely", "timing": "Weekly"},
        "benefit": {"people_count": "40", "communities": ["carers", "older_people"], "at_risk": ""},
        "extra": {"q1": "Our neighbours"},
        "declarations": {"true_and_complete": True, "privacy": False, "name": "Amina Yusuf"},
    }
    session.commit()

    group_client, officer_client, panel_client = app.test_client(), app.test_client(), app.test_client()
    sign_in_as(group_client, member)
    sign_in_as(officer_client, officer)
    sign_in_as(panel_client, panellist)

    seen_by_group = read(app, group_client, f"/applications/{application.id}/check-your-answers")

    # Sent and with a panel, so all three may read it.
    application.status = ApplicationStatus.WITH_PANEL
    panel = make_panel(session, grant_round=grant_round, members=[panellist], onboarded=True)
    assignment = make_assignment(session, application=application, panellist=panellist, panel=panel)
    assignment.no_conflict_confirmed_at = utcnow()
    session.commit()
    seen_by_officer = read(app, officer_client, f"/officer/applications/{application.id}")
    seen_by_panel = read(app, panel_client, f"/panel/applications/{application.id}")

    privacy = form_rules.DECLARATIONS["privacy"]
    expected = {
        "What will you do?": NOT_ANSWERED,
        "Give your project a short name": "Walk and talk",
        "Which communities will benefit?": "Unpaid carers, Older people",
        "Will your project work with children or adults at risk?": NOT_ANSWERED,
        "Who helps you?": "Our neighbours",
    }
    for label, words in expected.items():
        assert seen_by_group[label] == seen_by_officer[label] == seen_by_panel[label] == words, label
    # Declarations are for the group and the officer only; the panel never sees who signed.
    assert seen_by_group[privacy] == seen_by_officer[privacy] == NOT_CONFIRMED
    assert seen_by_group[form_rules.DECLARATIONS["true_and_complete"]] == CONFIRMED
    assert seen_by_officer[form_rules.DECLARATIONS["true_and_complete"]] == CONFIRMED
    assert seen_by_group["How many people run or volunteer with your group?"] == NOT_ANSWERED
    assert seen_by_officer["How many people run or volunteer with your group?"] == NOT_ANSWERED
    assert privacy not in seen_by_panel
    assert "Your full name" not in seen_by_panel
