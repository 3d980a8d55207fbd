"""The question builder: a round's own sections and typed questions.

Officers add, change, reorder and remove a round's sections and questions
until the first group starts an application; from then on the questions are
locked, because groups' answers are stored under each question's key and the
form they are filling in must not change under them.

Keys are given when a section or question is made and never change: sections
``s1, s2 …`` (a round's questions from before the builder sit in the section
keyed ``extra``), questions ``q1, q2 …``, never reused while anything refers to
them. A question removed after groups answered it stays, marked removed, so
its answers are still read as "no longer asked".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.errors import DomainError
from portal.infra.i18n import _l, gettext
from portal.models.applications import Application
from portal.models.audit import AuditAction
from portal.models.funding import Round
from portal.models.questions import QuestionKind, RoundQuestion, RoundSection
from portal.models.users import User
from portal.plain_text import is_one_line
from portal.services import audit

MAX_SECTIONS = 10
MAX_QUESTIONS_PER_SECTION = 30
MAX_OPTIONS = 30
MAX_QUESTION_CHARS = 500
MAX_HINT_CHARS = 1000
MAX_OPTION_CHARS = 200
MAX_WORD_LIMIT = 5000
DEFAULT_WORD_LIMIT = 200
LOCKED = _l(
    "Groups have started applying to this round, so its questions can no longer change: "
    "their answers are kept under the questions as they were asked."
)
T = TypeVar("T", RoundSection, RoundQuestion)
NUMBERED = re.compile(r"[qs](\d{1,6})")


@dataclass
class QuestionSettings:
    kind: QuestionKind | None
    question: str
    hint: str = ""
    required: bool = True
    word_limit: int | None = None
    options: list[str] = field(default_factory=list)


def options_from_lines(text: str) -> list[str]:
    """Choices typed one on each line: blank lines dropped, spaces trimmed."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def is_locked(session: Session, grant_round: Round) -> bool:
    """A round's questions are locked once any group has started an application to it."""
    if grant_round.id is None:
        return False
    return bool(session.scalar(select(func.count(Application.id)).where(Application.round_id == grant_round.id)))


def ensure_unlocked(session: Session, grant_round: Round) -> None:
    if is_locked(session, grant_round):
        raise DomainError(LOCKED)


def section_problems(title: str, intro: str) -> dict[str, str]:
    problems = {}
    if not title.strip():
        problems["title"] = gettext("Enter the section's title")
    elif len(title.strip()) > 200:
        problems["title"] = gettext("The section's title must be 200 characters or fewer")
    elif not is_one_line(title.strip()):
        problems["title"] = gettext("Enter the section's title on one line, without line breaks or hidden characters")
    if len(intro) > 2000:
        problems["intro"] = gettext("The introduction must be 2,000 characters or fewer")
    return problems


def question_problems(settings: QuestionSettings) -> dict[str, str]:
    """Field name → what to fix. Empty when the question can be saved."""
    problems: dict[str, str] = {}
    if settings.kind is None:
        problems["kind"] = gettext("Choose what kind of answer the question takes")
    text = settings.question.strip()
    if not text:
        problems["question"] = gettext("Enter the question")
    elif len(text) > MAX_QUESTION_CHARS:
        problems["question"] = gettext(
            "The question must be %(limit)s characters or fewer", limit=format(MAX_QUESTION_CHARS, ",")
        )
    if len(settings.hint) > MAX_HINT_CHARS:
        problems["hint"] = gettext("The hint must be %(limit)s characters or fewer", limit=format(MAX_HINT_CHARS, ","))
    limit = settings.word_limit
    if settings.kind is QuestionKind.LONG_TEXT and limit is not None and not 1 <= limit <= MAX_WORD_LIMIT:
        problems["word_limit"] = gettext(
            "The word limit must be a whole number from 1 to %(limit)s", limit=format(MAX_WORD_LIMIT, ",")
        )
    if settings.kind is not None and settings.kind.has_options:
        problems |= _option_problems(settings.options)
    return problems


def _option_problems(options: list[str]) -> dict[str, str]:
    if len(options) < 2:
        return {"options": gettext("Enter at least two choices, one on each line")}
    if len(options) > MAX_OPTIONS:
        return {"options": gettext("A question can offer up to %(limit)s choices", limit=MAX_OPTIONS)}
    seen: set[str] = set()
    for option in options:
        if len(option) > MAX_OPTION_CHARS:
            return {"options": gettext("Each choice must be %(limit)s characters or fewer", limit=MAX_OPTION_CHARS)}
        if option.casefold() in seen:
            return {"options": gettext("Each choice must be different: “%(choice)s” is there twice", choice=option)}
        seen.add(option.casefold())
    return {}


def _refuse(problems: dict[str, str]) -> None:
    if problems:
        name, message = next(iter(problems.items()))
        raise DomainError(message, field=name)


def _next_number(keys: list[str]) -> int:
    return 1 + max((int(m.group(1)) for key in keys if (m := NUMBERED.fullmatch(key))), default=0)


def all_questions(grant_round: Round) -> list[RoundQuestion]:
    return [question for section in grant_round.question_sections for question in section.questions]


def _renumber(items: Sequence[RoundSection | RoundQuestion]) -> None:
    for position, item in enumerate(items, start=1):
        item.position = position


