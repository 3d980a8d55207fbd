"""What the application form asks, section by section, and when a section is complete.

A draft keeps whatever was typed, even half-finished answers, so nothing is
ever lost; the rules here say what is still missing. The same rules drive the
task list's statuses, the error messages on each section page and the check
before submission.

Answers are stored as ``Application.answers[section][field]``. Budget lines
are also kept as ``BudgetLine`` rows (see ``applications.save_budget``). A
round's own sections and questions (``RoundSection``, ``RoundQuestion``, made
in the question builder) sit between the budget and the documents; their
answers are stored under the section's key and each question's key.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from portal.infra.i18n import _l, gettext
from portal.models.applications import Application
from portal.models.funding import Round
from portal.models.questions import RoundQuestion, RoundSection
from portal.services.applications import evidence as evidence_rules
from portal.services.applications import spoken

# Re-exported: pages and other services read typed values through this module, as before.
from portal.services.applications.fields import YES_NO as YES_NO
from portal.services.applications.fields import FieldSpec as FieldSpec
from portal.services.applications.fields import count_words as count_words
from portal.services.applications.fields import parse_date as parse_date
from portal.services.applications.fields import parse_pounds as parse_pounds
from portal.services.applications.fields import parse_whole_number as parse_whole_number
from portal.services.applications.fields import pounds_text
from portal.services.applications.fields import question_spec as question_spec
from portal.services.applications.organisations import missing_profile_details
from portal.services.applications.section_status import SectionStatus
from portal.services.rounds import stages

NOT_STARTED = SectionStatus.NOT_STARTED
IN_PROGRESS = SectionStatus.IN_PROGRESS
COMPLETED = SectionStatus.COMPLETED

MAX_BUDGET_LINES = 30
MAX_PEOPLE = 1_000_000
MAX_LINE_PENCE = 100_000_000
COMMUNITIES = {
    "cancer": _l("People living with or after cancer"),
    "long_term_conditions": _l("People living with long-term conditions"),
    "carers": _l("Unpaid carers"),
    "older_people": _l("Older people"),
    "young_people": _l("Children and young people"),
    "disabled_people": _l("Disabled people"),
    "ethnic_minorities": _l("People from ethnic minority communities"),
    "low_income": _l("People on low incomes"),
    "lgbtq": _l("LGBTQ+ people"),
    "other": _l("Other people in the neighbourhood"),
}

DECLARATIONS = {
    "true_and_complete": _l("The information in this application is true and complete, as far as I know."),
    "use_as_described": _l(
        "If we get a grant, we will spend it on what we have described, or ask first before changing."
    ),
    "report_back": _l("We will tell the programme how it went in a short report at the end."),
    "privacy": _l("I have read how the programme uses the information we give (the privacy notice)."),
}

# Sections that have their own page; "evidence" and "budget" have special pages.
DEFAULT_WORD_LIMITS = {"group": 150, "idea": 300, "benefit": 150}
# What a migration wrote for a question it could not name: compared as stored, shown translated.
NO_LONGER_ASKED = "A question no longer asked"


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    slug: str  # the page's URL part


SECTIONS = (
    Section("group", _l("About your group"), "about-your-group"),
    Section("idea", _l("Your idea"), "your-idea"),
    Section("benefit", _l("Who will benefit"), "who-will-benefit"),
    Section("budget", _l("Budget"), "budget"),
    Section("evidence", _l("Documents and photos"), "evidence"),
    Section("declarations", _l("Declarations"), "declarations"),
)
SECTIONS_BY_KEY = {section.key: section for section in SECTIONS}
SECTIONS_BY_SLUG = {section.slug: section for section in SECTIONS}
# Built-in sections edited on the generic question page.
QUESTION_SECTIONS = ("group", "idea", "benefit", "declarations")
# A round's own sections come after these built-in ones, before the rest.
BEFORE_ROUND_SECTIONS = ("group", "idea", "benefit", "budget")


def is_round_section(key: str) -> bool:
    """A section made in the round's question builder (not one of the form's own)."""
    return key not in SECTIONS_BY_KEY


def is_question_section(key: str) -> bool:
    """A section whose page is a list of questions (every section but the budget and documents)."""
    return key in QUESTION_SECTIONS or is_round_section(key)


def round_section(grant_round: Round, key: str) -> RoundSection | None:
    return next((s for s in grant_round.question_sections if s.key == key), None)


def asked_round_sections(grant_round: Round) -> list[RoundSection]:
    """The round's own sections that ask something now, in order."""
    return [s for s in grant_round.question_sections if s.asked]


