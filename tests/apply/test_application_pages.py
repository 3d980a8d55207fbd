"""The application pages: start, task list, sections, budget, check answers, send, status."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.models.applications import Application, ApplicationStatus, Evidence
from portal.models.base import utcnow
from portal.models.outbox import OutboxMessage
from portal.models.users import User
from portal.services.applications import lifecycle
from portal.storage import get_storage
from tests.apply.filling import GOOD_ANSWERS, fill_application
from tests.factories import make_application, make_info_request, make_organisation, make_round, make_user
from tests.fixtures.databases import reread
from tests.fixtures.pages import error_summary_problems, page_text
from tests.storage.sample_files import make_pdf


@pytest.fixture
def draft(session: Session, member: User) -> Application:
    group = make_organisation(session, name="Holywell Walkers", members=(member,))
    application = lifecycle.start_application(session, make_round(session, title="Spring grants"), group, by=member)
    session.commit()
    return application


def test_starting_asks_which_group_and_opens_the_task_list(
    signed_in: FlaskClient, session: Session, member: User
) -> None:
    grant_round = make_round(session, slug="summer", title="Summer grants")
    make_organisation(session, name="Cassio Knitters", members=(member,))
    session.commit()

    page = signed_in.get("/rounds/summer/apply")
    assert "Which group is applying?" in page_text(page)
    assert signed_in.post("/rounds/summer/apply", data={}).status_code == 200  # nothing chosen
    assert "Choose the group that is applying" in page_text(signed_in.post("/rounds/summer/apply", data={}))

    group_id = re.search(r'name="organisation" type="radio" value="(\d+)"', page.get_data(as_text=True)).group(1)  # type: ignore[union-attr]
    response = signed_in.post("/rounds/summer/apply", data={"organisation": group_id})
    application = session.scalars(select(Application).where(Application.round_id == grant_round.id)).one()
    assert response.headers["Location"] == f"/applications/{application.id}"
    tasks = page_text(signed_in.get(f"/applications/{application.id}"))
    assert "You have completed 0 of 6 sections" in tasks
    assert "About your group Not started" in tasks


def test_someone_without_a_group_is_asked_about_it_first(signed_in: FlaskClient, session: Session) -> None:
    make_round(session, slug="summer")
    session.commit()
    page = signed_in.get("/rounds/summer/apply")
    assert "First, tell us about your group" in page_text(page)
    assert 'href="/groups/new?round=summer"' in page.get_data(as_text=True)


def test_a_closed_round_says_so(signed_in: FlaskClient, session: Session) -> None:
    make_round(session, slug="old", opens_at=utcnow() - timedelta(days=60), closes_at=utcnow() - timedelta(days=30))
    session.commit()
    assert "is not taking applications" in page_text(signed_in.get("/rounds/old/apply"))
    assert signed_in.get("/rounds/no-such-round/apply").status_code == 404


def test_other_groups_cannot_see_the_application(
    client: FlaskClient, session: Session, draft: Application, sign_in_as: Any
) -> None:
    stranger = make_user(session)
    session.commit()
    sign_in_as(client, stranger)
    for path in ("", "/your-idea", "/budget", "/check-your-answers", "/status", "/withdraw", "/sent"):
        assert client.get(f"/applications/{draft.id}{path}").status_code == 404, path
    assert client.post(f"/applications/{draft.id}/your-idea", data={"title": "Mine"}).status_code == 404


def test_a_page_saves_half_answers_and_says_what_is_missing(
    signed_in: FlaskClient, session: Session, draft: Application
) -> None:
    page = signed_in.get(f"/applications/{draft.id}/your-idea")
    assert "You have 300 words remaining" in page_text(page)

    response = signed_in.post(
        f"/applications/{draft.id}/your-idea",
        data={"revision": "0", "title": "Walk and talk", "activities": "Walks", "action": "continue"},
    )
    text = page_text(response)
    assert response.status_code == 200
    assert "Your answers are saved" in text
    assert "Tell us why it matters locally" in text
    assert "You have 299 words remaining" in text
    reread(session)
    assert draft.answers["idea"]["title"] == "Walk and talk"

    later = signed_in.post(
        f"/applications/{draft.id}/your-idea", data={"revision": "1", "title": "Walk", "action": "later"}
    )
    assert later.headers["Location"] == f"/applications/{draft.id}"
    assert "In progress" in page_text(signed_in.get(f"/applications/{draft.id}"))


def test_too_many_words_are_counted_on_the_server(signed_in: FlaskClient, draft: Application) -> None:
    words = " ".join(["word"] * 305)
    response = signed_in.post(
        f"/applications/{draft.id}/your-idea",
        data={"revision": "0", **GOOD_ANSWERS["idea"], "activities": words, "action": "continue"},
    )
    text = page_text(response)
    assert "What will you do must be 300 words or fewer (you have 305)" in text
    assert "You have 5 words too many" in text


def test_a_completed_section_returns_to_the_task_list(signed_in: FlaskClient, draft: Application) -> None:
    response = signed_in.post(
        f"/applications/{draft.id}/your-idea", data={"revision": "0", **GOOD_ANSWERS["idea"], "action": "continue"}
    )
    assert response.headers["Location"] == f"/applications/{draft.id}"
    assert "Your idea Completed" in page_text(signed_in.get(f"/applications/{draft.id}"))


def test_a_stale_page_is_refused_showing_both_versions(
    signed_in: FlaskClient, session: Session, draft: Application
) -> None:
    other = make_user(session, name="Dave")
    draft.organisation.memberships.append(type(draft.organisation.memberships[0])(user=other))
    lifecycle.save_answers(
        session, draft, "idea", {**GOOD_ANSWERS["idea"], "title": "Dave's title"}, by=other, revision=0
    )
    session.commit()

    response = signed_in.post(
        f"/applications/{draft.id}/your-idea",
        data={"revision": "0", **GOOD_ANSWERS["idea"], "title": "Amina's title", "action": "continue"},
    )
    text = page_text(response)
    assert response.status_code == 409
    assert "Someone else in your group saved this page" in text
    assert "Saved now: Dave's title" in text
    assert "Your version: Amina's title" in text
    assert 'value="Amina&#39;s title"' in response.get_data(as_text=True)  # what she typed is still in the form
    reread(session)
    assert draft.answers["idea"]["title"] == "Dave's title"

    # Saving again from the refreshed page keeps her version, knowingly.
    again = signed_in.post(
        f"/applications/{draft.id}/your-idea",
        data={"revision": "1", **GOOD_ANSWERS["idea"], "title": "Amina's title", "action": "continue"},
    )
    assert again.status_code == 302
    reread(session)
    assert draft.answers["idea"]["title"] == "Amina's title"


SAVED_BANNER = "Your answers are saved"


def test_the_saved_banner_stands_above_the_problems_only_when_the_save_happened(
    signed_in: FlaskClient, draft: Application
) -> None:
    saved = signed_in.post(
        f"/applications/{draft.id}/your-idea", data={"revision": "0", "title": "Walks", "action": "continue"}
    )
    body = saved.get_data(as_text=True)
    assert saved.status_code == 200
    assert body.index(SAVED_BANNER) < body.index('class="error-summary"')
    assert error_summary_problems(body) == []


@pytest.mark.parametrize("refusal", ["stale edit", "closed round", "too many budget items"])
def test_no_saved_banner_when_nothing_was_saved(
    signed_in: FlaskClient, session: Session, draft: Application, refusal: str
) -> None:
    url, data = f"/applications/{draft.id}/your-idea", {"revision": "0", "title": "Walks", "action": "continue"}
    if refusal == "stale edit":
        signed_in.post(url, data=data | {"title": "Saved first"})
    elif refusal == "closed round":
        draft.round.closes_at = utcnow() - timedelta(minutes=1)
        session.commit()
    else:
        url = f"/applications/{draft.id}/budget"
        data = {"revision": "0", "action": "continue"} | {f"item-{i}": "Tea" for i in range(31)}
        data |= {f"amount-{i}": "1" for i in range(31)}

    response = signed_in.post(url, data=data)

    body = response.get_data(as_text=True)
    assert response.status_code == 409
    assert SAVED_BANNER not in body
    assert "Your budget is saved" not in body
    assert error_summary_problems(body) == []
    assert 'value="Walks"' in body or 'value="Tea"' in body  # what was typed is still in the form


def test_budget_lines_are_added_and_removed_without_javascript(
    signed_in: FlaskClient, session: Session, draft: Application
) -> None:
    url = f"/applications/{draft.id}/budget"
    assert 'name="item-0"' in signed_in.get(url).get_data(as_text=True)

    added = signed_in.post(url, data={"revision": "0", "item-0": "Hall hire", "amount-0": "600", "action": "add"})
    assert added.status_code == 302
    page = signed_in.get(url).get_data(as_text=True)
    assert 'value="Hall hire"' in page
    assert 'name="item-1"' in page
    assert "Total: £600" in page_text(signed_in.get(url))

    signed_in.post(
        url,
        data={
            "revision": "1",
            "item-0": "Hall hire",
            "amount-0": "600",
            "item-1": "Tea",
            "amount-1": "40",
            "action": "add",
        },
    )
    removed = signed_in.post(
        url,
        data={
            "revision": "2",
            "item-0": "Hall hire",
            "amount-0": "600",
            "item-1": "Tea",
            "amount-1": "40",
            "item-2": "",
            "amount-2": "",
            "remove": "0",
        },
    )
    assert removed.status_code == 302
    reread(session)
    assert [(line.item, line.amount_pence) for line in draft.budget_lines] == [("Tea", 4000)]

    done = signed_in.post(
        url,
        data={
            "revision": "3",
            "item-0": "Tea",
            "amount-0": "40",
            "item-1": "Hall hire",
            "amount-1": "600",
            "action": "continue",
        },
    )
    assert done.headers["Location"] == f"/applications/{draft.id}"
    reread(session)
    assert draft.amount_requested_pence == 64_000


def test_budget_problems_are_shown_against_the_line(signed_in: FlaskClient, draft: Application) -> None:
    response = signed_in.post(
        f"/applications/{draft.id}/budget",
        data={"revision": "0", "item-0": "Hall hire", "amount-0": "six hundred", "action": "continue"},
    )
    text = page_text(response)
    assert "Your budget is saved" in text
    assert "Enter the cost of Hall hire in pounds, like 150 or 149.99" in text
    assert 'value="six hundred"' in response.get_data(as_text=True)


def test_check_answers_then_send_once(
    signed_in: FlaskClient, session: Session, draft: Application, member: User
) -> None:
    fill_application(session, get_storage(), draft)
    session.commit()

    check = signed_in.get(f"/applications/{draft.id}/check-your-answers")
    html = check.get_data(as_text=True)
    text = page_text(check)
    assert "Walk and talk" in text
    assert "£1,250.50" in text
    assert "Confirmed" in text
    for slug in ("about-your-group", "your-idea", "who-will-benefit", "budget", "evidence", "declarations"):
        assert f"/applications/{draft.id}/{slug}" in html, slug

    first = signed_in.post(f"/applications/{draft.id}/check-your-answers")
    second = signed_in.post(f"/applications/{draft.id}/check-your-answers")  # a double tap
    assert first.headers["Location"] == second.headers["Location"] == f"/applications/{draft.id}/sent"
    sent = page_text(signed_in.get(f"/applications/{draft.id}/sent"))
    reread(session)
    assert draft.reference
    assert draft.reference in sent
    assert session.scalar(select(func.count(OutboxMessage.id))) == 1
    # Once sent, the task list and section pages lead to the status page.
    assert signed_in.get(f"/applications/{draft.id}").headers["Location"] == f"/applications/{draft.id}/status"
    assert signed_in.post(f"/applications/{draft.id}/your-idea", data={"title": "x"}).status_code == 302


def test_sending_an_unfinished_application_says_what_is_left(signed_in: FlaskClient, draft: Application) -> None:
    response = signed_in.post(f"/applications/{draft.id}/check-your-answers")
    assert response.status_code == 409
    assert "Finish every section before you send your application" in page_text(response)


def test_the_status_page_tells_the_story(
    signed_in: FlaskClient, session: Session, draft: Application, member: User
) -> None:
    fill_application(session, get_storage(), draft)
    lifecycle.submit_application(session, draft, by=member)
    session.commit()

    text = page_text(signed_in.get(f"/applications/{draft.id}/status"))
    assert "Submitted" in text
    assert "We are checking that your group and project can be funded" in text
    assert "You sent the application" in text
    assert "You started the application" in text
    assert "withdraw this application" in text


def test_the_status_page_tells_the_story_in_the_members_language(
    signed_in: FlaskClient, session: Session, draft: Application, member: User
) -> None:
    fill_application(session, get_storage(), draft)
    lifecycle.submit_application(session, draft, by=member)
    member.language = "pl"
    session.commit()

    text = page_text(signed_in.get(f"/applications/{draft.id}/status"))

    assert "Sprawdzamy, czy Twoja grupa i projekt mogą otrzymać dofinansowanie w tym naborze." in text
    assert "Rozpoczęto wniosek" in text
    assert "Wysłano wniosek" in text
    assert "You sent the application" not in text


def test_withdrawing_needs_confirmation(signed_in: FlaskClient, session: Session, draft: Application) -> None:
    assert "Are you sure you want to withdraw" in page_text(signed_in.get(f"/applications/{draft.id}/withdraw"))
    response = signed_in.post(f"/applications/{draft.id}/withdraw", data={"reason": "Found other money"})
    assert response.headers["Location"] == f"/applications/{draft.id}/status"
    reread(session)
    assert draft.status is ApplicationStatus.WITHDRAWN
    again = signed_in.get(f"/applications/{draft.id}/withdraw")
    assert again.status_code == 302
    assert "cannot be withdrawn" in page_text(signed_in.get(again.headers["Location"]))


def test_answering_a_question_with_a_file(signed_in: FlaskClient, session: Session, member: User) -> None:
    application = make_application(
        session,
        grant_round=make_round(session),
        organisation=make_organisation(session, members=(member,)),
        status=ApplicationStatus.MORE_INFO,
    )
    application.reference = "AO-2026-0042"
    question = make_info_request(session, application=application, question="Send your bank statement, please.")
    session.commit()

    status = page_text(signed_in.get(f"/applications/{application.id}/status"))
    assert "Send your bank statement, please." in status
    url = f"/applications/{application.id}/questions/{question.id}"
    assert "Enter your answer" in page_text(signed_in.post(url, data={"answer": " "}))

    response = signed_in.post(
        url,
        data={"answer": "Attached.", "files": (io.BytesIO(make_pdf()), "statement.pdf")},
        content_type="multipart/form-data",
    )
    assert response.headers["Location"] == f"/applications/{application.id}/status"
    reread(session)
    assert application.status is ApplicationStatus.SUBMITTED
    assert session.scalar(select(func.count(Evidence.id)).where(Evidence.info_request_id == question.id)) == 1
    assert "This question has been answered" in page_text(signed_in.get(url))


def test_a_disguised_file_is_refused_and_the_answer_kept(
    signed_in: FlaskClient, session: Session, member: User
) -> None:
    application = make_application(
        session,
        grant_round=make_round(session),
        organisation=make_organisation(session, members=(member,)),
        status=ApplicationStatus.MORE_INFO,
    )
    question = make_info_request(session, application=application)
    session.commit()
    response = signed_in.post(
        f"/applications/{application.id}/questions/{question.id}",
        data={"answer": "My words.", "files": (io.BytesIO(b"<html><script>alert(1)</script></html>"), "statement.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "My words." in response.get_data(as_text=True)
    reread(session)
    assert application.status is ApplicationStatus.MORE_INFO
    assert session.scalar(select(func.count(Evidence.id))) == 0
