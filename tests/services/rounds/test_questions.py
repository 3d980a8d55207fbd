"""The question builder: sections and typed questions, their stable keys and the lock once groups apply."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.errors import DomainError
from portal.models.audit import AuditAction, AuditEntry
from portal.models.questions import QuestionKind, RoundQuestion
from portal.models.users import User
from portal.services.applications import form as form_rules
from portal.services.panels import access
from portal.services.rounds import questions
from portal.services.rounds.questions import QuestionSettings
from tests.factories import make_application, make_organisation, make_round


def ask(kind: QuestionKind, text: str = "What?", **more: object) -> QuestionSettings:
    return QuestionSettings(kind, text, **more)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("settings", "problems"),
    [
        (ask(QuestionKind.SHORT_TEXT, "Your website?"), {}),
        (QuestionSettings(None, "Your website?"), {"kind": "Choose what kind of answer the question takes"}),
        (ask(QuestionKind.SHORT_TEXT, "  "), {"question": "Enter the question"}),
        (ask(QuestionKind.SHORT_TEXT, "x" * 501), {"question": "The question must be 500 characters or fewer"}),
        (ask(QuestionKind.SHORT_TEXT, hint="h" * 1001), {"hint": "The hint must be 1,000 characters or fewer"}),
        (ask(QuestionKind.LONG_TEXT, word_limit=250), {}),
        (
            ask(QuestionKind.LONG_TEXT, word_limit=0),
            {"word_limit": "The word limit must be a whole number from 1 to 5,000"},
        ),
        (ask(QuestionKind.WHOLE_NUMBER), {}),
        (ask(QuestionKind.MONEY), {}),
        (ask(QuestionKind.YES_NO), {}),
        (ask(QuestionKind.DATE), {}),
        (ask(QuestionKind.FILE), {}),
        (ask(QuestionKind.ONE_CHOICE, options=["Bus", "Car"]), {}),
        (ask(QuestionKind.ONE_CHOICE, options=["Bus"]), {"options": "Enter at least two choices, one on each line"}),
        (
            ask(QuestionKind.SEVERAL_CHOICES, options=["Bus", "bus"]),
            {"options": "Each choice must be different: “bus” is there twice"},
        ),
        (
            ask(QuestionKind.SEVERAL_CHOICES, options=[f"o{i}" for i in range(31)]),
            {"options": "A question can offer up to 30 choices"},
        ),
    ],
)
def test_each_kind_of_question_is_checked(settings: QuestionSettings, problems: dict[str, str]) -> None:
    assert questions.question_problems(settings) == problems


def test_choices_are_typed_one_on_each_line() -> None:
    assert questions.options_from_lines(" Bus \n\n Car\r\nWalk ") == ["Bus", "Car", "Walk"]


def test_keys_stay_put_across_edits_reorders_and_removals(session: Session, officer: User) -> None:
    grant_round = make_round(session)
    section = questions.add_section(session, grant_round, title="Your partners", intro="Who helps", by=officer)
    first = questions.add_question(session, section, ask(QuestionKind.SHORT_TEXT, "Who?"), by=officer)
    second = questions.add_question(session, section, ask(QuestionKind.MONEY, "How much?"), by=officer)
    third = questions.add_question(session, section, ask(QuestionKind.YES_NO, "Paid?"), by=officer)
    assert (section.key, [q.key for q in section.questions]) == ("s1", ["q1", "q2", "q3"])

    questions.change_question(session, first, ask(QuestionKind.LONG_TEXT, "Who exactly?"), by=officer)
    questions.move_question(session, third, up=True, by=officer)
    questions.move_question(session, third, up=True, by=officer)
    questions.move_question(session, third, up=True, by=officer)  # already first: nothing changes
    assert [(q.key, q.position) for q in section.questions] == [("q3", 1), ("q1", 2), ("q2", 3)]
    assert (first.key, first.kind, first.word_limit) == ("q1", QuestionKind.LONG_TEXT, 200)

    questions.remove_question(session, second, by=officer)
    added = questions.add_question(session, section, ask(QuestionKind.DATE, "When?"), by=officer)
    # A new question never takes the key of one still in the round.
    assert [q.key for q in section.questions] == ["q3", "q1", "q4"]
    assert added.key == "q4"

    other = questions.add_section(session, grant_round, title="Your plans", by=officer)
    questions.move_section(session, other, up=True, by=officer)
    assert [(s.key, s.position) for s in grant_round.question_sections] == [("s2", 1), ("s1", 2)]
    actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert {
        AuditAction.ROUND_SECTION_ADDED,
        AuditAction.ROUND_SECTION_MOVED,
        AuditAction.ROUND_QUESTION_ADDED,
        AuditAction.ROUND_QUESTION_CHANGED,
        AuditAction.ROUND_QUESTION_MOVED,
        AuditAction.ROUND_QUESTION_REMOVED,
    } <= set(actions)


def test_choices_are_kept_only_for_choice_questions(session: Session, officer: User) -> None:
    section = questions.add_section(session, make_round(session), title="More", by=officer)
    asked = questions.add_question(
        session, section, ask(QuestionKind.ONE_CHOICE, "How?", options=["Bus", "Car"]), by=officer
    )
    assert asked.options == ["Bus", "Car"]
    questions.change_question(session, asked, ask(QuestionKind.SHORT_TEXT, "How?", options=["Bus"]), by=officer)
    assert (asked.options, asked.word_limit) == ([], None)


def test_a_bad_question_is_refused_with_its_field(session: Session, officer: User) -> None:
    section = questions.add_section(session, make_round(session), title="More", by=officer)
    with pytest.raises(DomainError) as refused:
        questions.add_question(session, section, ask(QuestionKind.ONE_CHOICE, "How?", options=["Bus"]), by=officer)
    assert (refused.value.field, refused.value.message) == ("options", "Enter at least two choices, one on each line")
    with pytest.raises(DomainError, match="Enter the section's title"):
        questions.add_section(session, section.round, title=" ", by=officer)


def test_questions_are_locked_once_the_round_has_an_application(session: Session, officer: User) -> None:
    grant_round = make_round(session)
    section = questions.add_section(session, grant_round, title="More", by=officer)
    asked = questions.add_question(session, section, ask(QuestionKind.SHORT_TEXT, "Who?"), by=officer)
    assert not questions.is_locked(session, grant_round)
    make_application(session, grant_round=grant_round, organisation=make_organisation(session))

    assert questions.is_locked(session, grant_round)
    attempts = [
        lambda: questions.add_section(session, grant_round, title="Later", by=officer),
        lambda: questions.change_section(session, section, title="Renamed", by=officer),
        lambda: questions.move_section(session, section, up=False, by=officer),
        lambda: questions.remove_section(session, section, by=officer),
        lambda: questions.add_question(session, section, ask(QuestionKind.MONEY, "How much?"), by=officer),
        lambda: questions.change_question(session, asked, ask(QuestionKind.LONG_TEXT, "Who?"), by=officer),
        lambda: questions.move_question(session, asked, up=True, by=officer),
        lambda: questions.remove_question(session, asked, by=officer),
    ]
    for attempt in attempts:
        with pytest.raises(DomainError, match="Groups have started applying to this round"):
            attempt()
    assert [(q.key, q.question, q.kind) for q in section.questions] == [("q1", "Who?", QuestionKind.SHORT_TEXT)]


def test_a_removed_question_keeps_its_answers_readable(session: Session, officer: User) -> None:
    grant_round = make_round(session)
    section = questions.add_section(session, grant_round, title="More", by=officer)
    kept = questions.add_question(session, section, ask(QuestionKind.SHORT_TEXT, "Who?"), by=officer)
    gone = questions.add_question(session, section, ask(QuestionKind.MONEY, "How much?"), by=officer)
    application = make_application(session, grant_round=grant_round, organisation=make_organisation(session))
    application.answers = {section.key: {kept.key: "Friends", gone.key: "12.5"}}
    # Taken out after groups answered it (as migration 0014 brings such questions in).
    gone.removed = True
    session.flush()

    assert [s.name for s in form_rules.fields_for(application, section.key)] == [kept.key]
    shown = form_rules.shown_fields(application, section.key)
    assert [(s.name, s.label) for s in shown] == [
        (kept.key, "Who?"),
        (gone.key, "How much? (a question no longer asked)"),
    ]
    assert session.scalar(select(RoundQuestion.key).where(RoundQuestion.id == gone.id)) == gone.key


def test_officers_and_panellists_read_the_rounds_own_sections_in_order(session: Session, officer: User) -> None:
    grant_round = make_round(session)
    first = questions.add_section(session, grant_round, title="Your partners", by=officer)
    partners = questions.add_question(session, first, ask(QuestionKind.SHORT_TEXT, "Who helps?"), by=officer)
    second = questions.add_section(session, grant_round, title="Your plans", by=officer)
    start = questions.add_question(session, second, ask(QuestionKind.DATE, "Start date?"), by=officer)
    application = make_application(session, grant_round=grant_round, organisation=make_organisation(session))
    application.answers = {first.key: {partners.key: "The library"}, second.key: {start.key: "2027-03-27"}}

    keys = form_rules.answer_section_keys(grant_round, ("group", "idea", "benefit", "declarations"))
    assert keys == ["group", "idea", "benefit", "s1", "s2", "declarations"]
    reading = access.what_panellist_reads(application)
    assert [(s.title, [r.value for r in s.rows]) for s in reading.sections][2:] == [
        ("Your partners", ["The library"]),
        ("Your plans", ["27 March 2027"]),
    ]


@pytest.mark.parametrize(("blind", "shown"), [(False, "Hatfield Tea Club rules.pdf"), (True, "A file (its name")])
def test_a_blind_panel_reads_that_a_file_was_given_but_not_its_name(
    session: Session, officer: User, blind: bool, shown: str
) -> None:
    grant_round = make_round(session)
    grant_round.blind_review = blind
    section = questions.add_section(session, grant_round, title="Your rules", by=officer)
    rules = questions.add_question(session, section, ask(QuestionKind.FILE, "Your rules?"), by=officer)
    application = make_application(session, grant_round=grant_round, organisation=make_organisation(session))
    application.answers = {section.key: {rules.key: {"evidence_id": 1, "filename": "Hatfield Tea Club rules.pdf"}}}

    [row] = next(s for s in access.what_panellist_reads(application).sections if s.key == section.key).rows
    assert row.value.startswith(shown)
    assert blind is ("Tea Club" not in row.value)
