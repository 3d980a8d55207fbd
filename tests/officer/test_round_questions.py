"""A round's own questions keep their keys for the life of the round, so no group's answer is hidden."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from portal.models.applications import Application, ApplicationStatus
from portal.models.funding import Round
from portal.models.users import User
from tests.factories import make_application, make_organisation, make_round, make_user
from tests.fixtures.databases import reread
from tests.fixtures.pages import form_values, page_text

CRITERIA = [{"title": "Need", "descriptors": {str(p): f"Point {p}" for p in range(1, 6)}}]
LIVED = "How are people with lived experience involved in running your project?"


def round_asking(session: Session, *questions: tuple[str, str]) -> Round:
    return make_round(
        session,
        criteria=CRITERIA,
        questions={"extra": [{"key": key, "question": text, "hint": ""} for key, text in questions]},
    )


def answering(
    session: Session, grant_round: Round, answers: dict[str, str], status: ApplicationStatus | None = None
) -> Application:
    member = make_user(session)
    application = make_application(
        session,
        grant_round=grant_round,
        organisation=make_organisation(session, members=(member,)),
        status=status or ApplicationStatus.SUBMITTED,
    )
    application.answers = {"extra": answers}
    application.section_revisions = {"extra": 1}
    return application


def save_form(client: FlaskClient, grant_round: Round, **changes: str) -> None:
    """Open the round's form, change what ``changes`` names (as a browser would) and save."""
    url = f"/officer/rounds/{grant_round.id}/edit"
    fields: dict[str, Any] = form_values(client.get(url), with_field="title") | {
        name: [value] for name, value in changes.items()
    }
    response = client.post(url, data=fields)
    assert response.status_code == 302, page_text(response)


def keys_and_questions(session: Session, grant_round: Round) -> list[tuple[str, str, bool]]:
    reread(session)
    return [(q["key"], q["question"], bool(q.get("removed"))) for q in grant_round.questions["extra"]]


def test_saving_the_round_keeps_its_question_keys_so_answers_stay_readable(
    signed_in: FlaskClient, session: Session
) -> None:
    grant_round = round_asking(session, ("lived_experience", LIVED))
    application = answering(session, grant_round, {"lived_experience": "Two of our organisers live with cancer."})
    session.commit()

    save_form(signed_in, grant_round)
    save_form(signed_in, grant_round, title="Renamed round")

    assert keys_and_questions(session, grant_round) == [("lived_experience", LIVED, False)]
    page = page_text(signed_in.get(f"/officer/applications/{application.id}"))
    assert "Two of our organisers live with cancer." in page


def test_rewording_and_reordering_keep_each_questions_key(signed_in: FlaskClient, session: Session) -> None:
    grant_round = round_asking(session, ("q1", "Who will help?"), ("q2", "Where will you meet?"))
    session.commit()

    save_form(
        signed_in,
        grant_round,
        **{"extra-0-place": "2", "extra-1-place": "1", "extra-1-question": "Where will you meet, and how often?"},
    )

    assert keys_and_questions(session, grant_round) == [
        ("q2", "Where will you meet, and how often?", False),
        ("q1", "Who will help?", False),
    ]
    # The form now shows them in that order, each with its own key.
    fields = form_values(signed_in.get(f"/officer/rounds/{grant_round.id}/edit"), with_field="title")
    assert (fields["extra-0-key"], fields["extra-0-question"]) == (["q2"], ["Where will you meet, and how often?"])
    assert (fields["extra-1-key"], fields["extra-1-question"]) == (["q1"], ["Who will help?"])


def test_new_questions_get_keys_never_used_in_the_round(signed_in: FlaskClient, session: Session) -> None:
    grant_round = round_asking(session, ("q1", "Who will help?"), ("q2", "Where will you meet?"))
    answering(session, grant_round, {"q1": "Our neighbours."})
    session.commit()

    # Both taken out, and a new one typed in an empty box.
    save_form(
        signed_in,
        grant_round,
        **{"extra-0-question": "", "extra-1-question": "", "extra-2-question": "What will you buy?"},
    )
    assert keys_and_questions(session, grant_round) == [
        ("q3", "What will you buy?", False),
        ("q1", "Who will help?", True),  # answered, so kept (not asked)
    ]

    # q2 was never answered and is gone, but its key is not handed out again.
    save_form(signed_in, grant_round, **{"extra-1-question": "Who will lead it?"})
    assert [key for key, _, _ in keys_and_questions(session, grant_round)] == ["q3", "q4", "q1"]


def test_a_key_sent_with_a_new_question_is_not_trusted(signed_in: FlaskClient, session: Session) -> None:
    grant_round = round_asking(session, ("q1", "Who will help?"))
    session.commit()

    # Two rows claiming the same key, and one claiming a key the round never had.
    save_form(
        signed_in,
        grant_round,
        **{
            "extra-1-key": "q1",
            "extra-1-question": "A copy",
            "extra-2-key": "someone_elses",
            "extra-2-question": "Made up",
        },
    )
    assert [key for key, _, _ in keys_and_questions(session, grant_round)] == ["q1", "q2", "q3"]


def test_a_removed_question_is_not_asked_but_its_answers_are_shown(
    signed_in: FlaskClient, session: Session, client: FlaskClient, sign_in_as: Any
) -> None:
    grant_round = round_asking(session, ("q1", "Who will help?"), ("q2", "Where will you meet?"))
    sent = answering(session, grant_round, {"q1": "Our neighbours.", "q2": "The library."})
    draft = answering(session, grant_round, {"q1": "Half typed"}, status=ApplicationStatus.DRAFT)
    member: User = draft.organisation.memberships[0].user
    session.commit()

    save_form(signed_in, grant_round, **{"extra-0-question": ""})

    officer_page = page_text(signed_in.get(f"/officer/applications/{sent.id}"))
    assert "Who will help? (a question no longer asked) Our neighbours." in officer_page
    assert "Where will you meet? The library." in officer_page

    # The group drafting is no longer asked it, and completing the rest completes the section.
    sign_in_as(signed_in, member)
    section = f"/applications/{draft.id}/more-questions"
    assert "Who will help?" not in page_text(signed_in.get(section))
    fields = form_values(signed_in.get(section), with_field="revision")
    saved = signed_in.post(section, data=fields | {"q2": ["The church hall."], "action": ["later"]})
    assert saved.status_code == 302
    reread(session)
    assert "Who will help?" not in page_text(signed_in.get(f"/applications/{draft.id}/check-your-answers"))
    assert "More about your project Completed" in page_text(signed_in.get(f"/applications/{draft.id}"))
    # What they typed before the question was removed is kept, not dropped by the save.
    assert draft.answers["extra"] == {"q1": "Half typed", "q2": "The church hall."}
