"""Text that must stay on one line: names, titles and email subjects.

A line break in an email subject would start a new header; a right-to-left
override makes ``photogpj.exe`` read as ``exe.jpg`` wherever it is shown.
Names people type are checked at the form (``OneLine``), and anything that
ends up in a one-line place is folded and shortened on the way out
(``one_line``, ``shorten``) so that it always fits and never cuts a character
or an emoji in half.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from wtforms import Field, Form
from wtforms.validators import ValidationError

ELLIPSIS = "…"
# Embeddings, overrides and isolates reorder the text around them; the plain
# marks (U+200E, U+200F, U+061C) do not, and some keyboards type them.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Code points that belong to the character before them: a cut just before one
# would leave half a character (an accent without its letter, half an emoji).
_JOINERS = frozenset("\u200c\u200d")


def breaks_the_line(character: str) -> bool:
    """A control character (tab, line feed, escape …), a line or paragraph separator, or a bidi override."""
    return unicodedata.category(character) in {"Cc", "Cs", "Zl", "Zp"} or character in BIDI_CONTROLS


def is_one_line(text: str) -> bool:
    return not any(breaks_the_line(character) for character in text)


def one_line(text: str) -> str:
    """``text`` with every character that breaks a line folded to a space, and runs of spaces made one."""
    folded = "".join(" " if breaks_the_line(character) else character for character in text)
    return " ".join(folded.split())


def _continues(character: str) -> bool:
    """Whether ``character`` continues the one before it rather than starting a new one."""
    code = ord(character)
    return (
        unicodedata.category(character) in {"Mn", "Mc", "Me"}
        or character in _JOINERS
        or 0xFE00 <= code <= 0xFE0F  # variation selectors (text or emoji style)
        or 0xE0100 <= code <= 0xE01EF
        or 0x1F3FB <= code <= 0x1F3FF  # skin tones
        or 0xE0020 <= code <= 0xE007F  # tag characters in flags such as Scotland's
    )


def _regional_indicator(character: str) -> bool:
    return 0x1F1E6 <= ord(character) <= 0x1F1FF


def _whole_at(text: str, cut: int) -> bool:
    """Whether ``text[:cut]`` ends between two whole characters (as a reader sees them)."""
    if cut <= 0 or cut >= len(text):
        return True
    if _continues(text[cut]) or text[cut - 1] in _JOINERS:
        return False
    if _regional_indicator(text[cut]) and _regional_indicator(text[cut - 1]):
        # Flags are pairs: cut only after an even number of indicators.
        run = 0
        while cut - run - 1 >= 0 and _regional_indicator(text[cut - run - 1]):
            run += 1
        return run % 2 == 0
    return True


def shorten(text: str, limit: int) -> str:
    """``text`` if it fits in ``limit`` characters, else as much of it as fits before an ellipsis.

    It is cut between words when a word boundary is not too far back, and
    never inside a character (a letter and its accents, an emoji sequence).
    """
    if len(text) <= limit:
        return text
    room = limit - len(ELLIPSIS)
    cut = room
    while cut > 0 and not _whole_at(text, cut):
        cut -= 1
    space = text.rfind(" ", 0, cut + 1)
    if space >= room // 2:
        cut = space
    return text[:cut].rstrip() + ELLIPSIS


class OneLine:
    """A WTForms validator: refuse line breaks, control characters and bidi overrides, with ``message``."""

    def __init__(self, message: str) -> None:
        self.message = message

    def __call__(self, form: Form, field: Field) -> None:
        data: Any = field.data
        if isinstance(data, str) and not is_one_line(data):
            raise ValidationError(self.message)
