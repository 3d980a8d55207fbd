"""One typed answer: the question as the form asks it (``FieldSpec``), and how a value as typed is read
(whole numbers, pounds, dates) and shown.

Used by the application form's rules (``form``), by the one answer renderer
(``answers``) and by the round's own questions, whose kinds map to these fields
(``question_spec``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from portal.infra.i18n import _l, gettext
from portal.models.questions import QuestionKind, RoundQuestion

MAX_SHORT_TEXT_CHARS = 200
MONTHS = (
    _l("January"),
    _l("February"),
    _l("March"),
    _l("April"),
    _l("May"),
    _l("June"),
    _l("July"),
    _l("August"),
    _l("September"),
    _l("October"),
    _l("November"),
    _l("December"),
)

YES_NO = {"yes": _l("Yes"), "no": _l("No")}

# A round's own long-text question without a limit of its own.
DEFAULT_QUESTION_WORD_LIMIT = 200


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    kind: str  # text, long, number, money, date, choice, multi, tick, file
    hint: str = ""
    required: bool = True
    max_chars: int = 200
    choices: dict[str, str] = field(default_factory=dict)
    message: str = ""  # what to say when it is missing
    word_limit: int | None = None  # a round's own long-text question's limit
    minimum: int = 1  # the smallest whole number accepted


def question_spec(question: RoundQuestion) -> FieldSpec:
    """A round's own question as the form asks it."""
    kind, text, required = question.kind, question.question, question.required
    message = gettext("Answer the question: %(text)s", text=text)
    hint = question.hint
    if kind is QuestionKind.LONG_TEXT:
        limit = question.word_limit or DEFAULT_QUESTION_WORD_LIMIT
        hint = " ".join(filter(None, [hint, gettext("Up to %(limit)s words.", limit=limit)]))
        return FieldSpec(question.key, text, "long", hint, required, message=message, word_limit=limit)
    if kind is QuestionKind.WHOLE_NUMBER:
        return FieldSpec(question.key, text, "number", hint, required, message=message, minimum=0)
    if kind is QuestionKind.MONEY:
        hint = " ".join(filter(None, [hint, gettext("In pounds, for example 150 or 149.99.")]))
        return FieldSpec(question.key, text, "money", hint, required, message=message)
    if kind is QuestionKind.DATE:
        hint = " ".join(filter(None, [hint, gettext("For example, 27 3 2027.")]))
        return FieldSpec(question.key, text, "date", hint, required, message=message)
    if kind is QuestionKind.YES_NO:
        return FieldSpec(question.key, text, "choice", hint, required, choices=YES_NO, message=message)
    if kind is QuestionKind.ONE_CHOICE:
        choices = {option: option for option in question.options}
        return FieldSpec(question.key, text, "choice", hint, required, choices=choices, message=message)
    if kind is QuestionKind.SEVERAL_CHOICES:
        choices = {option: option for option in question.options}
        hint = hint or gettext("Choose all that apply.")
        return FieldSpec(question.key, text, "multi", hint, required, choices=choices, message=message)
    if kind is QuestionKind.FILE:
        return FieldSpec(
            question.key, text, "file", hint, required, message=gettext("Upload a file for: %(text)s", text=text)
        )
    return FieldSpec(question.key, text, "text", hint, required, max_chars=MAX_SHORT_TEXT_CHARS, message=message)


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


DATE_PATTERNS = (
    re.compile(r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})"),
    re.compile(r"(?P<day>\d{1,2})[\s/.-]+(?P<month>\d{1,2})[\s/.-]+(?P<year>\d{4})"),
)


def parse_date(raw: Any) -> date | None:
    """``"2027-03-27"``, ``"27 3 2027"`` or ``"27/03/2027"`` → the date; None when it is not a real date."""
    text = str(raw or "").strip()
    for pattern in DATE_PATTERNS:
        found = pattern.fullmatch(text)
        if found:
            try:
                return date(int(found["year"]), int(found["month"]), int(found["day"]))
            except ValueError:
                return None
    return None


def shown_date(raw: Any) -> str:
    """A date as people write it (27 March 2027), or as typed when it is not a date."""
    found = parse_date(raw)
    return f"{found.day} {MONTHS[found.month - 1]} {found.year}" if found else str(raw)


def shown_pounds(raw: Any) -> str:
    pence = parse_pounds(raw)
    return pounds_text(pence) if pence is not None else str(raw)


def pounds_text(pence: int) -> str:
    pounds, rest = divmod(pence, 100)
    return f"£{pounds:,}" if rest == 0 else f"£{pounds:,}.{rest:02d}"
