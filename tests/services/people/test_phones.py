"""UK mobile numbers, however they are typed, become one E.164 form; other numbers are refused."""

from __future__ import annotations

import pytest

from portal.services.people.phones import masked, national, uk_mobile


@pytest.mark.parametrize(
    "typed",
    [
        "07700900123",
        "07700 900123",
        "07700 900 123",
        "(07700) 900-123",
        "+447700900123",
        "+44 7700 900123",
        "+44 (0)7700 900123",
        "0044 7700 900123",
        "447700900123",
        " 07700.900.123 ",
    ],
)
def test_the_ways_people_write_a_mobile_become_one(typed: str) -> None:
    assert uk_mobile(typed) == "+447700900123"


@pytest.mark.parametrize(
    "typed",
    ["", None, "01923 123456", "020 7946 0000", "07000 000000", "07600 900123", "0770090012", "077009001234", "seven"],
)
def test_landlines_personal_numbers_pagers_and_wrong_lengths_are_refused(typed: str | None) -> None:
    assert uk_mobile(typed) is None


def test_an_isle_of_man_mobile_is_a_mobile() -> None:
    assert uk_mobile("07624 123456") == "+447624123456"


def test_shown_masked_and_as_people_write_it() -> None:
    assert (masked("+447700900123"), national("+447700900123")) == ("123", "07700 900123")