def _as_section(section: RoundSection) -> Section:
    return Section(section.key, section.title, section.key)


def section_for(grant_round: Round, key: str) -> Section:
    """The section with this key: one of the form's own, or one of the round's. KeyError when neither."""
    if key in SECTIONS_BY_KEY:
        return SECTIONS_BY_KEY[key]
    found = round_section(grant_round, key)
    if found is None:
        raise KeyError(key)
    return _as_section(found)


def sections_for(grant_round: Round) -> list[Section]:
    """The sections this round's form has: its own sections (those asking something) after the budget."""
    own = [_as_section(s) for s in asked_round_sections(grant_round)]
    before = [s for s in SECTIONS if s.key in BEFORE_ROUND_SECTIONS]
    return before + own + [s for s in SECTIONS if s.key not in BEFORE_ROUND_SECTIONS]


def answer_section_keys(grant_round: Round, built_in: tuple[str, ...]) -> list[str]:
    """The question sections whose answers officers or the panel read: the given built-in ones,
    with the round's own sections (even those no longer asking anything) in their place."""
    own = [s.key for s in grant_round.question_sections]
    keys = [key for key in built_in if key in BEFORE_ROUND_SECTIONS]
    return keys + own + [key for key in built_in if key not in BEFORE_ROUND_SECTIONS]


def section_settings(grant_round: Round, key: str) -> dict[str, Any]:
    settings = (grant_round.questions or {}).get("sections", {}).get(key, {})
    return settings if isinstance(settings, dict) else {}


def guidance(grant_round: Round, key: str) -> str:
    if is_round_section(key):
        found = round_section(grant_round, key)
        return found.intro if found is not None else ""
    return str(section_settings(grant_round, key).get("guidance", "") or "")


def word_limit(grant_round: Round, key: str) -> int:
    limit = section_settings(grant_round, key).get("word_limit")
    return int(limit) if isinstance(limit, int) and limit > 0 else DEFAULT_WORD_LIMITS.get(key, 200)


def _asked_questions(grant_round: Round, key: str) -> list[RoundQuestion]:
    found = round_section(grant_round, key)
    return found.asked if found is not None else []


def shown_fields(application: Application, key: str) -> list[FieldSpec]:
    """The questions whose answers officers and the panel read: those asked now and,
    for the round's own questions, any no longer asked that this application answered."""
    specs = fields_for(application, key)
    if not is_round_section(key):
        return specs
    found = round_section(application.round, key)
    answers = (application.answers or {}).get(key) or {}
    removed = [q for q in (found.questions if found is not None else []) if q.removed]
    return specs + [
        replace(question_spec(q), label=no_longer_asked_label(q.question), required=False)
        for q in removed
        if answered(answers.get(q.key))
    ]


def no_longer_asked_label(question: str) -> str:
    if not question.strip() or question == NO_LONGER_ASKED:
        return gettext("A question no longer asked")
    return gettext("%(question)s (a question no longer asked)", question=question)


def answered(value: Any) -> bool:
    if isinstance(value, str):
        return bool(value.strip())
    return value not in (None, [], False)


def answers_kept_aside(application: Application, key: str) -> dict[str, Any]:
    """Saved answers the section's page does not show (to questions no longer asked),
    which a save of that page keeps rather than drops."""
    if not is_round_section(key):
        return {}
    asked = {q.key for q in _asked_questions(application.round, key)}
    saved = (application.answers or {}).get(key) or {}
    return {name: value for name, value in saved.items() if name not in asked}


