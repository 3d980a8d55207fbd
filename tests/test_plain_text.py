"""One-line text: folding what breaks a line, and shortening without cutting a character in half."""

from __future__ import annotations

import pytest

from portal.plain_text import ELLIPSIS, is_one_line, one_line, shorten


@pytest.mark.parametrize(
    ("typed", "folded"),
    [
        ("Garston Shed\r\nBcc: x@example.org", "Garston Shed Bcc: x@example.org"),
        ("Tab\tand\x0bvertical\x0cfeed\x1b[31m", "Tab and vertical feed [31m"),
        ("Line\u2028and\u2029paragraph\x85next", "Line and paragraph next"),
        ("photo\u202egpj.exe", "photo gpj.exe"),
        ("  spaced   out  ", "spaced out"),
        ("Café ☕ \u05e9\u05dc\u05d5\u05dd \u200fmark", "Café ☕ \u05e9\u05dc\u05d5\u05dd \u200fmark"),
    ],
)
def test_one_line_folds_what_breaks_a_line_to_a_space(typed: str, folded: str) -> None:
    assert one_line(typed) == folded
    assert is_one_line(folded)
    assert is_one_line(typed) is (typed.strip(" ") in {"spaced   out", folded})


def test_short_text_is_left_alone() -> None:
    assert shorten("Garston Shed", 200) == "Garston Shed"
    assert shorten("x" * 200, 200) == "x" * 200


def test_long_text_is_cut_between_words_with_an_ellipsis() -> None:
    text = "You have been added to " + "Garston Community Shed " * 10
    short = shorten(text, 100)
    assert len(short) <= 100
    assert (
        short.endswith("Shed" + ELLIPSIS)
        or short.endswith("Community" + ELLIPSIS)
        or short.endswith("Garston" + ELLIPSIS)
    )
    assert text.startswith(short.removesuffix(ELLIPSIS) + " ")


@pytest.mark.parametrize(
    "unit",
    [
        "e\u0301",  # e and a combining accent
        "👩\u200d👩\u200d👧",  # a family: three emoji joined
        "👍🏽",  # a skin tone
        "🇬🇧",  # a flag: two regional indicators
        "🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",  # Scotland's flag: tag characters
        "❤\ufe0f",  # a variation selector
    ],
)
@pytest.mark.parametrize("offset", range(8))
def test_long_text_is_never_cut_inside_a_character(unit: str, offset: int) -> None:
    text = "x" * offset + unit * 40
    short = shorten(text, 30)
    assert len(short) <= 30
    kept = short.removesuffix(ELLIPSIS).removeprefix("x" * offset)
    assert kept == unit * (len(kept) // len(unit))
