"""What the application form asks, section by section, and when a section is complete.

A draft keeps whatever was typed, even half-finished answers, so nothing is
ever lost; the rules here say what is still missing. The same rules drive the
task list's statuses, the error messages on each section page and the check
before submission.

Answers are stored as ``Application.answers[section][field]``. Budget lines
are also kept as ``BudgetLine`` rows (see ``applications.save_budget``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from portal.models.applications import Application
from portal.models.funding import Round
from portal.services.applications import evidence as evidence_rules
from portal.services.applications.organisations import missing_profile_details
from portal.services.applications.section_status import SectionStatus

NOT_STARTED = SectionStatus.NOT_STARTED
IN_PROGRESS = SectionStatus.IN_PROGRESS
COMPLETED = SectionStatus.COMPLETED

MAX_EXTRA_QUESTIONS = 5
MAX_BUDGET_LINES = 30
MAX_PEOPLE = 1_000_000
MAX_LINE_PENCE = 100_000_000

COMMUNITIES = {
    "cancer": "People living with or after cancer",
    "long_term_conditions": "People living with long-term conditions",
    "carers": "Unpaid carers",
    "older_people": "Older people",
    "young_people": "Children and young people",
    "disabled_people": "Disabled people",
    "ethnic_minorities": "People from ethnic minority communities",
    "low_income": "People on low incomes",
    "lgbtq": "LGBTQ+ people",
    "other": "Other people in the neighbourhood",
}

YES_NO = {"yes": "Yes", "no": "No"}

DECLARATIONS = {
    "true_and_complete": "The information in this application is true and complete, as far as I know.",
    "use_as_described": "If we get a grant, we will spend it on what we have described, or ask first before changing.",
    "report_back": "We will tell the programme how it went in a short report at the end.",
    "privacy": "I have read how the programme uses the information we give (the privacy notice).",
}

# Sections that have their own page; "evidence" and "budget" have special pages.
DEFAULT_WORD_LIMITS = {"group": 150, "idea": 300, "benefit": 150, "extra": 200}
NO_LONGER_ASKED = "A question no longer asked"


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    kind: str  # text, long, number, choice, multi, tick
    hint: str = ""
    required: bool = True
    max_chars: int = 200
    choices: dict[str, str] = field(default_factory=dict)
    message: str = ""  # what to say when it is missing


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    slug: str  # the page's URL part


SECTIONS = (
    Section("group", "About your group", "about-your-group"),
    Section("idea", "Your idea", "your-idea"),
    Section("benefit", "Who will benefit", "who-will-benefit"),
    Section("budget", "Budget", "budget"),
    Section("extra", "More about your project", "more-questions"),
    Section("evidence", "Documents and photos", "evidence"),
    Section("declarations", "Declarations", "declarations"),
)
SECTIONS_BY_KEY = {section.key: section for section in SECTIONS}
SECTIONS_BY_SLUG = {section.slug: section for section in SECTIONS}
# Sections edited on the generic question page.
QUESTION_SECTIONS = ("group", "idea", "benefit", "extra", "declarations")


def sections_for(grant_round: Round) -> list[Section]:
    """The sections this round's form has (extra questions only when it asks some)."""
    return [s for s in SECTIONS if s.key != "extra" or extra_questions(grant_round)]


def section_settings(grant_round: Round, key: str) -> dict[str, Any]:
    settings = (grant_round.questions or {}).get("sections", {}).get(key, {})
    return settings if isinstance(settings, dict) else {}


def guidance(grant_round: Round, key: str) -> str:
    return str(section_settings(grant_round, key).get("guidance", "") or "")


def word_limit(grant_round: Round, key: str) -> int:
    limit = section_settings(grant_round, key).get("word_limit")
    return int(limit) if isinstance(limit, int) and limit > 0 else DEFAULT_WORD_LIMITS.get(key, 200)


def _extra_entries(questions: dict[str, Any] | None) -> list[dict[str, Any]]:
    found = (questions or {}).get("extra") or []
    return [q for q in found if isinstance(q, dict) and q.get("key")]