def fields_for(application: Application, key: str) -> list[FieldSpec]:
    """The questions on a section's page, for this application's round."""
    grant_round = application.round
    if is_round_section(key):
        return [question_spec(q) for q in _asked_questions(grant_round, key)]
    limit = word_limit(grant_round, key)
    if key == "group":
        return [
            FieldSpec(
                "description",
                gettext("What does your group do?"),
                "long",
                hint=gettext("Tell us who you are and what you do now. Up to %(limit)s words.", limit=limit),
                message=gettext("Tell us what your group does"),
            ),
            FieldSpec(
                "volunteers",
                gettext("How many people run or volunteer with your group?"),
                "number",
                hint=gettext("An estimate is fine."),
                message=gettext("Enter how many people run or volunteer with your group"),
            ),
        ]
    if key == "idea":
        return [
            FieldSpec(
                "title",
                gettext("Give your project a short name"),
                "text",
                max_chars=100,
                message=gettext("Enter a project name"),
            ),
            FieldSpec(
                "activities",
                gettext("What will you do?"),
                "long",
                hint=gettext("What will happen, where and how often. Up to %(limit)s words.", limit=limit),
                message=gettext("Tell us what you will do"),
            ),
            FieldSpec(
                "local_need",
                gettext("Why does it matter locally?"),
                "long",
                hint=gettext(
                    "What difference it will make here, and how you know it is needed. Up to %(limit)s words.",
                    limit=limit,
                ),
                message=gettext("Tell us why it matters locally"),
            ),
            FieldSpec(
                "timing",
                gettext("When will it happen?"),
                "text",
                hint=gettext("For example, weekly from March to December 2027."),
                message=gettext("Tell us when it will happen"),
            ),
        ]
    if key == "benefit":
        neighbourhoods = {str(n.id): n.name for n in grant_round.neighbourhoods}
        specs = [
            FieldSpec(
                "people_count",
                gettext("How many people will take part or benefit?"),
                "number",
                hint=gettext("An estimate is fine."),
                message=gettext("Enter how many people will take part or benefit"),
            )
        ]
        if neighbourhoods:
            specs.append(
                FieldSpec(
                    "neighbourhood",
                    gettext("Which neighbourhood will most of them live in?"),
                    "choice",
                    choices=neighbourhoods,
                    message=gettext("Choose the neighbourhood where most of them live"),
                )
            )
        specs += [
            FieldSpec(
                "communities",
                gettext("Which communities will benefit?"),
                "multi",
                hint=gettext("Choose all that apply."),
                choices=COMMUNITIES,
                message=gettext("Choose at least one community that will benefit"),
            ),
            FieldSpec(
                "at_risk",
                gettext("Will your project work with children or adults at risk?"),
                "choice",
                hint=gettext("If yes, we will ask for your safeguarding policy."),
                choices=YES_NO,
                message=gettext("Choose yes if your project will work with children or adults at risk"),
            ),
        ]
        return specs
    if key == "declarations":
        return [
            FieldSpec(name, text, "tick", message=gettext("Tick to confirm: ") + text[0].lower() + text[1:])
            for name, text in DECLARATIONS.items()
        ] + [
            FieldSpec(
                "name",
                gettext("Your full name"),
                "text",
                hint=gettext("Typing your name is how you sign this application."),
                message=gettext("Enter your full name"),
            )
        ]
    raise KeyError(key)


def field_word_limit(application: Application, key: str, spec: FieldSpec) -> int | None:
    if spec.kind != "long":
        return None
    return spec.word_limit or word_limit(application.round, key)


def answer(application: Application, key: str, name: str) -> Any:
    return (application.answers or {}).get(key, {}).get(name)


