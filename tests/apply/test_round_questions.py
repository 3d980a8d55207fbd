"""A round's own questions on the group's pages: each kind with its control, checked, saved as typed,
counted in the task list and shown in check your answers."""

from __future__ import annotations

import io

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models.applications import Application, Evidence, EvidenceKind
from portal.models.users import User
from portal.services.applications import lifecycle
from portal.storage import get_storage
from tests.factories import add_own_questions, make_organisation, make_round
from tests.fixtures.databases import reread
from tests.fixtures.pages import error_summary_problems, page_text
from tests.storage.sample_files import make_pdf

QUESTIONS = [
    {"key": "q1", "kind": "short_text", "question": "Your website?"},
    {"key": "q2", "kind": "long_text", "question": "Your story?", "word_limit": 5},
    {"key": "q3", "kind": "whole_number", "question": "How many sessions?"},
    {"key": "q4", "kind": "money", "question": "Match funding?"},
    {"key": "q5", "kind": "yes_no", "question": "Funded before?"},
    {"key": "q6", "kind": "one_choice", "question": "How often?", "options": ["Weekly", "Monthly"]},
    {"key": "q7", "kind": "several_choices", "question": "Which days?", "options": ["Mon", "Tue"]},
    {"key": "q8", "kind": "date", "question": "Start date?"},
    {"key": "q9", "kind": "file", "question": "Your plan?"},
    {"key": "q10", "kind": "short_text", "question": "Anything else?", "required": False},
]


@pytest.fixture
def draft(session: Session, member: User) -> Application:
    grant_round = make_round(session, title="Spring grants")
    add_own_questions(session, grant_round, QUESTIONS, key="s1", title="About the project")
    group = make_organisation(session, name="Holywell Walkers", members=(member,))
    application = lifecycle.start_application(session, grant_round, group, by=member)
    session.commit()
    return application


def test_each_kind_is_asked_checked_and_kept(signed_in: FlaskClient, session: Session, draft: Application) -> None:
    tasks = page_text(signed_in.get(f"/applications/{draft.id}"))
    assert "You have completed 0 of 7 sections" in tasks
    assert tasks.index("Budget") < tasks.index("About the project Not started") < tasks.index("Documents and photos")

    url = f"/applications/{draft.id}/more-questions/s1"
    page = signed_in.get(url)
    body = page.get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in body
    assert body.count('type="radio"') == 4  # yes/no and two choices
    assert body.count('type="checkbox"') == 2
    assert 'type="file"' in body
    assert "In pounds, for example 150 or 149.99." in body

    typed = {
        "revision": "0",
        "action": "continue",
        "q1": "example.org",
        "q2": "We walk together every single week",
        "q3": "ten",
        "q4": "lots",
        "q5": "yes",
        "q6": "Weekly",
        "q7": ["Mon", "Tue"],
        "q8": "31 2 2027",
    }
    refused = signed_in.post(url, data=typed)
    text = page_text(refused)
    assert "Your story must be 5 words or fewer (you have 6)" in text
    assert "How many sessions must be a whole number, like 25" in text
    assert "Match funding: enter an amount in pounds, like 150 or 149.99" in text
    assert "Start date: enter a real date, like 27 3 2027" in text
    assert "Upload a file for: Your plan?" in text
    assert error_summary_problems(refused.get_data(as_text=True)) == []
    reread(session)
    # Nothing typed is lost, even when it is not right yet.
    assert draft.answers["s1"]["q3"] == "ten"
    assert draft.answers["s1"]["q7"] == ["Mon", "Tue"]
    assert "About the project In progress" in page_text(signed_in.get(f"/applications/{draft.id}"))

    fixed = typed | {
        "revision": "1",
        "q2": "We walk every week",
        "q3": "12",
        "q4": "£1,250.5",
        "q8": "27 3 2027",
        "q9": (io.BytesIO(make_pdf()), "plan.pdf"),
    }
    response = signed_in.post(url, data=fixed, content_type="multipart/form-data")
    assert response.status_code == 302
    reread(session)
    stored = session.scalars(select(Evidence).where(Evidence.application_id == draft.id)).one()
    assert (stored.kind, stored.original_filename) == (EvidenceKind.OTHER, "plan.pdf")
    assert draft.answers["s1"]["q9"] == {"evidence_id": stored.id, "filename": "plan.pdf"}
    assert "About the project Completed" in page_text(signed_in.get(f"/applications/{draft.id}"))

    # Saving again without choosing a file keeps the one uploaded.
    again = fixed | {"revision": "2", "q9": (io.BytesIO(b""), "")}
    assert signed_in.post(url, data=again, content_type="multipart/form-data").status_code == 302
    reread(session)
    assert draft.answers["s1"]["q9"]["filename"] == "plan.pdf"
    assert "You have uploaded plan.pdf" in page_text(signed_in.get(url))

    check = page_text(signed_in.get(f"/applications/{draft.id}/check-your-answers"))
    for shown in ("£1,250.50", "27 March 2027", "Mon, Tue", "plan.pdf", "Your website? example.org"):
        assert shown in check


def test_a_file_refused_by_its_content_keeps_the_other_answers(
    signed_in: FlaskClient, session: Session, draft: Application
) -> None:
    url = f"/applications/{draft.id}/more-questions/s1"
    data = {"revision": "0", "action": "continue", "q1": "example.org", "q9": (io.BytesIO(b"MZ not a pdf"), "plan.pdf")}
    response = signed_in.post(url, data=data, content_type="multipart/form-data")
    assert response.status_code == 200  # the page again, with the other answers saved
    assert "example.org" in response.get_data(as_text=True)
    assert "Your answers are saved" in page_text(response)
    reread(session)
    assert draft.answers["s1"]["q1"] == "example.org"
    assert draft.answers["s1"].get("q9") is None
    assert session.scalar(select(Evidence.id)) is None


def test_a_section_the_round_does_not_have_is_not_found(signed_in: FlaskClient, draft: Application) -> None:
    assert signed_in.get(f"/applications/{draft.id}/more-questions/s9").status_code == 404
    assert signed_in.get(f"/applications/{draft.id}/more-questions/budget").status_code == 404


def test_a_replaced_file_goes_from_the_application_and_from_storage(
    signed_in: FlaskClient, session: Session, draft: Application
) -> None:
    url = f"/applications/{draft.id}/more-questions/s1"
    first = {"revision": "0", "action": "later", "q9": (io.BytesIO(make_pdf()), "plan.pdf")}
    assert signed_in.post(url, data=first, content_type="multipart/form-data").status_code == 302
    old_key = session.scalars(select(Evidence.storage_key).where(Evidence.application_id == draft.id)).one()
    assert get_storage().exists(old_key)

    second = {"revision": "1", "action": "later", "q9": (io.BytesIO(make_pdf()), "new plan.pdf")}
    assert signed_in.post(url, data=second, content_type="multipart/form-data").status_code == 302
    reread(session)
    [kept] = session.scalars(select(Evidence).where(Evidence.application_id == draft.id)).all()
    assert draft.answers["s1"]["q9"] == {"evidence_id": kept.id, "filename": "new plan.pdf"}
    assert not get_storage().exists(old_key)