def asked_questions(questions: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The extra questions applicants are asked, from a round's ``questions`` settings."""
    entries = _extra_entries(questions)
    return [q for q in entries if q.get("question") and not q.get("removed")][:MAX_EXTRA_QUESTIONS]


def removed_questions(questions: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Extra questions taken out of the form after groups had answered them: their answers stay readable."""
    return [q for q in _extra_entries(questions) if q.get("removed")]


def extra_questions(grant_round: Round) -> list[dict[str, Any]]:
    """The round's own questions, as asked now.

    ``questions["extra"]`` = [{"key", "question", "hint", "word_limit", "removed"}]. A key
    never changes for the life of a round (answers are stored under it); a question
    with ``"removed": true`` is no longer asked but its answers are still shown.
    """
    return asked_questions(grant_round.questions)


def shown_fields(application: Application, key: str) -> list[FieldSpec]:
    """The questions whose answers officers and the panel read: those asked now and,
    for the round's own questions, any no longer asked that this application answered."""
    specs = fields_for(application, key)
    if key != "extra":
        return specs
    answers = (application.answers or {}).get("extra") or {}
    return specs + [
        FieldSpec(
            str(q["key"]),
            no_longer_asked_label(str(q.get("question") or "")),
            "long",
            required=False,
        )
        for q in removed_questions(application.round.questions)
        if answered(answers.get(q["key"]))
    ]


def no_longer_asked_label(question: str) -> str:
    if not question.strip() or question == NO_LONGER_ASKED:
        return NO_LONGER_ASKED
    return f"{question} ({NO_LONGER_ASKED[0].lower()}{NO_LONGER_ASKED[1:]})"


def answered(value: Any) -> bool:
    if isinstance(value, str):
        return bool(value.strip())
    return value not in (None, [], False)


def answers_kept_aside(application: Application, key: str) -> dict[str, Any]:
    """Saved answers the section's page does not show (to questions no longer asked),
    which a save of that page keeps rather than drops."""
    if key != "extra":
        return {}
    asked = {q["key"] for q in extra_questions(application.round)}
    saved = (application.answers or {}).get("extra") or {}
    return {name: value for name, value in saved.items() if name not in asked}


def fields_for(application: Application, key: str) -> list[FieldSpec]:
    """The questions on a section's page, for this application's round."""
    grant_round = application.round
    limit = word_limit(grant_round, key)
    if key == "group":
        return [
            FieldSpec(
                "description",
                "What does your group do?",
                "long",
                hint=f"Tell us who you are and what you do now. Up to {limit} words.",
                message="Tell us what your group does",
            ),
            FieldSpec(
                "volunteers",
                "How many people run or volunteer with your group?",
                "number",
                hint="An estimate is fine.",
                message="Enter how many people run or volunteer with your group",
            ),
        ]
    if key == "idea":
        return [
            FieldSpec("title", "Give your project a short name", "text", max_chars=100, message="Enter a project name"),
            FieldSpec(
                "activities",
                "What will you do?",
                "long",
                hint=f"What will happen, where and how often. Up to {limit} words.",
                message="Tell us what you will do",
            ),
            FieldSpec(
                "local_need",
                "Why does it matter locally?",
                "long",
                hint=f"What difference it will make here, and how you know it is needed. Up to {limit} words.",
                message="Tell us why it matters locally",
            ),
            FieldSpec(
                "timing",
                "When will it happen?",
                "text",
                hint="For example, weekly from March to December 2027.",
                message="Tell us when it will happen",
            ),
        ]
    if key == "benefit":
        neighbourhoods = {str(n.id): n.name for n in grant_round.neighbourhoods}
        specs = [
            FieldSpec(
                "people_count",
                "How many people will take part or benefit?",
                "number",
                hint="An estimate is fine.",
                message="Enter how many people will take part or benefit",
            )
        ]
        if neighbourhoods:
            specs.append(
                FieldSpec(
                    "neighbourhood",
                    "Which neighbourhood will most of them live in?",
                    "choice",
                    choices=neighbourhoods,
                    message="Choose the neighbourhood where most of them live",
                )
            )
        specs += [
            FieldSpec(
                "communities",
                "Which communities will benefit?",
                "multi",
                hint="Choose all that apply.",
                choices=COMMUNITIES,
                message="Choose at least one community that will benefit",
            ),
            FieldSpec(
                "at_risk",
                "Will your project work with children or adults at risk?",
                "choice",
                hint="If yes, we will ask for your safeguarding policy.",
                choices=YES_NO,
                message="Choose yes if your project will work with children or adults at risk",
            ),
        ]
        return specs
    if key == "extra":
        return [
            FieldSpec(
                str(q["key"]),
                str(q["question"]),
                "long",
                hint=" ".join(filter(None, [str(q.get("hint") or ""), f"Up to {_extra_limit(q, limit)} words."])),
                message=f"Answer the question: {q['question']}",
            )
            for q in extra_questions(grant_round)
        ]
    if key == "declarations":
        return [
            FieldSpec(name, text, "tick", message="Tick to confirm: " + text[0].lower() + text[1:])
            for name, text in DECLARATIONS.items()
        ] + [
            FieldSpec(
                "name",
                "Your full name",
                "text",
                hint="Typing your name is how you sign this application.",
                message="Enter your full name",
            )
        ]
    raise KeyError(key)


def _extra_limit(question: dict[str, Any], default: int) -> int:
    limit = question.get("word_limit")
    return int(limit) if isinstance(limit, int) and limit > 0 else default


def field_word_limit(application: Application, key: str, spec: FieldSpec) -> int | None:
    if spec.kind != "long":
        return None
    if key == "extra":
        question = next((q for q in extra_questions(application.round) if q["key"] == spec.name), {})
        return _extra_limit(question, word_limit(application.round, key))
    return word_limit(application.round, key)


def count_words(text: str) -> int:
    return len(text.split())


def parse_whole_number(raw: Any) -> int | None:
    """``"1,200"`` → 1200; None when it is not a whole number."""
    text = str(raw or "").replace(",", "").strip()
    return int(text) if re.fullmatch(r"\d{1,9}", text) else None


def parse_pounds(raw: Any) -> int | None:
    """``"£1,250.50"`` → 125050 pence; None when it is not an amount of money."""
    text = str(raw or "").replace(",", "").replace("£", "").strip()
    if not re.fullmatch(r"\d{1,9}(\.\d{1,2})?", text):
        return None
    try:
        return int((Decimal(text) * 100).to_integral_value())
    except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
        return None


def answer(application: Application, key: str, name: str) -> Any:
    return (application.answers or {}).get(key, {}).get(name)


def question_problems(application: Application, key: str) -> dict[str, str]:
    """Field name → what is missing or wrong, for a question section."""
    problems: dict[str, str] = {}
    for spec in fields_for(application, key):
        value = answer(application, key, spec.name)
        problem = _field_problem(application, key, spec, value)
        if problem:
            problems[spec.name] = problem
    return problems


def _field_problem(application: Application, key: str, spec: FieldSpec, value: Any) -> str | None:
    empty = value in (None, "", [], False)
    if empty:
        return spec.message if spec.required else None
    if spec.kind == "tick":
        return None if value is True else spec.message
    if spec.kind == "number":
        number = parse_whole_number(value)
        if number is None:
            return f"{spec.label.rstrip('?')} must be a whole number, like 25"
        if number < 1 or number > MAX_PEOPLE:
            return f"{spec.label.rstrip('?')} must be between 1 and {MAX_PEOPLE:,}"
        return None
    if spec.kind == "choice":
        return None if str(value) in spec.choices else spec.message
    if spec.kind == "multi":
        values = value if isinstance(value, list) else [value]
        return None if values and all(str(v) in spec.choices for v in values) else spec.message
    text = str(value)
    limit = field_word_limit(application, key, spec)
    if limit is not None and count_words(text) > limit:
        return f"{spec.label.rstrip('?')} must be {limit} words or fewer (you have {count_words(text)})"
    if spec.kind == "text" and len(text) > spec.max_chars:
        return f"{spec.label.rstrip('?')} must be {spec.max_chars} characters or fewer"
    return None


@dataclass(frozen=True)
class BudgetLineInput:
    item: str
    amount: str  # as typed

    @property
    def pence(self) -> int | None:
        return parse_pounds(self.amount)


def budget_inputs(application: Application) -> list[BudgetLineInput]:
    raw = answer(application, "budget", "lines") or []
    return [BudgetLineInput(str(line.get("item", "")), str(line.get("amount", ""))) for line in raw]


def budget_line_problems(lines: list[BudgetLineInput]) -> dict[int, str]:
    """Line index → its problem (items without a cost, costs that are not money)."""
    problems = {}
    for index, line in enumerate(lines):
        if not line.item.strip() and not line.amount.strip():
            continue
        if not line.item.strip():
            problems[index] = f"Say what item {index + 1} is"
        elif len(line.item) > 200:
            problems[index] = f"Item {index + 1} must be 200 characters or fewer"
        elif line.pence is None:
            problems[index] = f"Enter the cost of {line.item.strip()} in pounds, like 150 or 149.99"
        elif line.pence == 0 or line.pence > MAX_LINE_PENCE:
            problems[index] = f"The cost of {line.item.strip()} must be more than £0"
    return problems


def budget_total_pence(lines: list[BudgetLineInput]) -> int:
    problems = budget_line_problems(lines)
    return sum(line.pence or 0 for index, line in enumerate(lines) if index not in problems and line.item.strip())


def budget_problems(application: Application) -> dict[str, str]:
    lines = budget_inputs(application)
    problems = {f"line-{index}": message for index, message in budget_line_problems(lines).items()}
    if problems:
        return problems
    total = budget_total_pence(lines)
    grant_round = application.round
    if total == 0:
        return {"lines": "Add at least one item to your budget, with its cost"}
    adds_up = f"Your budget adds up to {_pounds(total)}."
    if total > grant_round.max_award_pence:
        return {"lines": f"{adds_up} You can ask for up to {_pounds(grant_round.max_award_pence)}"}
    if total < grant_round.min_award_pence:
        return {"lines": f"{adds_up} You must ask for at least {_pounds(grant_round.min_award_pence)}"}
    return {}


def _pounds(pence: int) -> str:
    pounds, rest = divmod(pence, 100)
    return f"£{pounds:,}" if rest == 0 else f"£{pounds:,}.{rest:02d}"


def group_problems(application: Application) -> dict[str, str]:
    problems = {f"profile-{i}": gap for i, gap in enumerate(missing_profile_details(application.organisation))}
    return problems | question_problems(application, "group")


PROBLEM_CHECKS: dict[str, Callable[[Application], dict[str, str]]] = {
    "group": group_problems,
    "idea": lambda a: question_problems(a, "idea"),
    "benefit": lambda a: question_problems(a, "benefit"),
    "budget": budget_problems,
    "extra": lambda a: question_problems(a, "extra"),
    "declarations": lambda a: question_problems(a, "declarations"),
}


def section_status(application: Application, key: str) -> SectionStatus:
    if key == "evidence":
        return evidence_rules.evidence_section_status(application)
    saved = (application.section_revisions or {}).get(key, 0) > 0
    if not saved:
        return NOT_STARTED
    return IN_PROGRESS if PROBLEM_CHECKS[key](application) else COMPLETED


def section_problems(application: Application, key: str) -> dict[str, str]:
    if key == "evidence":
        missing = [
            need.label for need in evidence_rules.evidence_needed(application) if need.required and not need.files
        ]
        return {f"evidence-{i}": f"Upload your {label.lower()}" for i, label in enumerate(missing)}
    return PROBLEM_CHECKS[key](application)


@dataclass(frozen=True)
class TaskListEntry:
    section: Section
    status: SectionStatus


def task_list(application: Application) -> list[TaskListEntry]:
    return [
        TaskListEntry(section, section_status(application, section.key)) for section in sections_for(application.round)
    ]


def incomplete_sections(application: Application) -> list[Section]:
    return [entry.section for entry in task_list(application) if not entry.status.done]
