"""Money and date filters."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from flask import Flask, render_template_string

from portal.formatting import date_long, pounds, time_and_date, time_of_day


@pytest.mark.parametrize(
    ("pence", "expected"),
    [
        (0, "£0"),
        (50_000, "£500"),
        (500_000, "£5,000"),
        (5_000_000, "£50,000"),
        (1_250, "£12.50"),
        (1_205, "£12.05"),
        (99, "£0.99"),
        (123_456_789, "£1,234,567.89"),
        (-2_500, "-£25"),
        (None, ""),
    ],
)
def test_pounds(pence: int | None, expected: str) -> None:
    assert pounds(pence) == expected


def test_date_long_in_winter_and_summer() -> None:
    assert date_long(datetime(2026, 12, 12, 17, 0, tzinfo=UTC)) == "Saturday 12 December 2026"
    assert date_long(date(2026, 12, 11)) == "Friday 11 December 2026"
    assert date_long(None) == ""


def test_date_long_uses_the_uk_calendar_day() -> None:
    # 23:30 UTC on 30 June is 00:30 on 1 July in British Summer Time.
    assert date_long(datetime(2026, 6, 30, 23, 30, tzinfo=UTC)) == "Wednesday 1 July 2026"


def test_time_and_date_in_greenwich_mean_time() -> None:
    # December: UK time is UTC.
    assert time_and_date(datetime(2026, 12, 11, 17, 0, tzinfo=UTC)) == "5pm on Friday 11 December 2026"


def test_time_and_date_in_british_summer_time() -> None:
    # June: UK time is UTC + 1, so 16:00 UTC is 5pm.
    assert time_and_date(datetime(2026, 6, 12, 16, 0, tzinfo=UTC)) == "5pm on Friday 12 June 2026"


def test_clocks_change_at_the_end_of_march() -> None:
    # The clocks go forward at 01:00 UTC on Sunday 29 March 2026.
    assert time_and_date(datetime(2026, 3, 29, 0, 30, tzinfo=UTC)) == "12:30am on Sunday 29 March 2026"
    assert time_and_date(datetime(2026, 3, 29, 1, 30, tzinfo=UTC)) == "2:30am on Sunday 29 March 2026"


def test_naive_datetimes_are_read_as_utc() -> None:
    assert time_and_date(datetime(2026, 7, 1, 8, 45)) == "9:45am on Wednesday 1 July 2026"


@pytest.mark.parametrize(
    ("hour", "minute", "expected"),
    [(0, 0, "midnight"), (12, 0, "midday"), (9, 0, "9am"), (13, 5, "1:05pm"), (23, 59, "11:59pm"), (0, 15, "12:15am")],
)
def test_time_of_day(hour: int, minute: int, expected: str) -> None:
    assert time_of_day(datetime(2026, 1, 15, hour, minute, tzinfo=UTC)) == expected


def test_filters_are_registered(app: Flask) -> None:
    with app.app_context():
        rendered = render_template_string(
            "{{ amount | pounds }} / {{ at | date_long }} / {{ at | time_and_date }}",
            amount=123_450,
            at=datetime(2026, 12, 11, 17, 0, tzinfo=UTC),
        )
    assert rendered == "£1,234.50 / Friday 11 December 2026 / 5pm on Friday 11 December 2026"