def question_problems(application: Application, key: str) -> dict[str, str]:
    """Field name → what is missing or wrong, for a question section."""
    problems: dict[str, str] = {}
    for spec in fields_for(application, key):
        value = answer(application, key, spec.name)
        recording = spoken.spoken_answer(application, key, spec.name) if spoken.takes_recording(spec.kind) else None
        if recording is not None and not answered(value):
            # Answered by a recording (counted as soon as it is accepted, while it is being prepared).
            if recording.failed:
                problems[spec.name] = str(spoken.NOT_PREPARED)
            continue
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
            return gettext("%(rstrip)s must be a whole number, like 25", rstrip=spec.label.rstrip("?"))
        if number < spec.minimum or number > MAX_PEOPLE:
            return gettext(
                "%(rstrip)s must be between %(minimum)s and %(MAX_PEOPLE)s",
                rstrip=spec.label.rstrip("?"),
                minimum=spec.minimum,
                MAX_PEOPLE=format(MAX_PEOPLE, ","),
            )
        return None
    if spec.kind == "money":
        pence = parse_pounds(value)
        if pence is None:
            return gettext("%(rstrip)s: enter an amount in pounds, like 150 or 149.99", rstrip=spec.label.rstrip("?"))
        if pence > MAX_LINE_PENCE:
            return gettext(
                "%(rstrip)s: enter an amount up to %(pounds_text)s",
                rstrip=spec.label.rstrip("?"),
                pounds_text=pounds_text(MAX_LINE_PENCE),
            )
        return None
    if spec.kind == "date":
        if parse_date(value) is None:
            return gettext("%(rstrip)s: enter a real date, like 27 3 2027", rstrip=spec.label.rstrip("?"))
        return None
    if spec.kind == "file":
        return None if isinstance(value, dict) and value.get("evidence_id") else spec.message
    if spec.kind == "choice":
        return None if str(value) in spec.choices else spec.message
    if spec.kind == "multi":
        values = value if isinstance(value, list) else [value]
        return None if values and all(str(v) in spec.choices for v in values) else spec.message
    text = str(value)
    limit = field_word_limit(application, key, spec)
    if limit is not None and count_words(text) > limit:
        return gettext(
            "%(rstrip)s must be %(limit)s words or fewer (you have %(count_words)s)",
            rstrip=spec.label.rstrip("?"),
            limit=limit,
            count_words=count_words(text),
        )
    if spec.kind == "text" and len(text) > spec.max_chars:
        return gettext(
            "%(rstrip)s must be %(max_chars)s characters or fewer",
            rstrip=spec.label.rstrip("?"),
            max_chars=spec.max_chars,
        )
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
            problems[index] = gettext("Say what item %(index)s is", index=index + 1)
        elif len(line.item) > 200:
            problems[index] = gettext("Item %(index)s must be 200 characters or fewer", index=index + 1)
        elif line.pence is None:
            problems[index] = gettext(
                "Enter the cost of %(strip)s in pounds, like 150 or 149.99", strip=line.item.strip()
            )
        elif line.pence == 0 or line.pence > MAX_LINE_PENCE:
            problems[index] = gettext("The cost of %(strip)s must be more than £0", strip=line.item.strip())
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
        return {"lines": gettext("Add at least one item to your budget, with its cost")}
    adds_up = gettext("Your budget adds up to %(pounds_text)s.", pounds_text=pounds_text(total))
    if total > grant_round.max_award_pence:
        return {
            "lines": gettext(
                "%(adds_up)s You can ask for up to %(pounds_text)s",
                adds_up=adds_up,
                pounds_text=pounds_text(grant_round.max_award_pence),
            )
        }
    if total < grant_round.min_award_pence:
        return {
            "lines": gettext(
                "%(adds_up)s You must ask for at least %(pounds_text)s",
                adds_up=adds_up,
                pounds_text=pounds_text(grant_round.min_award_pence),
            )
        }
    return {}


def group_problems(application: Application) -> dict[str, str]:
    problems = {f"profile-{i}": gap for i, gap in enumerate(missing_profile_details(application.organisation))}
    return problems | question_problems(application, "group")


PROBLEM_CHECKS: dict[str, Callable[[Application], dict[str, str]]] = {
    "group": group_problems,
    "idea": lambda a: question_problems(a, "idea"),
    "benefit": lambda a: question_problems(a, "benefit"),
    "budget": budget_problems,
    "declarations": lambda a: question_problems(a, "declarations"),
}


def section_status(application: Application, key: str) -> SectionStatus:
    if key == "evidence":
        return evidence_rules.evidence_section_status(application)
    saved = (application.section_revisions or {}).get(key, 0) > 0
    if not saved:
        return NOT_STARTED
    return IN_PROGRESS if section_problems(application, key) else COMPLETED


def section_problems(application: Application, key: str) -> dict[str, str]:
    if key == "evidence":
        missing = [
            need.label for need in evidence_rules.evidence_needed(application) if need.required and not need.files
        ]
        return {
            f"evidence-{i}": gettext("Upload your %(lower)s", lower=label.lower()) for i, label in enumerate(missing)
        }
    if is_round_section(key):
        return question_problems(application, key)
    return PROBLEM_CHECKS[key](application)


@dataclass(frozen=True)
class TaskListEntry:
    section: Section
    status: SectionStatus


def task_list(application: Application) -> list[TaskListEntry]:
    """The sections the group's form asks now (at a two-stage round's first stage, only those of the
    expression of interest), with where each stands."""
    return [
        TaskListEntry(section, section_status(application, section.key))
        for section in sections_for(application.round)
        if stages.asks_now(application, section.key)
    ]


def incomplete_sections(application: Application) -> list[Section]:
    return [entry.section for entry in task_list(application) if not entry.status.done]
