"""The question builder's pages: sections and questions added, changed, moved and removed,
a preview, read-only once used; and the documents a round requires."""

from __future__ import annotations

import re

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models.applications import EvidenceKind
from portal.models.audit import AuditEntry
from portal.models.questions import QuestionKind, RoundQuestion, RoundSection
from portal.services.rounds import documents
from tests.factories import add_own_questions, make_application, make_organisation, make_round
from tests.fixtures.databases import reread
from tests.fixtures.pages import error_summary_problems, page_text


def test_building_a_section_of_questions(signed_in: FlaskClient, session: Session) -> None:
    grant_round = make_round(session, title="Spring grants")
    session.commit()
    base = f"/officer/rounds/{grant_round.id}/questions"
    assert "This round asks no questions of its own yet" in page_text(signed_in.get(base))
    assert f'href="{base}"' in signed_in.get(f"/officer/rounds/{grant_round.id}/edit").get_data(as_text=True)

    refused = signed_in.post(f"{base}/sections/new", data={"title": " "})
    assert "Enter the section's title" in page_text(refused)
    assert error_summary_problems(refused.get_data(as_text=True)) == []
    assert (
        signed_in.post(f"{base}/sections/new", data={"title": "Your partners", "intro": "Who helps"}).status_code == 302
    )
    section = session.scalars(select(RoundSection)).one()

    add = f"{base}/sections/{section.id}/add"
    assert "What kind of answer does it take?" in page_text(signed_in.get(add))
    # A choice question without choices is refused, and what was typed stays.
    refused = signed_in.post(add, data={"kind": "one_choice", "question": "How often?", "options": "Weekly"})
    assert "Enter at least two choices, one on each line" in page_text(refused)
    assert "How often?" in refused.get_data(as_text=True)
    assert "Choose what kind of answer the question takes" in page_text(signed_in.post(add, data={"question": "x"}))
    assert "The word limit must be a whole number" in page_text(
        signed_in.post(add, data={"kind": "long_text", "question": "Why?", "word_limit": "lots"})
    )
    for data in (
        {"kind": "one_choice", "question": "How often?", "options": "Weekly\n\nMonthly\n", "required": "yes"},
        {"kind": "long_text", "question": "Why?", "word_limit": "120", "required": "no", "hint": "Briefly"},
        {"kind": "money", "question": "Match funding?", "required": "yes"},
    ):
        assert signed_in.post(add, data=data).status_code == 302
    reread(session)
    asked = [(q.key, q.kind, q.required, q.word_limit, q.options) for q in section.questions]
    assert asked == [
        ("q1", QuestionKind.ONE_CHOICE, True, None, ["Weekly", "Monthly"]),
        ("q2", QuestionKind.LONG_TEXT, False, 120, []),
        ("q3", QuestionKind.MONEY, True, None, []),
    ]
    page = page_text(signed_in.get(base))
    assert "Your partners" in page
    assert "Choices: Weekly, Monthly" in page

    # Change, move and remove: keys stay as they were.
    money = section.questions[2]
    edit = f"{base}/{money.id}/edit"
    assert 'value="Match funding?"' in signed_in.get(edit).get_data(as_text=True)
    assert signed_in.post(edit, data={"kind": "whole_number", "question": "Other grants?"}).status_code == 302
    assert signed_in.post(f"{base}/{money.id}/move", data={"direction": "up"}).status_code == 302
    assert signed_in.post(f"{base}/{money.id}/remove").status_code == 302
    reread(session)
    assert [q.key for q in section.questions] == ["q1", "q2"]
    assert signed_in.post(f"{base}/{section.questions[1].id}/move", data={"direction": "up"}).status_code == 302
    reread(session)
    assert [(q.key, q.position) for q in section.questions] == [("q2", 1), ("q1", 2)]
    assert "Remove the question “Why?”?" in page_text(signed_in.get(f"{base}/{section.questions[0].id}/remove"))

    actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions[0] == "round section added"
    assert "round question removed" in actions


def test_the_preview_shows_each_section_as_groups_see_it(signed_in: FlaskClient, session: Session) -> None:
    grant_round = make_round(session)
    add_own_questions(
        session,
        grant_round,
        [
            {"key": "q1", "kind": "yes_no", "question": "Funded before?"},
            {"key": "q2", "kind": "several_choices", "question": "Which days?", "options": ["Mon", "Tue"]},
            {"key": "q3", "kind": "date", "question": "Start date?"},
            {"key": "q4", "kind": "file", "question": "Your plan?"},
            {"key": "q5", "kind": "short_text", "question": "Gone?", "removed": True},
        ],
        key="s1",
        title="About the project",
    )
    session.commit()
    page = signed_in.get(f"/officer/rounds/{grant_round.id}/questions/preview")
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert '<fieldset class="fieldset" disabled>' in body
    for expected in ('type="radio"', 'type="checkbox"', 'type="file"', "Funded before?", "For example, 27 3 2027"):
        assert expected in body
    assert "Gone?" not in body
    assert 'id="s1-q1"' in body


def test_questions_are_read_only_once_a_group_has_applied(signed_in: FlaskClient, session: Session) -> None:
    grant_round = make_round(session, questions={"extra": [{"key": "q1", "question": "Who helps?"}]})
    make_application(session, grant_round=grant_round, organisation=make_organisation(session))
    session.commit()
    question = session.scalars(select(RoundQuestion)).one()
    base = f"/officer/rounds/{grant_round.id}/questions"

    page = page_text(signed_in.get(base))
    assert "These questions can no longer change" in page
    assert "Groups have started applying to this round" in page
    assert "Add a section" not in page
    # Its pages say so, should someone open one from an old link.
    edit = f"{base}/{question.id}/edit"
    assert "These questions can no longer change" in page_text(signed_in.get(edit))
    refused = signed_in.post(f"{base}/{question.id}/edit", data={"kind": "short_text", "question": "Renamed"})
    assert refused.status_code == 409
    assert "Groups have started applying to this round" in page_text(refused)
    moved = signed_in.post(f"{base}/{question.id}/move", data={"direction": "down"}, follow_redirects=True)
    assert "Groups have started applying to this round" in page_text(moved)
    assert signed_in.post(f"{base}/{question.id}/remove").status_code == 409
    reread(session)
    assert question.question == "Who helps?"


def test_another_rounds_question_is_not_found(signed_in: FlaskClient, session: Session) -> None:
    mine, other = make_round(session), make_round(session)
    section = add_own_questions(session, other, [{"key": "q1", "question": "Who?"}])
    session.commit()
    assert signed_in.get(f"/officer/rounds/{mine.id}/questions/{section.questions[0].id}/edit").status_code == 404
    assert signed_in.get(f"/officer/rounds/{mine.id}/questions/sections/{section.id}/edit").status_code == 404


def test_required_documents_are_ticked_per_round(signed_in: FlaskClient, session: Session) -> None:
    grant_round = make_round(session)
    session.commit()
    url = f"/officer/rounds/{grant_round.id}/documents"
    body = signed_in.get(url).get_data(as_text=True)
    ticked = re.findall(r'<input checked[^>]* value="(\w+)"', body)
    assert ticked == ["governing_document", "bank_statement"]  # the standing rules
    response = signed_in.post(url, data={"required": ["bank_statement", "photo"]})
    assert response.status_code == 302
    reread(session)
    assert documents.required_kinds(grant_round) == {EvidenceKind.BANK_STATEMENT, EvidenceKind.PHOTO}
    assert "round required documents changed" in session.scalars(select(AuditEntry.action)).all()