def _moved(items: list[T], item: T, up: bool) -> list[T] | None:
    """``items`` with ``item`` one place up or down, or None when it is already at that end."""
    index = items.index(item)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(items):
        return None
    order = list(items)
    order[index], order[other] = order[other], order[index]
    return order


# Sections


def add_section(session: Session, grant_round: Round, *, title: str, intro: str = "", by: User) -> RoundSection:
    ensure_unlocked(session, grant_round)
    _refuse(section_problems(title, intro))
    if len(grant_round.question_sections) >= MAX_SECTIONS:
        raise DomainError(
            gettext("A round can have up to %(MAX_SECTIONS)s sections of its own", MAX_SECTIONS=MAX_SECTIONS)
        )
    section = RoundSection(
        key=f"s{_next_number([s.key for s in grant_round.question_sections])}",
        title=title.strip(),
        intro=intro.strip(),
        position=len(grant_round.question_sections) + 1,
    )
    grant_round.question_sections.append(section)
    session.flush()
    audit.record(session, by, AuditAction.ROUND_SECTION_ADDED, grant_round, f"{grant_round.title}: {section.title}")
    return section


def change_section(session: Session, section: RoundSection, *, title: str, intro: str = "", by: User) -> None:
    ensure_unlocked(session, section.round)
    _refuse(section_problems(title, intro))
    section.title = title.strip()
    section.intro = intro.strip()
    session.flush()
    audit.record(session, by, AuditAction.ROUND_SECTION_CHANGED, section.round, f"{section.round.title}: {title}")


def move_section(session: Session, section: RoundSection, *, up: bool, by: User) -> None:
    grant_round = section.round
    ensure_unlocked(session, grant_round)
    order = _moved(list(grant_round.question_sections), section, up)
    if order is not None:
        grant_round.question_sections = order
        _renumber(order)
        session.flush()
        summary = f"{grant_round.title}: {section.title} {'up' if up else 'down'}"
        audit.record(session, by, AuditAction.ROUND_SECTION_MOVED, grant_round, summary)


def remove_section(session: Session, section: RoundSection, *, by: User) -> None:
    """Take a section and its questions out of the form (only while nobody has applied)."""
    grant_round = section.round
    ensure_unlocked(session, grant_round)
    grant_round.question_sections.remove(section)
    session.flush()
    _renumber(grant_round.question_sections)
    session.flush()
    audit.record(session, by, AuditAction.ROUND_SECTION_REMOVED, grant_round, f"{grant_round.title}: {section.title}")


# Questions


def _apply(question: RoundQuestion, settings: QuestionSettings) -> None:
    assert settings.kind is not None  # question_problems refused it otherwise
    question.kind = settings.kind
    question.question = settings.question.strip()
    question.hint = settings.hint.strip()
    question.required = settings.required
    question.word_limit = (
        (settings.word_limit or DEFAULT_WORD_LIMIT) if settings.kind is QuestionKind.LONG_TEXT else None
    )
    question.options = list(settings.options) if settings.kind.has_options else []


def add_question(session: Session, section: RoundSection, settings: QuestionSettings, *, by: User) -> RoundQuestion:
    grant_round = section.round
    ensure_unlocked(session, grant_round)
    _refuse(question_problems(settings))
    if len(section.questions) >= MAX_QUESTIONS_PER_SECTION:
        raise DomainError(
            gettext(
                "A section can have up to %(MAX_QUESTIONS_PER_SECTION)s questions",
                MAX_QUESTIONS_PER_SECTION=MAX_QUESTIONS_PER_SECTION,
            )
        )
    question = RoundQuestion(
        round_id=grant_round.id,
        key=f"q{_next_number([q.key for q in all_questions(grant_round)])}",
        position=len(section.questions) + 1,
        removed=False,
    )
    _apply(question, settings)
    section.questions.append(question)
    session.flush()
    audit.record(
        session, by, AuditAction.ROUND_QUESTION_ADDED, grant_round, f"{grant_round.title}: {question.question}"
    )
    return question


def change_question(session: Session, question: RoundQuestion, settings: QuestionSettings, *, by: User) -> None:
    """Change what a question asks; its key stays as it is."""
    grant_round = question.section.round
    ensure_unlocked(session, grant_round)
    _refuse(question_problems(settings))
    _apply(question, settings)
    session.flush()
    audit.record(
        session, by, AuditAction.ROUND_QUESTION_CHANGED, grant_round, f"{grant_round.title}: {question.question}"
    )


def move_question(session: Session, question: RoundQuestion, *, up: bool, by: User) -> None:
    section = question.section
    ensure_unlocked(session, section.round)
    order = _moved(list(section.questions), question, up)
    if order is not None:
        section.questions = order
        _renumber(order)
        session.flush()
        direction = "up" if up else "down"
        audit.record(
            session,
            by,
            AuditAction.ROUND_QUESTION_MOVED,
            section.round,
            f"{section.round.title}: {question.question} {direction}",
        )


def remove_question(session: Session, question: RoundQuestion, *, by: User) -> None:
    """Take a question out of the form (only while nobody has applied, so nobody has answered it)."""
    section = question.section
    grant_round = section.round
    ensure_unlocked(session, grant_round)
    section.questions.remove(question)
    session.flush()
    _renumber(section.questions)
    session.flush()
    audit.record(
        session, by, AuditAction.ROUND_QUESTION_REMOVED, grant_round, f"{grant_round.title}: {question.question}"
    )
