"""The application form's rules: word limits, money, budgets and section statuses."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from portal.models.applications import Application
from portal.services.applications import answers
from portal.services.applications import form as form_rules
from portal.services.applications.form import BudgetLineInput, parse_pounds, parse_whole_number
from tests.factories import (
    add_own_questions,
    make_application,
    make_neighbourhood,
    make_organisation,
    make_round,
    make_user,
)


@pytest.mark.parametrize(
    ("typed", "pence"),
    [
        ("150", 15000),
        ("£1,250.50", 125050),
        ("0.5", 50),
        (" 99.99 ", 9999),
        ("12.345", None),
        ("ten", None),
        ("-5", None),
        ("", None),
    ],
)
def test_amounts_are_read_as_pounds(typed: str, pence: int | None) -> None:
    assert parse_pounds(typed) == pence


@pytest.mark.parametrize(("typed", "number"), [("40", 40), ("1,200", 1200), ("4.5", None), ("about 30", None)])
def test_whole_numbers(typed: str, number: int | None) -> None:
    assert parse_whole_number(typed) == number


def draft(session: Session, **round_settings: object) -> Application:
    member = make_user(session)
    grant_round = make_round(session, **round_settings)  # type: ignore[arg-type]
    return make_application(
        session, grant_round=grant_round, organisation=make_organisation(session, members=(member,))
    )


def test_word_limits_come_from_the_round_and_are_counted_on_the_server(session: Session) -> None:
    application = draft(session, questions={"sections": {"idea": {"word_limit": 5, "guidance": "Keep it short."}}})
    application.answers = {
        "idea": {"title": "Walks", "activities": "one two three four five six", "local_need": "ok", "timing": "May"}
    }
    application.section_revisions = {"idea": 1}

    problems = form_rules.section_problems(application, "idea")

    assert problems == {"activities": "What will you do must be 5 words or fewer (you have 6)"}
    assert form_rules.section_status(application, "idea") == form_rules.IN_PROGRESS
    assert form_rules.guidance(application.round, "idea") == "Keep it short."


def test_a_section_is_not_started_until_saved_and_completed_when_nothing_is_missing(session: Session) -> None:
    application = draft(session)
    assert form_rules.section_status(application, "idea") == form_rules.NOT_STARTED

    application.answers = {
        "idea": {"title": "Walks", "activities": "Weekly walks.", "local_need": "Isolation.", "timing": "2027"}
    }
    application.section_revisions = {"idea": 1}
    assert form_rules.section_status(application, "idea") == form_rules.COMPLETED


def test_benefit_asks_for_the_rounds_neighbourhoods_and_checks_choices(session: Session) -> None:
    place = make_neighbourhood(session, name="Holywell")
    application = draft(session, neighbourhoods=[place])
    names = [spec.name for spec in form_rules.fields_for(application, "benefit")]
    assert names == ["people_count", "neighbourhood", "communities", "at_risk"]

    application.answers = {
        "benefit": {"people_count": "0", "neighbourhood": "999", "communities": ["aliens"], "at_risk": "maybe"}
    }
    problems = form_rules.section_problems(application, "benefit")
    assert set(problems) == {"people_count", "neighbourhood", "communities", "at_risk"}
    assert problems["people_count"].startswith("How many people will take part or benefit must be between 1")


def test_a_rounds_own_questions_make_their_own_section(session: Session) -> None:
    plain = draft(session)
    assert [s.key for s in form_rules.sections_for(plain.round)] == [
        "group", "idea", "benefit", "budget", "evidence", "declarations"
    ]  # fmt: skip

    extra = [{"key": "partners", "question": "Who will you work with?", "word_limit": 3}] + [
        {"key": f"q{i}", "question": f"Question {i}?"} for i in range(6)
    ]
    application = draft(session, questions={"extra": extra})
    assert [s.key for s in form_rules.sections_for(application.round)][3:5] == ["budget", "extra"]
    specs = form_rules.fields_for(application, "extra")
    assert [s.name for s in specs] == ["partners", "q0", "q1", "q2", "q3", "q4", "q5"]
    application.answers = {"extra": {"partners": "the local library and school"}}
    assert form_rules.section_problems(application, "extra")["partners"].endswith("3 words or fewer (you have 5)")


def test_questions_no_longer_asked_are_shown_with_their_answers_but_not_asked(session: Session) -> None:
    extra = [
        {"key": "gone", "question": "Who helps?", "removed": True},
        *({"key": f"q{i}", "question": f"Question {i}?"} for i in range(5)),
        {"key": "migrated", "question": form_rules.NO_LONGER_ASKED, "removed": True},
    ]
    application = draft(session, questions={"extra": extra})
    application.answers = {"extra": {"gone": "Our neighbours", "migrated": "Mondays", "q0": "Yes"}}

    assert [s.name for s in form_rules.fields_for(application, "extra")] == ["q0", "q1", "q2", "q3", "q4"]
    assert [(s.name, s.label) for s in form_rules.shown_fields(application, "extra")][5:] == [
        ("gone", "Who helps? (a question no longer asked)"),
        ("migrated", "A question no longer asked"),
    ]
    assert "gone" not in form_rules.section_problems(application, "extra")
    # A save of the page keeps the answers to questions no longer asked.
    assert form_rules.answers_kept_aside(application, "extra") == {"gone": "Our neighbours", "migrated": "Mondays"}

    # A group that never answered a removed question is not shown it.
    application.answers = {"extra": {"q0": "Yes", "gone": "  "}}
    assert [s.name for s in form_rules.shown_fields(application, "extra")] == ["q0", "q1", "q2", "q3", "q4"]
    assert form_rules.shown_fields(application, "idea") == form_rules.fields_for(application, "idea")


def test_budget_lines_total_and_limits(session: Session) -> None:
    application = draft(session, min_award_pence=50_000, max_award_pence=100_000)

    def problems(*lines: tuple[str, str]) -> dict[str, str]:
        application.answers = {"budget": {"lines": [{"item": i, "amount": a} for i, a in lines]}}
        return form_rules.budget_problems(application)

    assert problems() == {"lines": "Add at least one item to your budget, with its cost"}
    assert problems(("Hall hire", "lots")) == {"line-0": "Enter the cost of Hall hire in pounds, like 150 or 149.99"}
    assert problems(("", "40")) == {"line-0": "Say what item 1 is"}
    assert problems(("Hall hire", "0")) == {"line-0": "The cost of Hall hire must be more than £0"}
    assert problems(("Hall hire", "400")) == {"lines": "Your budget adds up to £400. You must ask for at least £500"}
    assert problems(("Hall hire", "900"), ("Tea", "100.01")) == {
        "lines": "Your budget adds up to £1,000.01. You can ask for up to £1,000"
    }
    assert problems(("Hall hire", "900"), ("", ""), ("Tea", "100")) == {}
    assert form_rules.budget_total_pence([BudgetLineInput("Hall", "900"), BudgetLineInput("Tea", "x")]) == 90_000


def test_declarations_need_every_tick_and_a_name(session: Session) -> None:
    application = draft(session)
    application.answers = {"declarations": {"true_and_complete": True, "name": ""}}
    problems = form_rules.section_problems(application, "declarations")
    assert set(problems) == {"use_as_described", "report_back", "privacy", "name"}


def test_each_kind_of_a_rounds_own_question_is_checked_and_read(session: Session) -> None:
    application = draft(session)
    add_own_questions(
        session,
        application.round,
        [
            {"key": "q1", "kind": "short_text", "question": "Your website?"},
            {"key": "q2", "kind": "long_text", "question": "Your story?", "word_limit": 3},
            {"key": "q3", "kind": "whole_number", "question": "How many sessions?"},
            {"key": "q4", "kind": "money", "question": "Match funding?"},
            {"key": "q5", "kind": "yes_no", "question": "Funded before?"},
            {"key": "q6", "kind": "one_choice", "question": "How?", "options": ["Bus", "Car"]},
            {"key": "q7", "kind": "several_choices", "question": "When?", "options": ["Mon", "Tue"]},
            {"key": "q8", "kind": "date", "question": "Start date?"},
            {"key": "q9", "kind": "file", "question": "Your plan?"},
            {"key": "q10", "kind": "short_text", "question": "Anything else?", "required": False},
        ],
        key="s1",
        title="About the project",
    )
    kinds = [spec.kind for spec in form_rules.fields_for(application, "s1")]
    assert kinds == ["text", "long", "number", "money", "choice", "choice", "multi", "date", "file", "text"]

    # Nothing saved: the section is not started, and every required question is asked for.
    assert form_rules.section_status(application, "s1") is form_rules.NOT_STARTED
    application.section_revisions = {"s1": 1}
    application.answers = {"s1": {}}
    missing = form_rules.section_problems(application, "s1")
    assert set(missing) == {f"q{n}" for n in range(1, 10)}
    assert missing["q1"] == "Answer the question: Your website?"
    assert missing["q9"] == "Upload a file for: Your plan?"
    assert form_rules.section_status(application, "s1") is form_rules.IN_PROGRESS

    application.answers = {
        "s1": {
            "q1": "x" * 201,
            "q2": "one two three four",
            "q3": "about ten",
            "q4": "lots",
            "q5": "maybe",
            "q6": "Train",
            "q7": ["Mon", "Sun"],
            "q8": "31 2 2027",
            "q9": "a name",
        }
    }
    assert form_rules.section_problems(application, "s1") == {
        "q1": "Your website must be 200 characters or fewer",
        "q2": "Your story must be 3 words or fewer (you have 4)",
        "q3": "How many sessions must be a whole number, like 25",
        "q4": "Match funding: enter an amount in pounds, like 150 or 149.99",
        "q5": "Answer the question: Funded before?",
        "q6": "Answer the question: How?",
        "q7": "Answer the question: When?",
        "q8": "Start date: enter a real date, like 27 3 2027",
        "q9": "Upload a file for: Your plan?",
    }

    good = {
        "q1": "example.org",
        "q2": "We meet weekly",
        "q3": "0",
        "q4": "£1,250.5",
        "q5": "yes",
        "q6": "Bus",
        "q7": ["Mon", "Tue"],
        "q8": "2027-03-27",
        "q9": {"evidence_id": 1, "filename": "plan.pdf"},
    }
    application.answers = {"s1": good}
    assert form_rules.section_problems(application, "s1") == {}
    assert form_rules.section_status(application, "s1") is form_rules.COMPLETED
    # One wording for everybody who reads the answers.
    rows = answers.answer_sections(application, ["s1"])[0]
    assert rows.title == "About the project"
    assert [row.value for row in rows.rows] == [
        "example.org",
        "We meet weekly",
        "0",
        "£1,250.50",
        "Yes",
        "Bus",
        "Mon, Tue",
        "27 March 2027",
        "plan.pdf",
        "Not answered",
    ]


@pytest.mark.parametrize(
    ("typed", "day"),
    [("27 3 2027", (2027, 3, 27)), ("27/03/2027", (2027, 3, 27)), ("2027-3-7", (2027, 3, 7)), ("30 2 2027", None)],
)
def test_dates_are_read_as_typed(typed: str, day: tuple[int, int, int] | None) -> None:
    found = form_rules.parse_date(typed)
    assert (None if found is None else (found.year, found.month, found.day)) == day
